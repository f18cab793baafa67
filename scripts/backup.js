#!/usr/bin/env node
/**
 * npm run backup — writes one verified archive (database + uploads + manifest) into BACKUP_DIR,
 * then applies the retention. Reads .env and config/database.ts; does not start Strapi.
 * The code is in src/back-office/backups (compiled by `npm run build`).
 */
require('./backups-cli')('backup');
