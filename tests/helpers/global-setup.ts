import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { DB_CLIENT, TEST_TMP, withPg } from './strapi';

/**
 * Compiles the server code once per `npm test` run, into a folder of its own (several runs can
 * go on at once on one machine), and hands its path to the suites through TEST_DIST_DIR.
 * Then boots it once on an empty database (tests/helpers/template-db.js) and hands that database to
 * the suites through TEST_TEMPLATE_DB: each suite starts from a copy of it (startStrapi).
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
  await createTemplateDatabase(root, distDir);
}

const createTemplateDatabase = async (root: string, distDir: string) => {
  const workDir = path.join(TEST_TMP, `template_${process.pid}`);
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(workDir, 'public', 'uploads'), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    TEST_DIST_DIR: distDir,
    PUBLIC_DIR: path.join(workDir, 'public'),
    BACKUP_DIR: path.join(workDir, 'backups'),
  };
  let template: string;
  if (DB_CLIENT === 'postgres') {
    template = `asso_template_${process.pid}`;
    await withPg(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await withPg(`CREATE DATABASE "${template}"`);
    Object.assign(env, { DATABASE_NAME: template });
    delete env.DATABASE_URL;
  } else {
    template = path.join(workDir, 'template.db');
    Object.assign(env, { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: template });
  }
  execFileSync(process.execPath, [path.join(__dirname, 'template-db.js')], { cwd: root, env, stdio: 'inherit' });
  process.env.TEST_TEMPLATE_DB = template;
  process.env.TEST_TEMPLATE_DIR = workDir;
};
