import { ChildProcess, fork } from 'child_process';
import fs from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { Client } from 'pg';
import { SUPER_ADMIN } from './strapi';
import type { Json } from './types';

/**
 * Several instances of the back-office on one PostgreSQL database, behind a load balancer: each
 * instance is a Strapi process of its own (tests/helpers/instance-main.js, booted from the compiled
 * build), and a small proxy sends the requests to them in turn, appending the client's address to
 * X-Forwarded-For as a real proxy does (the instances run with IS_PROXIED=true, PROXY_HOPS=1).
 * They share the database, the uploads folder and the backups folder.
 */
/** A message between the test and an instance's process. */
export interface Message {
  type?: string;
  id?: number;
  port?: number;
  error?: string;
  result?: unknown;
  [field: string]: unknown;
}

export interface Instance {
  index: number;
  port: number;
  /** supertest on this instance directly (not through the proxy) */
  http: () => request.Agent;
  /** sends a message to the process (instance-main.js) and waits for its answer */
  ask: <T = Json>(message: Message) => Promise<T>;
  /** waits until the process sent a message that `match` accepts (up to 30 s) */
  waitFor: (match: (message: Message) => boolean) => Promise<Message>;
}

export interface Cluster {
  instances: Instance[];
  /** supertest through the proxy; `client` is the address the proxy reports for the visitor */
  viaProxy: (client?: string) => { http: request.Agent; client: string };
  /** requests the proxy sent to each instance */
  served: number[];
  /** the super admin's token (sessions live in the database: valid on every instance) */
  adminToken: string;
  dbName: string;
  backupDir: string;
  stop: () => Promise<void>;
}

const pg = async (sql: string) => {
  const client = new Client({
    host: process.env.DATABASE_HOST || '127.0.0.1',
    port: Number(process.env.DATABASE_PORT || 5432),
    user: process.env.DATABASE_USERNAME || 'postgres',
    password: process.env.DATABASE_PASSWORD || undefined,
    database: 'postgres',
  });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

const spawnInstance = (index: number, env: NodeJS.ProcessEnv): Promise<{ instance: Instance; child: ChildProcess }> =>
  new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'instance-main.js'), [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    const received: Message[] = [];
    const waiters: Array<{ match: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
    let nextId = 1;
    child.on('message', (message: Message) => {
      if (message.type === 'ready' && message.port) {
        const instance: Instance = {
          index,
          port: message.port,
          http: () => request.agent(`http://127.0.0.1:${message.port}`),
          ask: (m) =>
            new Promise((res, rej) => {
              const id = nextId++;
              pending.set(id, { resolve: res as (v: unknown) => void, reject: rej });
              child.send({ ...m, id });
            }),
          waitFor: (match) => {
            const seen = received.find(match);
            if (seen) return Promise.resolve(seen);
            return new Promise((res, rej) => {
              const timer = setTimeout(() => rej(new Error(`instance ${index} : message attendu en vain`)), 30_000);
              waiters.push({ match, resolve: (m) => (clearTimeout(timer), res(m)) });
            });
          },
        };
        resolve({ instance, child });
      } else if (message.type === 'failed') reject(new Error(`instance ${index} : démarrage impossible\n${message.error}`));
      else if (message.id !== undefined && pending.has(message.id)) {
        const { resolve: res, reject: rej } = pending.get(message.id)!;
        pending.delete(message.id);
        if (message.error) rej(new Error(`instance ${index} : ${message.error}`));
        else res(message.result);
      } else {
        received.push(message);
        for (const w of waiters.filter((w) => w.match(message))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(message);
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`instance ${index} arrêtée (code ${code})`)));
  });

/** The proxy: round robin, X-Forwarded-For appended with the address given by `x-test-client` (else the socket's). */
const startProxy = async (ports: number[], served: number[]) => {
  let turn = 0;
  const server = http.createServer((req, res) => {
    const i = turn++ % ports.length;
    served[i] += 1;
    const headers = { ...req.headers };
    const client = (headers['x-test-client'] as string | undefined) ?? req.socket.remoteAddress ?? '127.0.0.1';
    delete headers['x-test-client'];
    headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${client}` : client;
    const upstream = http.request({ host: '127.0.0.1', port: ports[i], method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return server;
};

/**
 * Boots `count` instances on a new PostgreSQL database (the first alone: it creates the schema), the
 * proxy in front of them, and the super admin. `env`: more variables for every instance (SMTP...).
 */
export const startInstances = async ({ count = 2, env = {} }: { count?: number; env?: Record<string, string> } = {}): Promise<Cluster> => {
  const distDir = process.env.TEST_DIST_DIR;
  if (!distDir) throw new Error('TEST_DIST_DIR manquant : lancez les tests avec `npm test`.');
  const id = `${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
  const workDir = path.join(os.tmpdir(), 'asso-tests', `instances_${id}`);
  const backupDir = path.join(workDir, 'backups');
  fs.mkdirSync(path.join(workDir, 'public', 'uploads'), { recursive: true });
  const dbName = `asso_test_${id}`.toLowerCase();
  await pg(`CREATE DATABASE "${dbName}"`);

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    TEST_DIST_DIR: distDir,
    DATABASE_CLIENT: 'postgres',
    DATABASE_NAME: dbName,
    DATABASE_URL: '',
    PUBLIC_DIR: path.join(workDir, 'public'),
    BACKUP_DIR: backupDir,
    IS_PROXIED: 'true',
    PROXY_HOPS: '1',
    STRAPI_TELEMETRY_DISABLED: 'true',
    ...env,
  };
  const children: ChildProcess[] = [];
  const instances: Instance[] = [];
  const served: number[] = [];
  let proxy: http.Server | undefined;
  const stop = async () => {
    proxy?.close();
    await Promise.all(
      children.map(
        (child, i) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => (clearTimeout(timer), resolve()));
            instances[i]?.ask({ type: 'stop' }).catch(() => child.kill('SIGKILL'));
            if (!instances[i]) child.kill('SIGKILL');
          })
      )
    );
    await pg(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  const boot = async (index: number) => {
    const started = spawnInstance(index, childEnv);
    const { instance, child } = await started;
    children[index] = child;
    instances[index] = instance;
    served[index] = 0;
  };
  try {
    // the first instance alone: it creates the schema (Strapi's schema sync is not safe for two at once)
    await boot(0);
    await Promise.all(Array.from({ length: count - 1 }, (_, i) => boot(i + 1)));
    proxy = await startProxy(
      instances.map((i) => i.port),
      served
    );
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const reg = await instances[0].http().post('/admin/register-admin').send(SUPER_ADMIN);
    if (reg.status >= 300) throw new Error(`register-admin → ${reg.status} ${JSON.stringify(reg.body)}`);
    const login = await instances[0].http().post('/admin/login').send({ email: SUPER_ADMIN.email, password: SUPER_ADMIN.password });
    if (login.status !== 200) throw new Error(`login → ${login.status} ${JSON.stringify(login.body)}`);
    let clients = 0;
    return {
      instances,
      viaProxy: (client = `198.51.100.${(clients++ % 250) + 1}`) => ({
        http: request.agent(proxyUrl).set('x-test-client', client),
        client,
      }),
      served,
      adminToken: login.body.data.token ?? login.body.data.accessToken,
      dbName,
      backupDir,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
};
