import fs from 'fs';
import type { E2EGlobal } from './server';

export default async function teardown() {
  const server = (globalThis as E2EGlobal).__E2E_SERVER__;
  if (server) server.kill('SIGTERM');
  if (process.env.E2E_WORK) fs.rmSync(process.env.E2E_WORK, { recursive: true, force: true });
  console.log(`\n[e2e] captures d’écran : ${process.env.E2E_ARTIFACTS}`);
}
