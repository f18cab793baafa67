import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';

/**
 * Compiles the server code once per `npm test` run, into a folder of its own (several runs can
 * go on at once on one machine), and hands its path to the suites through TEST_DIST_DIR.
 */
export default async function globalSetup() {
  const root = path.resolve(__dirname, '../..');
  const distDir = process.env.TEST_DIST_DIR || path.join(root, '.tmp', 'test-dist', String(process.pid));
  fs.rmSync(distDir, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json'), '--outDir', distDir, '--incremental', 'false'],
    {
      cwd: root,
      stdio: 'inherit',
    }
  );
  process.env.TEST_DIST_DIR = distDir;
  process.env.TEST_DIST_OWNED = process.env.TEST_DIST_OWNED ?? '1';
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
}
