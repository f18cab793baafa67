import fs from 'fs';
import type { Server } from 'http';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { Client } from 'pg';

export const ROOT = path.resolve(__dirname, '../..');
export const DB_CLIENT = process.env.DATABASE_CLIENT === 'postgres' ? 'postgres' : 'sqlite';

export interface TestApp {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Strapi loaded from the compiled build by require(); tests call its services with uids held in plain strings, which Strapi's typed APIs refuse
  strapi: any;
  /** supertest agent on the booted server */
  http: () => request.Agent;
  /** a fresh admin token of the super admin created at boot */
  adminToken: string;
  /** supertest request with the given admin token */
  admin: (method: 'get' | 'post' | 'put' | 'delete', url: string, token?: string) => request.Test;
  stop: () => Promise<void>;
}

const pgAdminConfig = () => ({
  host: process.env.DATABASE_HOST || '127.0.0.1',
  port: Number(process.env.DATABASE_PORT || 5432),
  user: process.env.DATABASE_USERNAME || 'postgres',
  password: process.env.DATABASE_PASSWORD || undefined,
  database: 'postgres',
});

export const withPg = async (sql: string) => {
  const client = new Client(pgAdminConfig());
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

/**
 * Where each suite's folder goes (its SQLite file, uploads, backups): memory (/dev/shm) where the system has it, so
 * that each of the many commits of a suite does not wait for the disk; the system's temporary folder elsewhere.
 */
export const TEST_TMP = path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'asso-tests');

export const SUPER_ADMIN = { email: 'president@test.local', password: 'Presid3nt-Test-2026', firstname: 'Paulo', lastname: 'Maricoulous' };

/**
 * Boots a Strapi from the compiled test build on a brand-new database (a SQLite file, or a
 * PostgreSQL database created here and dropped by stop()), with its own uploads folder. The new
 * database is a copy of the one the globalSetup booted once (TEST_TEMPLATE_DB: schema and bootstrap
 * done, no admin yet); the boot runs the bootstrap again on it.
 * Set env vars (SMTP_HOST...) before calling: the config reads them at boot.
 */
export const startStrapi = async (options: { env?: Record<string, string> } = {}): Promise<TestApp> => {
  const id = `${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
  const workDir = path.join(TEST_TMP, id);
  fs.mkdirSync(path.join(workDir, 'public', 'uploads'), { recursive: true });
  Object.assign(process.env, options.env ?? {});
  process.env.NODE_ENV = 'test';
  process.env.PUBLIC_DIR = path.join(workDir, 'public');
  process.env.BACKUP_DIR = process.env.BACKUP_DIR_FOR_TESTS ?? path.join(workDir, 'backups');
  const dbName = `asso_test_${id}`.toLowerCase();
  const template = process.env.TEST_TEMPLATE_DB;
  if (DB_CLIENT === 'postgres') {
    await withPg(`CREATE DATABASE "${dbName}"${template ? ` TEMPLATE "${template}"` : ''}`);
    process.env.DATABASE_NAME = dbName;
    delete process.env.DATABASE_URL;
  } else {
    process.env.DATABASE_CLIENT = 'sqlite';
    process.env.DATABASE_FILENAME = path.join(workDir, 'test.db');
    if (template) fs.copyFileSync(template, process.env.DATABASE_FILENAME);
  }

  const distDir = process.env.TEST_DIST_DIR;
  if (!distDir) throw new Error('TEST_DIST_DIR manquant : lancez les tests avec `npm test`.');

  const { createStrapi } = require('@strapi/strapi');
  const strapi = await createStrapi({ appDir: ROOT, distDir }).load();
  await strapi.server.mount();
  const server = strapi.server.httpServer;
  // Listening for the whole suite: otherwise supertest listens and closes the server around each
  // request, which resets the other connections of a burst of simultaneous requests.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));

  /**
   * The work the app goes on with after answering (a public registration or subscription recorded after
   * the answer, mail after a commit) ends before the database closes: otherwise its query would fail
   * later, in whichever suite the worker runs next. At most 10 s.
   */
  const settle = async () => {
    const pool = (strapi.db.connection.client as { pool?: { numUsed(): number; numPendingAcquires(): number } }).pool;
    for (let i = 0; i < 200 && pool && pool.numUsed() + pool.numPendingAcquires() > 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const cleanUp = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    await settle();
    await strapi.destroy();
    if (DB_CLIENT === 'postgres') await withPg(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  let adminToken: string;
  try {
    const reg = await request(server).post('/admin/register-admin').send(SUPER_ADMIN);
    if (reg.status >= 300) throw new Error(`register-admin → ${reg.status} ${JSON.stringify(reg.body)}`);
    adminToken = await loginAdmin(server, SUPER_ADMIN.email, SUPER_ADMIN.password);
  } catch (e) {
    await cleanUp();
    throw e;
  }

  const app: TestApp = {
    strapi,
    http: () => request.agent(server),
    adminToken,
    admin: (method, url, token = adminToken) => request(server)[method](url).set('Authorization', `Bearer ${token}`),
    stop: cleanUp,
  };
  return app;
};

export const loginAdmin = async (server: Server, email: string, password: string) => {
  const res = await request(server).post('/admin/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login ${email} → ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body.data.token ?? res.body.data.accessToken) as string;
};

/** Content-manager URL of a collection type, as the admin panel calls it. */
export const cm = (uid: string, documentId?: string) => `/content-manager/collection-types/${uid}${documentId ? `/${documentId}` : ''}`;
