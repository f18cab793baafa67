#!/usr/bin/env node
/**
 * `npm run demo`: the whole demo in one command, after `npm install` on a fresh machine.
 *   1. refuses to run in production (NODE_ENV=production): demo accounts have published passwords;
 *   2. builds the app (admin panel + server) when dist/ is missing, or only recompiles the server
 *      when its sources changed;
 *   3. seeds the demo association once, only if the database has no data yet;
 *   4. creates the demo super admin and one account per bureau role that exists (see README);
 *   5. starts Strapi (as `strapi start` does) on http://localhost:1337/admin.
 * Database: the app's usual settings (SQLite .tmp/data.db by default).
 */
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { ROOT, DIST, ensureServerBuild, loadStrapi, demo } = require('./seed');

if (process.env.NODE_ENV === 'production') {
  console.error(
    'npm run demo est réservé à la démonstration : il crée des comptes aux mots de passe publics. Il refuse NODE_ENV=production.'
  );
  process.exit(1);
}
process.env.NODE_ENV = process.env.NODE_ENV || 'development';
const cronSetting = process.env.CRON_ENABLED; // loadStrapi() turns cron off while seeding
const strapiBin = path.join(ROOT, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js');

const main = async () => {
  if (!fs.existsSync(path.join(DIST, 'build', 'index.html'))) {
    console.log('Première construction de l’application (panneau d’administration compris, environ une minute)...');
    execFileSync(process.execPath, [strapiBin, 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  ensureServerBuild();

  const strapi = await loadStrapi();
  try {
    const { isContentEmpty, seedDemo, createDemoAccounts } = demo();
    if (await isContentEmpty(strapi)) {
      console.log('Base vide : création de l’association de démonstration...');
      const { counts } = await seedDemo(strapi, { log: (l) => console.log(l) });
      console.log(
        `${counts['api::member.member']} adhérents, ${counts['api::mission.mission']} missions et événements, ${counts['api::donation.donation']} dons créés.`
      );
    } else {
      console.log('La base contient déjà des données : elles sont conservées (npm run seed -- --reset pour repartir de zéro).');
    }
    const accounts = await createDemoAccounts(strapi);
    console.log('\nComptes de démonstration (mode démo uniquement) :');
    for (const a of accounts) {
      const state =
        a.outcome === 'role_missing' ? '(rôle absent : compte non créé)' : a.outcome === 'existing' ? '(déjà présent)' : '(créé)';
      console.log(`  ${a.roleLabel.padEnd(34)} ${a.email.padEnd(28)} ${a.password.padEnd(26)} ${state}`);
    }
  } finally {
    await strapi.destroy();
  }

  console.log(`\nDémarrage de Strapi : http://localhost:${process.env.PORT || 1337}/admin\n`);
  // What `strapi start` does, in this process (Strapi handles Ctrl+C itself).
  process.env.DEMO_MODE = 'true';
  if (cronSetting === undefined) delete process.env.CRON_ENABLED;
  else process.env.CRON_ENABLED = cronSetting;
  const { createStrapi } = require('@strapi/strapi');
  await createStrapi({ appDir: ROOT, distDir: DIST }).start();
};

main().catch((e) => {
  console.error('Échec du lancement de la démonstration :', e);
  process.exit(1);
});
