#!/usr/bin/env node
/**
 * `npm run seed [-- --members N] [-- --reset]`: fills an empty database with the demo association.
 * Thin launcher: compiles the server code into dist/ when it is missing or older than the sources
 * (tsc only, the admin panel is not needed to seed), loads Strapi from dist/ and runs
 * src/back-office/demo (runSeedCli). Uses the same database settings as the app (.env, DATABASE_*).
 * With NODE_ENV=production it refuses --reset and any database that already holds data (demo/reset.ts).
 */
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

/** Newest modification time of the server sources (config/, src/ without the admin panel). */
const newestSource = () => {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (p !== path.join(ROOT, 'src', 'admin')) walk(p);
      } else if (/\.(ts|js|json)$/.test(entry.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  walk(path.join(ROOT, 'src'));
  walk(path.join(ROOT, 'config'));
  return newest;
};

/** Compiles the server into dist/ unless dist/ is already up to date. */
const ensureServerBuild = () => {
  const entry = path.join(DIST, 'src', 'index.js');
  if (fs.existsSync(entry) && fs.statSync(entry).mtimeMs >= newestSource()) return;
  console.log('Compilation du serveur (dist/)...');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', path.join(ROOT, 'tsconfig.json')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  fs.utimesSync(entry, new Date(), new Date());
};

/** Loads Strapi (database, content types, bootstrap) without starting the HTTP server. */
const loadStrapi = async () => {
  process.env.CRON_ENABLED = 'false';
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  const { createStrapi } = require('@strapi/strapi');
  const strapi = await createStrapi({ appDir: ROOT, distDir: DIST }).load();
  return strapi;
};

const demo = () => require(path.join(DIST, 'src', 'back-office', 'demo'));

const main = async () => {
  ensureServerBuild();
  const strapi = await loadStrapi();
  let code = 1;
  try {
    code = await demo().runSeedCli(strapi, process.argv.slice(2));
  } catch (e) {
    console.error('Échec du remplissage :', e);
  } finally {
    await strapi.destroy();
  }
  process.exit(code);
};

if (require.main === module) main();

module.exports = { ROOT, DIST, ensureServerBuild, loadStrapi, demo };
