import fs from 'fs';
import { DB_CLIENT, withPg } from './strapi';

export default async function globalTeardown() {
  if (process.env.TEST_DIST_OWNED === '1' && process.env.TEST_DIST_DIR) {
    fs.rmSync(process.env.TEST_DIST_DIR, { recursive: true, force: true });
  }
  // the database each suite started from (global-setup.ts)
  if (process.env.TEST_TEMPLATE_DIR) fs.rmSync(process.env.TEST_TEMPLATE_DIR, { recursive: true, force: true });
  if (DB_CLIENT === 'postgres' && process.env.TEST_TEMPLATE_DB)
    await withPg(`DROP DATABASE IF EXISTS "${process.env.TEST_TEMPLATE_DB}" WITH (FORCE)`);
}
