import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { Client } from 'pg';
import { startStrapi, TestApp, DB_CLIENT, ROOT, SUPER_ADMIN, loginAdmin, cm } from '../helpers/strapi';
import { startSmtp, TestSmtp } from '../helpers/smtp';
import { seedDemo } from '../../src/back-office/demo';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { Json } from '../helpers/types';

/**
 * Backups taken while the app runs, and a restore proven on a fresh database — on SQLite
 * and on PostgreSQL. The archives are written by the admin routes and the daily job; restores go
 * through `npm run restore` (scripts/restore.js) as a volunteer would run it; the restored database
 * is then booted by a second Strapi.
 */
const MEMBER = 'api::member.member';
const CONTRIBUTION = 'api::contribution.contribution';
const backupsCode = () => require(path.join(process.env.TEST_DIST_DIR!, 'src/back-office/backups/index.js'));

const pgAdmin = async (sql: string) => {
  const client = new Client({ host: process.env.DATABASE_HOST || '127.0.0.1', port: Number(process.env.DATABASE_PORT || 5432), user: process.env.DATABASE_USERNAME || 'postgres', password: process.env.DATABASE_PASSWORD || undefined, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

/** Row count of every table, read with plain SQL on a knex connection. */
const rowCounts = async (knex: Knex) => {
  const tables: string[] =
    DB_CLIENT === 'postgres'
      ? (await knex.raw(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)).rows.map((r: Json) => r.name)
      : (await knex.raw(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)).map((r: Json) => r.name);
  const counts: Record<string, number> = {};
  for (const t of tables.sort()) counts[t] = Number((await knex(t).count({ n: '*' }))[0].n);
  return counts;
};

/** Row counts of a restored database, read before any Strapi boots on it (a boot may write). */
const restoredCounts = async (db: string) => {
  const knex = require('knex')(
    DB_CLIENT === 'postgres'
      ? { client: 'pg', connection: { host: process.env.DATABASE_HOST || '127.0.0.1', port: Number(process.env.DATABASE_PORT || 5432), user: process.env.DATABASE_USERNAME || 'postgres', password: process.env.DATABASE_PASSWORD || undefined, database: db } }
      : { client: 'better-sqlite3', connection: { filename: db }, useNullAsDefault: true }
  );
  try {
    return await rowCounts(knex);
  } finally {
    await knex.destroy();
  }
};

/**
 * A sample of the association's records as the bureau sees them: every member with contributions,
 * skills and availability; every mission with its location, equipment and participations; the
 * published articles with their images; the partners; the association's settings.
 */
const recordSample = async (strapi: Core.Strapi) => ({
  members: await strapi.documents(MEMBER).findMany({ sort: 'memberNumber', populate: { contributions: { sort: 'paidAt' }, skills: true, availability: true, poles: true } }),
  missions: await strapi.documents('api::mission.mission').findMany({ sort: 'startAt', populate: ['location', 'equipment', 'participations', 'pole'] }),
  articles: await strapi.documents('api::article.article').findMany({ status: 'published', sort: 'publishedAt', populate: ['cover', 'gallery'] }),
  partners: await strapi.documents('api::partner.partner').findMany({ sort: 'name', populate: ['subsidies'] }),
  association: await strapi.documents('api::association.association').findFirst(),
});

/** Every file of an uploads folder with its content (the .gitkeep of a checkout aside). */
const uploadedFiles = (dir: string) =>
  Object.fromEntries(
    fs.readdirSync(dir).filter((f) => f !== '.gitkeep').sort().map((f) => [f, require('crypto').createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')])
  );

describe(`backups and restore (${DB_CLIENT})`, () => {
  let app: TestApp;
  let smtp: TestSmtp;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'asso-backups-'));
  const backupDir = path.join(work, 'backups');
  /** the fresh place where archives are restored: a new SQLite file or a new PostgreSQL database */
  const target = {
    db: DB_CLIENT === 'postgres' ? `asso_test_restore_${process.pid}_${Date.now().toString(36)}` : path.join(work, 'restored', 'data.db'),
    publicDir: path.join(work, 'restored', 'public'),
  };
  const dbEnv = (db: string) =>
    DB_CLIENT === 'postgres' ? { DATABASE_CLIENT: 'postgres', DATABASE_NAME: db, DATABASE_URL: '' } : { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: db };
  /** The same database given as a DATABASE_URL (PostgreSQL), the way a hosting provider often gives it. */
  const dbUrlEnv = (db: string) => {
    if (DB_CLIENT !== 'postgres') return dbEnv(db);
    const user = encodeURIComponent(process.env.DATABASE_USERNAME || 'postgres');
    const auth = process.env.DATABASE_PASSWORD ? `${user}:${encodeURIComponent(process.env.DATABASE_PASSWORD)}` : user;
    return { DATABASE_CLIENT: 'postgres', DATABASE_URL: `postgres://${auth}@${process.env.DATABASE_HOST || '127.0.0.1'}:${process.env.DATABASE_PORT || 5432}/${db}`, DATABASE_NAME: 'asso_pas_celle_ci' };
  };
  /** `npm run restore -- <archive> [--force]`, as a volunteer runs it, on the given database and public folder */
  const restore = (archive: string, env: Record<string, string>, force = false) =>
    spawnSync(process.execPath, [path.join(ROOT, 'scripts/restore.js'), archive, ...(force ? ['--force'] : [])], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ASSO_DIST_DIR: process.env.TEST_DIST_DIR, ...env },
      timeout: 120000,
    });

  let firstBackup: { name: string; size: number };
  let countsAtBackup: Record<string, number>;
  let recordsAtBackup: Awaited<ReturnType<typeof recordSample>>;
  let uploadsAtBackup: Record<string, string>;
  let upload: { url: string; bytes: Buffer };

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startStrapi({ env: smtp.env });
    process.env.BACKUP_DIR = backupDir;
    if (DB_CLIENT === 'postgres') await pgAdmin(`CREATE DATABASE "${target.db}"`);

    // The demo association (npm run seed, scaled down): members, dues, missions, articles with their images, documents...
    await seedDemo(app.strapi, { members: 20 });
    // ... and one file sent through the media library
    const bytes = Buffer.from(`%PDF-1.4 compte rendu de l'assemblée générale ${Date.now()}`);
    const res = await app.admin('post', '/upload').attach('files', bytes, { filename: 'compte-rendu-ag.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(201);
    upload = { url: res.body[0].url, bytes };
  });

  afterAll(async () => {
    await app?.stop().catch(() => undefined);
    await smtp?.stop();
    if (DB_CLIENT === 'postgres') await pgAdmin(`DROP DATABASE IF EXISTS "${target.db}" WITH (FORCE)`);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('"Sauvegarder maintenant" writes a verified archive, listed with its size and date, downloadable by the super admin only', async () => {
    const res = await app.admin('post', '/back-office/backups');
    expect(res.status).toBe(200);
    firstBackup = res.body.backup;
    // as the README asks: a copy off the server
    fs.mkdirSync(path.join(work, 'copie'));
    fs.copyFileSync(path.join(backupDir, firstBackup.name), path.join(work, 'copie', firstBackup.name));
    countsAtBackup = await rowCounts(app.strapi.db.connection);
    recordsAtBackup = await recordSample(app.strapi);
    uploadsAtBackup = uploadedFiles(path.join(process.env.PUBLIC_DIR!, 'uploads'));
    expect(recordsAtBackup.members).toHaveLength(20);
    expect(recordsAtBackup.articles.length).toBeGreaterThan(0);
    expect(Object.keys(uploadsAtBackup).length).toBeGreaterThan(20);
    expect(firstBackup.name).toMatch(/^asso-backup-\d{4}-\d{2}-\d{2}T\d{6}Z\.tar\.gz$/);

    const list = await app.admin('get', '/back-office/backups');
    expect(list.status).toBe(200);
    expect(list.body.backups).toEqual([expect.objectContaining({ name: firstBackup.name, size: fs.statSync(path.join(backupDir, firstBackup.name)).size })]);
    expect(list.body.retention).toEqual({ daily: 7, weekly: 4, monthly: 12 });
    expect(list.body.cron).toBe('0 3 * * *');
    // the archive holds every member's personal data: readable by its owner only
    expect(fs.statSync(path.join(backupDir, firstBackup.name)).mode & 0o077).toBe(0);

    const download = await app.admin('get', `/back-office/backups/${firstBackup.name}/download`).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toContain(firstBackup.name);
    expect(Buffer.compare(download.body, fs.readFileSync(path.join(backupDir, firstBackup.name)))).toBe(0);

    // no way out of the backup folder
    fs.writeFileSync(path.join(work, 'secret.tar.gz'), 'secret');
    for (const name of ['..%2Fsecret.tar.gz', '..%2F..%2Fpackage.json', encodeURIComponent(path.join(work, 'secret.tar.gz')), 'asso-backup-2020-01-01T000000Z.tar.gz']) {
      expect((await app.admin('get', `/back-office/backups/${name}/download`)).status).toBe(404);
    }

    // anonymous, and a bureau user without the "Gérer les sauvegardes" right
    expect((await app.http().get('/back-office/backups')).status).toBe(401);
    const editor = await app.strapi.db.query('admin::role').findOne({ where: { code: 'asso-communication' } });
    await app.strapi.service('admin::user').create({ email: 'editrice@test.local', firstname: 'Éva', lastname: 'Édit', password: 'Editr1ce-Test-2026', isActive: true, roles: [editor.id] });
    const editorToken = await loginAdmin(app.strapi.server.httpServer, 'editrice@test.local', 'Editr1ce-Test-2026');
    expect((await app.admin('get', '/back-office/backups', editorToken)).status).toBe(403);
    expect((await app.admin('post', '/back-office/backups', editorToken)).status).toBe(403);
    expect((await app.admin('get', `/back-office/backups/${firstBackup.name}/download`, editorToken)).status).toBe(403);
  });

  it('`npm run backup` on the server writes a verified archive of the running database and applies the retention', async () => {
    const cliDir = path.join(work, 'cli-backups');
    fs.mkdirSync(cliDir);
    const old = 'asso-backup-2020-01-01T030000Z.tar.gz';
    fs.writeFileSync(path.join(cliDir, old), 'une ancienne sauvegarde');
    const liveEnv = { ...dbEnv(DB_CLIENT === 'postgres' ? process.env.DATABASE_NAME! : process.env.DATABASE_FILENAME!), PUBLIC_DIR: process.env.PUBLIC_DIR! };
    const backup = (env: Record<string, string>) =>
      spawnSync(process.execPath, [path.join(ROOT, 'scripts/backup.js')], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, ASSO_DIST_DIR: process.env.TEST_DIST_DIR, ...liveEnv, BACKUP_DIR: cliDir, BACKUP_KEEP_DAILY: '1', BACKUP_KEEP_WEEKLY: '0', BACKUP_KEEP_MONTHLY: '0', ...env },
        timeout: 120000,
      });

    if (DB_CLIENT === 'postgres') {
      // without pg_dump: a clear French error naming the tool, and nothing written or deleted
      const noTool = backup({ PG_BIN_DIR: path.join(work, 'pas-de-postgresql-client') });
      expect(noTool.status).toBe(1);
      expect(noTool.stderr).toMatch(/L'outil « pg_dump » de PostgreSQL est introuvable.*postgresql-client/);
      expect(fs.readdirSync(cliDir)).toEqual([old]);
    }

    const run = backup({});
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Sauvegarde écrite et vérifiée : .*asso-backup-.*\.tar\.gz/);
    expect(run.stdout).toContain(`Anciennes sauvegardes supprimées (rétention) : ${old}`);
    const [written] = fs.readdirSync(cliDir);
    expect(fs.readdirSync(cliDir)).toEqual([written]);
    const manifest = await require(path.join(process.env.TEST_DIST_DIR!, 'src/back-office/backups/archive.js')).verifyArchive(path.join(cliDir, written));
    expect(manifest).toMatchObject({ format: 'asso-backup', app: { name: 'asso-back-office' }, database: { client: DB_CLIENT } });
    expect(manifest.tables).toEqual(await rowCounts(app.strapi.db.connection));
    expect(Object.keys(manifest.files).filter((f) => f.startsWith('uploads/')).map((f) => f.slice('uploads/'.length)).sort()).toEqual(Object.keys(uploadsAtBackup));
  });

  it('refuses a corrupted or a truncated archive before touching the database or the uploads', async () => {
    const good = fs.readFileSync(path.join(work, 'copie', firstBackup.name));
    const corrupted = Buffer.from(good);
    corrupted[Math.floor(corrupted.length / 2)] ^= 0xff;
    const truncated = good.subarray(0, Math.floor(good.length * 0.6));
    const liveEnv = { ...dbEnv(DB_CLIENT === 'postgres' ? process.env.DATABASE_NAME! : process.env.DATABASE_FILENAME!), PUBLIC_DIR: process.env.PUBLIC_DIR! };
    const before = await rowCounts(app.strapi.db.connection);
    const uploadsBefore = fs.readdirSync(path.join(process.env.PUBLIC_DIR!, 'uploads')).sort();

    for (const [label, bytes] of [['corrompue', corrupted], ['tronquee', truncated]] as const) {
      const file = path.join(work, `archive-${label}.tar.gz`);
      fs.writeFileSync(file, bytes);
      const run = restore(file, liveEnv, true);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/est endommagée ou incomplète .* ne peut pas être restaurée/);
      expect(run.stdout).not.toMatch(/Restauration de la base/);
    }
    expect(await rowCounts(app.strapi.db.connection)).toEqual(before);
    expect(fs.readdirSync(path.join(process.env.PUBLIC_DIR!, 'uploads')).sort()).toEqual(uploadsBefore);
    expect((await app.http().get(upload.url)).status).toBe(200);
  });

  let duringWrites: { name: string };

  it('takes a consistent backup while contributions are being recorded', async () => {
    const members = await app.strapi.documents(MEMBER).findMany({ fields: ['documentId'] });
    let stop = false;
    let written = 0;
    const writer = (async () => {
      // each contribution and its member's duesPaidUntil are written together, as one transaction
      while ((!stop || written < 20) && written < 200) {
        const member = members[written % members.length];
        await app.strapi.db.transaction(() =>
          app.strapi.documents(CONTRIBUTION).create({
            data: { member: member.documentId, amount: 15, paidAt: '2026-02-01', periodStart: '2026-02-01', periodEnd: `2027-${String((written % 12) + 1).padStart(2, '0')}-01`, paymentMethod: 'transfer' },
          })
        );
        written += 1;
        await new Promise((r) => setImmediate(r)); // let the HTTP requests in, as between two real requests
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    const res = await app.admin('post', '/back-office/backups');
    stop = true;
    await writer;
    expect(res.status).toBe(200);
    duringWrites = res.body.backup;
    // the retention keeps the newest backup of the day: the first one is gone from the server (but copied off it)
    expect((await app.admin('get', '/back-office/backups')).body.backups.map((b: Json) => b.name)).toEqual([duringWrites.name]);
  });

  it('reports a failed nightly backup to the super admins by e-mail and keeps the older archives', async () => {
    const before = fs.readdirSync(backupDir).filter((f) => f.endsWith('.tar.gz')).sort();
    expect(before).toEqual([duringWrites.name]);
    const config = app.strapi.config.get('database.connection');
    // the database becomes unreachable
    const broken = DB_CLIENT === 'postgres' ? { database: 'asso_base_disparue' } : { filename: path.join(work, 'disparue', 'data.db') };
    app.strapi.config.set('database.connection', { ...config, connection: { ...config.connection, ...broken } });
    smtp.clear();
    // the nightly job itself, at the time BACKUP_CRON gives (Paris time is set for every job in src/back-office/index.ts)
    process.env.BACKUP_CRON = '30 2 * * *';
    const { backupsDaily } = backupsCode().default.cron(app.strapi);
    delete process.env.BACKUP_CRON;
    expect(backupsDaily.rule).toBe('30 2 * * *');
    try {
      // thrown again after the e-mail: the run is recorded as failed (scheduling/runner.ts)
      await expect(backupsDaily.task()).rejects.toThrow();
    } finally {
      app.strapi.config.set('database.connection', config);
    }
    expect(fs.readdirSync(backupDir).filter((f) => f.endsWith('.tar.gz')).sort()).toEqual(before);
    const mails = smtp.to(SUPER_ADMIN.email);
    expect(mails.length).toBe(1);
    expect(mails[0].subject).toBe('Échec de la sauvegarde automatique du back-office');
    expect(mails[0].text).toMatch(/Les sauvegardes précédentes sont conservées/);
    expect(smtp.to('editrice@test.local')).toHaveLength(0);
    const page = await app.admin('get', '/back-office/backups');
    expect(page.body.lastFailure.message).toBeTruthy();
    expect(page.body.backups.map((b: Json) => b.name).sort()).toEqual(before);
  });

  it('restores the demo association on a fresh database: same rows in every table, same records, every upload back, and the app boots on it', async () => {
    await app.stop();
    app = undefined;
    // PostgreSQL: the restore reads DATABASE_URL (it wins over DATABASE_NAME), the app below DATABASE_NAME
    const env = { ...dbUrlEnv(target.db), PUBLIC_DIR: target.publicDir };

    // typed in the folder of the copy: `npm run restore -- copie/asso-backup-….tar.gz` (npm itself runs from the project root)
    const run = restore(path.join('copie', firstBackup.name), { ...env, INIT_CWD: work });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/le nombre de lignes de chaque table est celui de la sauvegarde/);
    expect(fs.readFileSync(path.join(target.publicDir, upload.url)).equals(upload.bytes)).toBe(true);
    expect(uploadedFiles(path.join(target.publicDir, 'uploads'))).toEqual(uploadsAtBackup);
    expect(await restoredCounts(target.db)).toEqual(countsAtBackup);

    // a second restore without --force would overwrite a database in use: refused
    const again = restore(path.join(work, 'copie', firstBackup.name), env);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/La destination n'est pas vide .* relancez avec --force/);

    // the back-office starts on the restored database, with its admins, data and files
    Object.assign(process.env, DB_CLIENT === 'postgres' ? { DATABASE_NAME: target.db } : { DATABASE_FILENAME: target.db }, { PUBLIC_DIR: target.publicDir });
    const { createStrapi } = require('@strapi/strapi');
    const restored = await createStrapi({ appDir: ROOT, distDir: process.env.TEST_DIST_DIR }).load();
    try {
      await restored.server.mount();
      const server = restored.server.httpServer;
      const token = await loginAdmin(server, SUPER_ADMIN.email, SUPER_ADMIN.password);
      const list = await request(server).get(`${cm(MEMBER)}?sort=memberNumber:ASC&pageSize=100`).set('Authorization', `Bearer ${token}`);
      expect(list.status).toBe(200);
      expect(list.body.results.map((m: Json) => m.lastName)).toEqual(recordsAtBackup.members.map((m) => m.lastName));
      expect(await recordSample(restored)).toEqual(recordsAtBackup);
      const file = await request(server).get(upload.url);
      expect(file.status).toBe(200);
      expect(Buffer.from(file.body).equals(upload.bytes)).toBe(true);
      const cover = await request(server).get(recordsAtBackup.articles[0].cover.formats.thumbnail.url);
      expect(cover.status).toBe(200);
    } finally {
      await restored.destroy();
    }
  });

  it('restores the backup taken during the writes with --force: counts as in its manifest, every duesPaidUntil matching its contributions', async () => {
    const env = { ...dbEnv(target.db), PUBLIC_DIR: target.publicDir };
    const run = restore(path.join(backupDir, duringWrites.name), env, true);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const manifest = JSON.parse(require('child_process').execFileSync('tar', ['-xzOf', path.join(backupDir, duringWrites.name), 'manifest.json'], { encoding: 'utf8' }));
    expect(await restoredCounts(target.db)).toEqual(manifest.tables);

    const { createStrapi } = require('@strapi/strapi');
    const restored = await createStrapi({ appDir: ROOT, distDir: process.env.TEST_DIST_DIR }).load();
    try {
      expect(manifest.tables.contributions).toBeGreaterThan(countsAtBackup.contributions);
      const members = await restored.documents(MEMBER).findMany({ populate: { contributions: { fields: ['periodEnd'] } } });
      for (const m of members) {
        const latest = m.contributions.map((c: Json) => c.periodEnd).sort().pop() ?? null;
        expect({ member: m.lastName, duesPaidUntil: m.duesPaidUntil }).toEqual({ member: m.lastName, duesPaidUntil: latest });
      }
    } finally {
      await restored.destroy();
    }
  });
});
