#!/usr/bin/env node
/**
 * npm run roles:reset — re-applies the default rights of the bureau's roles (the table in
 * src/back-office/access/roles.ts), creating the missing roles. Rights the bureau changed by hand
 * in the admin panel are replaced. Needs a build (npm run build): boots Strapi from dist.
 */
const path = require('path');
const { createStrapi } = require('@strapi/strapi');

// No scheduled jobs in this one-off process.
process.env.CRON_ENABLED = 'false';

(async () => {
  const appDir = path.resolve(__dirname, '..');
  const distDir = path.join(appDir, 'dist');
  const strapi = await createStrapi({ appDir, distDir }).load();
  try {
    const { ensureRoles } = require(path.join(distDir, 'src/back-office/access/admin-roles'));
    const applied = await ensureRoles(strapi, { reset: true });
    console.log(`Droits par défaut ré-appliqués : ${applied.join(', ')}`);
  } finally {
    await strapi.destroy();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
