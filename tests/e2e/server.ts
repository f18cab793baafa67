import { type ChildProcess, execFileSync, spawn } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

/**
 * Global set-up of the browser tests: a fresh SQLite database with the demo data and the demo
 * accounts, then the built app (`strapi start`, admin panel included) on a free port.
 * The screenshots go to e2e-artifacts/<date>/ (printed at the start and the end of the run).
 */
const ROOT = path.resolve(__dirname, '../..');

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

/** The global object of jest's global setup and teardown, which keeps the server's process between them. */
export type E2EGlobal = typeof globalThis & { __E2E_SERVER__?: ChildProcess };

export default async function setup() {
  const stampDir = () => path.join(ROOT, 'e2e-artifacts', new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19));
  if (process.env.E2E_REUSE_URL) {
    // development only: run against a server already started with the demo data
    process.env.E2E_BASE_URL = process.env.E2E_REUSE_URL;
    process.env.E2E_ARTIFACTS = stampDir();
    return;
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'build', 'index.html'))) {
    console.log('\n[e2e] construction du panneau d’administration (npm run build)…');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'asso-e2e-'));
  fs.mkdirSync(path.join(work, 'public', 'uploads'), { recursive: true });
  const port = await freePort();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const artifacts = path.join(ROOT, 'e2e-artifacts', stamp);
  fs.mkdirSync(artifacts, { recursive: true });

  const env = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_CLIENT: 'sqlite',
    DATABASE_FILENAME: path.join(work, 'e2e.db'),
    PUBLIC_DIR: path.join(work, 'public'),
    HOST: '127.0.0.1',
    PORT: String(port),
    CRON_ENABLED: 'false',
    ADMIN_RATE_LIMIT: 'false',
    SMTP_HOST: '',
    STRAPI_TELEMETRY_DISABLED: 'true',
    STRAPI_LOG_LEVEL: 'warn',
  };

  // Demo data and demo accounts, with the same code as `npm run demo`.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'seed.js')], { cwd: ROOT, env, stdio: 'inherit' });
  execFileSync(
    process.execPath,
    [
      '-e',
      `
    const { loadStrapi, demo } = require(${JSON.stringify(path.join(ROOT, 'scripts', 'seed.js'))});
    loadStrapi().then(async (s) => { await demo().createDemoAccounts(s); await s.destroy(); process.exit(0); })
      .catch((e) => { console.error(e); process.exit(1); });`,
    ],
    { cwd: ROOT, env, stdio: 'inherit' }
  );

  const server = spawn(process.execPath, [path.join(ROOT, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js'), 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: false,
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${base}/_health`);
      if (res.status === 204) break;
    } catch {
      // not up yet
    }
    if (i > 240) throw new Error('[e2e] le serveur ne démarre pas');
    await new Promise((r) => setTimeout(r, 500));
  }
  fs.writeFileSync(path.join(work, 'server.pid'), String(server.pid));
  process.env.E2E_BASE_URL = base;
  process.env.E2E_ARTIFACTS = artifacts;
  process.env.E2E_WORK = work;
  (globalThis as E2EGlobal).__E2E_SERVER__ = server;
  console.log(`\n[e2e] serveur ${base} — captures d’écran : ${artifacts}`);
}
