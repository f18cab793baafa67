import fs from 'fs';

export default async function teardown() {
  const server = (globalThis as any).__E2E_SERVER__;
  if (server) server.kill('SIGTERM');
  if (process.env.E2E_WORK) fs.rmSync(process.env.E2E_WORK, { recursive: true, force: true });
  console.log(`\n[e2e] captures d’écran : ${process.env.E2E_ARTIFACTS}`);
}
