import fs from 'fs';
import os from 'os';
import path from 'path';
import { Client } from 'pg';
import { DB_CLIENT, ROOT } from '../helpers/strapi';
import type { Core } from '@strapi/strapi';
import type { Json } from '../helpers/types';

/**
 * The database settings: DATABASE_FILENAME (relative to the project root, or absolute)
 * for SQLite, DATABASE_URL or DATABASE_HOST/PORT/NAME/USERNAME/PASSWORD for PostgreSQL. Each case
 * boots the compiled app on the database the variables designate and looks at where the data went.
 */
const DB_VARS = [
  'DATABASE_CLIENT',
  'DATABASE_FILENAME',
  'DATABASE_URL',
  'DATABASE_NAME',
  'DATABASE_HOST',
  'DATABASE_PORT',
  'DATABASE_USERNAME',
  'DATABASE_PASSWORD',
  'PUBLIC_DIR',
];
const saved = Object.fromEntries(DB_VARS.map((name) => [name, process.env[name]]));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'asso-database-'));
fs.mkdirSync(path.join(work, 'public', 'uploads'), { recursive: true });

/**
 * Boots Strapi (without HTTP server) with these variables, runs `check`, then stops it. The checks
 * write with strapi.db.query: a Document Service write emits its event after returning, which
 * could still be reading when the database is closed.
 */
const withStrapi = async (vars: Record<string, string | undefined>, check: (strapi: Core.Strapi) => Promise<void>) => {
  for (const [name, value] of Object.entries({ PUBLIC_DIR: path.join(work, 'public'), ...vars })) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  process.env.NODE_ENV = 'test';
  const { createStrapi } = require('@strapi/strapi');
  const strapi = await createStrapi({ appDir: ROOT, distDir: process.env.TEST_DIST_DIR }).load();
  try {
    await check(strapi);
  } finally {
    await strapi.destroy();
  }
};

afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  fs.rmSync(work, { recursive: true, force: true });
});

const databaseConfig = () => require(path.join(process.env.TEST_DIST_DIR!, 'config/database.js')).default;
const { env } = require('@strapi/utils');

describe('database settings', () => {
  it('refuses another DATABASE_CLIENT with a French message', () => {
    process.env.DATABASE_CLIENT = 'mysql';
    try {
      expect(() => databaseConfig()({ env })).toThrow(
        /DATABASE_CLIENT : « mysql » n'est pas valide \(attendu : « sqlite » ou « postgres »/
      );
    } finally {
      process.env.DATABASE_CLIENT = saved.DATABASE_CLIENT;
      if (saved.DATABASE_CLIENT === undefined) delete process.env.DATABASE_CLIENT;
    }
  });

  (DB_CLIENT === 'sqlite' ? describe : describe.skip)('SQLite', () => {
    it('takes a relative DATABASE_FILENAME from the project root, whatever the current folder', async () => {
      const relative = path.join('.tmp', `database-test-${process.pid}`, 'relative.db');
      const expected = path.join(ROOT, relative);
      const cwd = process.cwd();
      process.chdir(work);
      try {
        await withStrapi({ DATABASE_CLIENT: undefined, DATABASE_FILENAME: relative }, async (strapi) => {
          expect(strapi.config.get('database.connection.connection.filename')).toBe(expected);
          await strapi.db.query('api::skill.skill').create({ data: { name: 'Cuisine' } });
        });
        expect(fs.existsSync(expected)).toBe(true);
        expect(fs.existsSync(path.join(work, relative))).toBe(false);
      } finally {
        process.chdir(cwd);
        fs.rmSync(path.dirname(expected), { recursive: true, force: true });
      }
    });

    it('uses an absolute DATABASE_FILENAME as is', async () => {
      const absolute = path.join(work, 'ailleurs', 'absolute.db');
      await withStrapi({ DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: absolute }, async (strapi) => {
        await strapi.db.query('api::skill.skill').create({ data: { name: 'Bricolage' } });
      });
      const Database = require('better-sqlite3');
      const db = new Database(absolute, { readonly: true });
      try {
        expect(db.prepare('SELECT name FROM skills').all()).toEqual([{ name: 'Bricolage' }]);
      } finally {
        db.close();
      }
    });
  });

  (DB_CLIENT === 'postgres' ? describe : describe.skip)('PostgreSQL', () => {
    const admin = {
      host: process.env.DATABASE_HOST || '127.0.0.1',
      port: Number(process.env.DATABASE_PORT || 5432),
      user: process.env.DATABASE_USERNAME || 'postgres',
      password: process.env.DATABASE_PASSWORD || undefined,
    };
    const name = `asso_test_url_${process.pid}_${Date.now().toString(36)}`;
    const pg = async (sql: string, database = 'postgres') => {
      const client = new Client({ ...admin, database });
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    };
    beforeAll(() => pg(`CREATE DATABASE "${name}"`));
    afterAll(() => pg(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));

    it('connects with DATABASE_URL, which wins over DATABASE_NAME', async () => {
      const auth = admin.password
        ? `${encodeURIComponent(admin.user)}:${encodeURIComponent(admin.password)}`
        : encodeURIComponent(admin.user);
      await withStrapi(
        {
          DATABASE_CLIENT: 'postgres',
          DATABASE_URL: `postgres://${auth}@${admin.host}:${admin.port}/${name}`,
          DATABASE_NAME: 'asso_base_qui_n_existe_pas',
        },
        async (strapi) => {
          expect((await strapi.db.connection.raw('SELECT current_database() AS db')).rows[0].db).toBe(name);
          await strapi.db.query('api::skill.skill').create({ data: { name: 'Comptabilité' } });
        }
      );
      expect(await pg('SELECT name FROM skills', name)).toEqual([{ name: 'Comptabilité' }]);
    });

    it('connects with DATABASE_HOST, DATABASE_PORT, DATABASE_NAME and DATABASE_USERNAME', async () => {
      await withStrapi(
        {
          DATABASE_CLIENT: 'postgres',
          DATABASE_URL: '',
          DATABASE_NAME: name,
          DATABASE_HOST: admin.host,
          DATABASE_PORT: String(admin.port),
          DATABASE_USERNAME: admin.user,
        },
        async (strapi) => {
          expect((await strapi.db.connection.raw('SELECT current_database() AS db')).rows[0].db).toBe(name);
          expect((await strapi.documents('api::skill.skill').findMany()).map((s: Json) => s.name)).toEqual(['Comptabilité']);
        }
      );
    });
  });
});
