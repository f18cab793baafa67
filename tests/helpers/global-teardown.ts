import fs from 'fs';

export default async function globalTeardown() {
  if (process.env.TEST_DIST_OWNED === '1' && process.env.TEST_DIST_DIR) {
    fs.rmSync(process.env.TEST_DIST_DIR, { recursive: true, force: true });
  }
}
