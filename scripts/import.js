#!/usr/bin/env node
/**
 * `npm run import -- --kind members|contributions|donors|donations <file> [--dry-run] [--skip-errors] [--sheet <name>]`:
 * the « Importer » page from the command line, for large files. Thin launcher (as scripts/seed.js):
 * compiles the server into dist/ when needed, loads Strapi without its HTTP server and runs
 * src/back-office/imports/cli.ts. Uses the app's database settings (.env, DATABASE_*).
 */
const path = require('path');
const { DIST, ensureServerBuild, loadStrapi } = require('./seed');

const main = async () => {
  ensureServerBuild();
  const strapi = await loadStrapi();
  let code = 1;
  try {
    const { runImportCli, settle } = require(path.join(DIST, 'src', 'back-office', 'imports', 'cli'));
    code = await runImportCli(strapi, process.argv.slice(2), (line) => console.log(line));
    await settle(strapi);
  } catch (e) {
    console.error('Échec de l’import :', e);
  } finally {
    await strapi.destroy();
  }
  process.exit(code);
};

main();
