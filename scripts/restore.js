#!/usr/bin/env node
/**
 * npm run restore -- <archive.tar.gz> [--force] — restores a backup into the configured database
 * (empty, or replaced with --force) and uploads folder, then checks the row counts. Stop the
 * back-office first. Reads .env and config/database.ts; does not start Strapi.
 */
require('./backups-cli')('restore');
