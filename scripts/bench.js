#!/usr/bin/env node
/**
 * `npm run bench [-- --members 20000 --repeat 7 --reuse]`: the performance figures of the README,
 * each measured in the same run beside its reference, repeated, median reported.
 *
 * On PostgreSQL (127.0.0.1:5432 by default, DATABASE_HOST/PORT/USERNAME/PASSWORD to change), in a
 * database of its own (`asso_bench`, or BENCH_DATABASE / --database; recreated and seeded with
 * `npm run seed -- --members N` unless --reuse), with the server started from the build (`strapi start`,
 * admin panel not served, port 1338 or BENCH_PORT / --port).
 * Prints one table and writes it to docs/PERFORMANCE.md.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { spawn, execFileSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
// `--sizes 20000,100000` (the default): every measurement at the first size, and those that must not grow faster than
// the data again at each other size, side by side with their ratio (`--members N`: one size only)
const SIZES = String(opt('sizes', opt('members', null) ?? '20000,100000'))
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const MEMBERS = SIZES[0];
const REPEAT = Number(opt('repeat', 7));
const REUSE = args.includes('--reuse');
// BENCH_DATABASE / BENCH_PORT (or --database / --port): a database and a port of one's own on a shared machine
const DB = opt('database', process.env.BENCH_DATABASE || 'asso_bench');
/** The database of each size: the first one is DB, the others DB_<size>. */
const LARGER = SIZES.slice(1).map((members) => ({ members, database: `${DB}_${members}` }));
// one size only: a tenth of it, for the comparison of the reminders' query counts (with several sizes: the largest one)
const SMALL_DB = `${DB}_small`;
const SMALL_MEMBERS = Math.max(200, Math.round(MEMBERS / 10));
const PORT = Number(opt('port', process.env.BENCH_PORT || 1338));
// `--only imports` / `--only receipts` / `--only helloasso` / `--only scale` (the measurements made at every size, without
// the receipts, the Excel export, the imports and HelloAsso): only those measurements, printed (docs/PERFORMANCE.md is left as it is)
// (`--only imports --no-books`: the imports on books without an opening balance, so with no derived entry, as before them)
const ONLY = opt('only', null);
const IMPORT_DB = `${DB}_import`;
const HELLOASSO_DB = `${DB}_helloasso`;

const PG = {
  host: process.env.DATABASE_HOST || '127.0.0.1',
  port: Number(process.env.DATABASE_PORT || 5432),
  user: process.env.DATABASE_USERNAME || 'postgres',
  password: process.env.DATABASE_PASSWORD || '',
};
const appEnv = (database) => ({
  ...process.env,
  NODE_ENV: 'development',
  DATABASE_CLIENT: 'postgres',
  DATABASE_HOST: PG.host,
  DATABASE_PORT: String(PG.port),
  DATABASE_USERNAME: PG.user,
  DATABASE_PASSWORD: PG.password,
  DATABASE_NAME: database,
  DATABASE_POOL_MAX: '10',
  CRON_ENABLED: 'false',
  SERVE_ADMIN: 'false',
  ADMIN_RATE_LIMIT: 'false',
  RATE_LIMIT_DISABLED: 'true',
  STRAPI_TELEMETRY_DISABLED: 'true',
  SMTP_HOST: '',
  PORT: String(PORT),
  HOST: '127.0.0.1',
  STRAPI_LOG_LEVEL: 'error',
});

const BENCH_ADMIN = { email: 'bench@bench.local', password: 'Bench-Admin-2026', firstname: 'Bench', lastname: 'Admin' };

// ---------- small statistics helpers ----------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const p95 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
};
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const fmt = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '—' : Number(x).toFixed(d));
const log = (...a) => console.error('[bench]', ...a);

// ---------- database set-up ----------
const pgAdmin = async (sql) => {
  const { Client } = require('pg');
  const c = new Client({ ...PG, database: 'postgres' });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
};

const seed = async (database, members) => {
  await pgAdmin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await pgAdmin(`CREATE DATABASE "${database}"`);
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'seed.js'), '--members', String(members)], {
    cwd: ROOT,
    env: appEnv(database),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const seeded = ms(start);
  // what PostgreSQL's autovacuum does soon after a bulk load on a database in service: the planner's statistics,
  // and the visibility map that lets a query read an index without the table (the dashboard's counts)
  const { Client } = require('pg');
  const c = new Client({ ...PG, database });
  await c.connect();
  try {
    await c.query('VACUUM ANALYZE');
  } finally {
    await c.end();
  }
  return seeded;
};

/** Loads Strapi in this process (no HTTP server) on a database, for in-process measurements. */
const loadStrapi = async (database) => {
  Object.assign(process.env, appEnv(database));
  const { createStrapi } = require('@strapi/strapi');
  return createStrapi({ appDir: ROOT, distDir: path.join(ROOT, 'dist') }).load();
};
const dist = (p) => require(path.join(ROOT, 'dist', 'src', 'back-office', p));

// ---------- the server, in a child process ----------
const startServer = async (database) => {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js'), 'start'], {
    cwd: ROOT,
    env: appEnv(database),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // the server derives the books' entries at every start (books/derived.ts): minutes at 100,000 members
  for (let i = 0; i < 1200; i++) {
    const status = await new Promise((resolve) =>
      http
        .get({ host: '127.0.0.1', port: PORT, path: '/_health' }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
        .on('error', () => resolve(0))
    );
    if (status === 204) return Object.assign(child, { startMs: ms(start) });
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGTERM');
  throw new Error('le serveur ne démarre pas');
};

const rssOf = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
};

const request = (method, urlPath, { token, body } = {}) =>
  new Promise((resolve, reject) => {
    const payload = body ? Buffer.from(JSON.stringify(body)) : null;
    const req = http.request(
      {
        host: '127.0.0.1',
        port: PORT,
        path: urlPath,
        method,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      }
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });

/** Streams a download, counting lines, without keeping it. */
const download = (urlPath, token) =>
  new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: PORT, path: urlPath, headers: { Authorization: `Bearer ${token}` } }, (res) => {
        let lines = 0;
        let bytes = 0;
        res.on('data', (c) => {
          bytes += c.length;
          for (let i = 0; i < c.length; i++) if (c[i] === 10) lines++;
        });
        res.on('end', () => resolve({ status: res.statusCode, lines, bytes }));
      })
      .on('error', reject);
  });

const autocannon = (urlPath, headers, seconds = 5) =>
  new Promise((resolve, reject) => {
    const ac = require('autocannon');
    ac({ url: `http://127.0.0.1:${PORT}${urlPath}`, connections: 10, duration: seconds, headers }, (err, result) =>
      err ? reject(err) : resolve(result)
    );
  });

/**
 * A full garbage collection, so that a memory growth starts from what is really in use. `npm run bench`
 * runs node without --expose-gc: the flag is set here, and gc() taken from a fresh context.
 */
const collectGarbage = (() => {
  if (global.gc) return global.gc;
  require('v8').setFlagsFromString('--expose-gc');
  return require('vm').runInNewContext('gc');
})();

/**
 * Imports (in process, on an empty database of their own): a Galette members export of MEMBERS
 * members, then its contributions export (3 per member), each previewed then committed through the write rules
 * (new records together, createMany), then undone; time and growth of the process's memory: peak RSS
 * (sampled every 20 ms) minus RSS before, after a full garbage collection. The commit is measured from
 * the reading of the import's record, as the server's route does it.
 */
const importMeasurements = async (add) => {
  await pgAdmin(`DROP DATABASE IF EXISTS "${IMPORT_DB}" WITH (FORCE)`);
  await pgAdmin(`CREATE DATABASE "${IMPORT_DB}"`);
  const strapi = await loadStrapi(IMPORT_DB);
  try {
    const { createImport, commitImport, undoImport, findBatch } = dist('imports/service');
    const committed = [];
    const { galetteMembers, galetteContributions } = require('./bench-imports');
    await strapi.documents('api::association.association').create({ data: { name: 'Banc d’essai' } });
    await strapi
      .documents('api::membership-type.membership-type')
      .create({ data: { name: 'Cotisation annuelle', amount: 25, durationMonths: 12 } });
    // the books start in 2022 (an opening balance), with a cash box: each contribution imported is also an entry of the books
    // (`--no-books`: without them, as before the derived entries)
    if (!args.includes('--no-books')) {
      const ACCOUNT = 'api::cash-account.cash-account';
      const bank = await strapi.db.query(ACCOUNT).findOne({ where: { kind: 'bank' } });
      await strapi.documents(ACCOUNT).update({ documentId: bank.documentId, data: { openingBalances: [{ fiscalYear: 2022, amount: 0 }] } });
      await strapi.documents(ACCOUNT).create({ data: { name: 'Caisse', kind: 'cash' } });
    }
    const author = { name: 'npm run bench' };
    const measure = async (fn) => {
      collectGarbage();
      const before = process.memoryUsage().rss;
      let peak = before;
      const timer = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      const start = process.hrtime.bigint();
      const result = await fn();
      const t = ms(start);
      clearInterval(timer);
      return { result, ms: t, growth: (Math.max(peak, process.memoryUsage().rss) - before) / 1024 / 1024 };
    };
    for (const [kind, label, csv] of [
      ['members', `${MEMBERS} adhérents (export Galette)`, galetteMembers(MEMBERS)],
      ['contributions', `${MEMBERS * 3} cotisations (export Galette)`, galetteContributions(MEMBERS, 3)],
    ]) {
      log(`import ${label} …`);
      const preview = await measure(() =>
        createImport(strapi, { buffer: Buffer.from(csv), fileName: `bench-${kind}.csv`, kind, author, maxBytes: Number.MAX_SAFE_INTEGER })
      );
      const p = preview.result.preview;
      if (p.errorRows || p.create !== (kind === 'members' ? MEMBERS : MEMBERS * 3))
        throw new Error(`import ${kind}: ${p.create} créations, ${p.errorRows} erreurs (${JSON.stringify(p.errors.slice(0, 3))})`);
      const commit = await measure(async () => commitImport(strapi, await findBatch(strapi, preview.result.id, 'commit'), { author }));
      add(`Import de ${label} : aperçu`, `${fmt(preview.ms / 1000)} s`, '—', '—', '< 60 s', preview.ms < 60_000);
      add(
        `Import de ${label} : écriture (règles d’écriture, une transaction)`,
        `${fmt(commit.ms / 1000)} s`,
        '—',
        '—',
        '< 60 s',
        commit.ms < 60_000
      );
      const growth = Math.max(preview.growth, commit.growth);
      log(`${label} : mémoire aperçu +${fmt(preview.growth)} Mo, écriture +${fmt(commit.growth)} Mo`);
      add(`Mémoire pendant l’import de ${label} (croissance)`, `${fmt(growth)} Mo`, '—', '—', '< 200 Mo', growth < 200);
      committed.push([label, preview.result.id]);
    }
    // undone in the reverse order (a member keeps its contributions: they go first)
    for (const [label, id] of committed.reverse()) {
      log(`annulation de l’import de ${label} …`);
      const undo = await measure(async () => undoImport(strapi, await findBatch(strapi, id, 'undo'), author));
      add(`Annulation de l’import de ${label}`, `${fmt(undo.ms / 1000)} s`, '—', '—', '—', true);
    }
  } finally {
    await dist('imports/cli').settle(strapi);
    await strapi.destroy();
  }
};

/**
 * HelloAsso (in process, on an empty database of its own): 2,000 orders served by the stand-in of the API
 * (tests/helpers/helloasso-stand-in.js, on 127.0.0.1) in 100 pages of 20, all paid in the last 36 hours:
 * 1,600 memberships (new members, one in ten paid by a parent for a child), 400 donations (one donor in
 * four a company). The first synchronisation imports them all; the second finds nothing new but reads
 * the same 100 pages again (they are all inside its two-day overlap): the worst case of the hourly run.
 */
const helloassoMeasurements = async (add) => {
  const { startHelloAssoStandIn, makeOrder } = require('../tests/helpers/helloasso-stand-in');
  const ha = await startHelloAssoStandIn({ maxPageSize: 20 });
  await pgAdmin(`DROP DATABASE IF EXISTS "${HELLOASSO_DB}" WITH (FORCE)`);
  await pgAdmin(`CREATE DATABASE "${HELLOASSO_DB}"`);
  Object.assign(process.env, ha.env);
  const strapi = await loadStrapi(HELLOASSO_DB);
  try {
    const type = await strapi
      .documents('api::membership-type.membership-type')
      .create({ data: { name: 'Cotisation annuelle', amount: 25, durationMonths: 12 } });
    await strapi.documents('api::association.association').create({ data: { name: 'Banc d’essai' } });
    await strapi.db.query('api::helloasso-form.helloasso-form').create({
      data: { formType: 'Membership', formSlug: 'adhesion', title: 'Adhésion', kind: 'membership', membershipType: type.documentId },
    });
    await strapi.db
      .query('api::helloasso-form.helloasso-form')
      .create({ data: { formType: 'Donation', formSlug: 'dons', title: 'Dons', kind: 'donation', campaign: 'Banc d’essai' } });
    const start = Date.now() - 36 * 3600 * 1000;
    for (let i = 0; i < 2000; i++) {
      const date = new Date(start + i * 60_000);
      const payer = {
        firstName: `Prénom${i}`,
        lastName: `Nom${i}`,
        email: `personne${i}@exemple.org`,
        address: `${i} rue des Lilas`,
        city: 'Lyon',
        zipCode: '69003',
      };
      ha.state.orders.push(
        i % 5 === 4
          ? makeOrder({
              date,
              formSlug: 'dons',
              formType: 'Donation',
              payer: { ...payer, ...(i % 20 === 4 ? { company: `Entreprise ${i}` } : {}) },
              items: [{ type: 'Donation', amount: 1000 + i }],
            })
          : makeOrder({
              date,
              formSlug: 'adhesion',
              payer,
              items: [{ amount: 2500, ...(i % 10 === 0 ? { user: { firstName: `Enfant${i}`, lastName: `Nom${i}` } } : {}) }],
            })
      );
    }
    const { runSync } = dist('helloasso/sync');
    for (const [label, goal, limit] of [
      ['Synchronisation HelloAsso : 2000 commandes (100 pages de 20), première fois', '< 60 s', 60_000],
      ['Synchronisation HelloAsso : les mêmes 2000 commandes, rien de nouveau', '< 5 s', 5_000],
    ]) {
      log(`${label} …`);
      const t0 = process.hrtime.bigint();
      const cpu0 = process.cpuUsage();
      const counts = await runSync(strapi, 'manual');
      const t = ms(t0);
      const cpu = process.cpuUsage(cpu0);
      if (counts.errors.length) throw new Error(`helloasso: ${counts.errors.slice(0, 3).join(' ; ')}`);
      log(`${label} : ${JSON.stringify(counts.created)}`);
      // the process's own CPU time beside the wall-clock time: on a shared machine the difference is waiting (database, other work)
      add(label, `${fmt(t / 1000)} s (CPU du processus ${fmt((cpu.user + cpu.system) / 1e6)} s)`, '—', '—', goal, t < limit);
    }
  } finally {
    await strapi.destroy();
    await ha.stop();
  }
};

// ---------- the measurements ----------
/**
 * Tax receipts: last year's annual receipts issued in one request (each rendered PDF stored in the
 * same transaction as its number), the server's memory growth meanwhile; then all of them in one PDF.
 */
const receiptMeasurements = async (add, { token, server, year }) => {
  const giftYear = year - 1;
  const issueYear = Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Paris', year: 'numeric' }).format(new Date()));
  const preview = await request('POST', '/back-office/receipts/preview', { token, body: { year: giftYear, mode: 'annual' } });
  if (preview.status !== 200) throw new Error(`receipts preview: HTTP ${preview.status} ${preview.body}`);
  const planned = JSON.parse(preview.body.toString()).count;
  const rssBefore = rssOf(server.pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssOf(server.pid));
  }, 50);
  const issueStart = process.hrtime.bigint();
  const issued = await request('POST', '/back-office/receipts/generate', { token, body: { year: giftYear, mode: 'annual' } });
  const issueMs = ms(issueStart);
  clearInterval(sampler);
  if (issued.status !== 201) throw new Error(`receipts generate: HTTP ${issued.status} ${issued.body}`);
  const count = JSON.parse(issued.body.toString()).length;
  if (count) {
    add(
      `Reçus fiscaux : émission des reçus annuels ${giftYear} (${count} reçus numérotés)`,
      `${fmt(issueMs / 1000, 0)} s`,
      '—',
      '—',
      '< 2 min',
      issueMs < 120_000 && count === planned
    );
    add(
      'Mémoire du serveur pendant l’émission (croissance)',
      `${fmt((rssPeak - rssBefore) / 1024 / 1024)} Mo`,
      '—',
      '—',
      '< 200 Mo',
      rssPeak - rssBefore < 200 * 1024 * 1024
    );
  }
  const printStart = process.hrtime.bigint();
  const printed = await download(`/back-office/receipts/print?year=${issueYear}`, token);
  const printMs = ms(printStart);
  if (printed.status !== 200) throw new Error(`receipts print: HTTP ${printed.status}`);
  add(
    `Reçus fiscaux : PDF de tous les reçus ${issueYear} à imprimer`,
    `${fmt(printMs / 1000, 0)} s (${fmt(printed.bytes / 1024 / 1024)} Mo)`,
    '—',
    '—',
    '—',
    true
  );
};

/** The day as Paris sees it, YYYY-MM-DD. */
const parisDay = (date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(date);

/** The period the admin calendar's month view asks for: 6 weeks from the Monday on or before the 1st (end exclusive). */
const calendarMonth = () => {
  const [y, m] = parisDay(new Date()).split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1, 1));
  const from = new Date(first.getTime() - ((first.getUTCDay() + 6) % 7) * 86_400_000);
  const to = new Date(from.getTime() + 42 * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
};

/** Times of `count` calls of fn, one after the other (after one unmeasured call). */
const timed = async (count, fn) => {
  await fn();
  const times = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(ms(start));
  }
  return times;
};

/**
 * The measurements made at every size, on a started server: the dashboard (and its SQL alone), three
 * admin pages (the content manager's member list, the dues page, the calendar's month), the members'
 * CSV export (and COPY, and the server's memory meanwhile), the public API against Strapi's own route;
 * the Excel export at the first size only.
 */
const serverMeasurements = async ({ database, server, token, apiToken, statsSql, year, withXlsx }) => {
  const out = {};
  // the same session settings as the application's connections (DATABASE_SESSION_OPTIONS)
  const { readEnv } = require(path.join(ROOT, 'dist', 'src', 'core', 'config'));
  const options = readEnv('DATABASE_SESSION_OPTIONS').trim() || undefined;
  const knex = require('knex')({ client: 'pg', connection: { ...PG, database, options }, pool: { min: 0, max: 10 } });
  const get = async (urlPath) => {
    const r = await request('GET', urlPath, { token });
    if (r.status !== 200) throw new Error(`${urlPath}: HTTP ${r.status} ${r.body.toString().slice(0, 200)}`);
    return r;
  };
  try {
    // Stats: the endpoint vs the same aggregates as plain SQL, alternated.
    const names = Object.keys(statsSql);
    const plain = () => Promise.all(names.map((n) => knex.raw(statsSql[n].sql, statsSql[n].bindings)));
    await get(`/back-office/stats?year=${year}`);
    await plain();
    out.statsApi = [];
    out.statsSql = [];
    for (let i = 0; i < REPEAT * 2; i++) {
      let start = process.hrtime.bigint();
      await get(`/back-office/stats?year=${year}`);
      out.statsApi.push(ms(start));
      start = process.hrtime.bigint();
      await plain();
      out.statsSql.push(ms(start));
    }

    // The admin's pages, as the panel asks for them.
    // the content manager's member list: its default order (last name), filtered by the commonest city, 10 per page
    const city = (await knex.raw('SELECT city, COUNT(*) AS n FROM members WHERE city IS NOT NULL GROUP BY city ORDER BY 2 DESC LIMIT 1'))
      .rows[0].city;
    const memberList = `/content-manager/collection-types/api::member.member?page=1&pageSize=10&sort=lastName:ASC&filters[$and][0][city][$eq]=${encodeURIComponent(city)}`;
    out.memberList = await timed(REPEAT * 3, () => get(memberList));
    // the dues page: its summary and its list (« à renouveler bientôt », 30 days, the first 100), asked for together
    out.duesPage = await timed(REPEAT * 3, () =>
      Promise.all([get('/back-office/dues/summary?within=30'), get('/back-office/dues?within=30&limit=100&status=expiring')])
    );
    const month = calendarMonth();
    out.calendarMonth = await timed(REPEAT * 3, () => get(`/back-office/calendar?from=${month.from}&to=${month.to}`));

    // Members CSV export vs COPY, and the server's memory growth during the export.
    // the reference: the same 24 columns as the export (pole, skill and availability names aggregated, dues status)
    const namesOf = (lnk, target, fk) =>
      `(SELECT string_agg(x.name, ', ' ORDER BY x.name) FROM ${target} x JOIN ${lnk} l ON l.${fk} = x.id WHERE l.member_id = m.id)`;
    const copySql = `COPY (SELECT m.member_number, m.last_name, m.first_name, m.email, m.phone, m.birth_date, m.gender, m.profession, m.address, m.postal_code, m.city, m.country, m.origin, m.joined_at, m.is_volunteer,
        ${namesOf('members_poles_lnk', 'poles', 'pole_id')}, ${namesOf('members_skills_lnk', 'skills', 'skill_id')}, ${namesOf('members_availability_lnk', 'availability_slots', 'availability_slot_id')},
        m.newsletter_opt_in, m.image_rights, m.dues_paid_until,
        CASE WHEN m.dues_paid_until IS NULL THEN 'never_paid' WHEN m.dues_paid_until > CURRENT_DATE + 30 THEN 'up_to_date' WHEN m.dues_paid_until >= CURRENT_DATE THEN 'expiring' WHEN m.dues_paid_until >= CURRENT_DATE - 30 THEN 'grace' ELSE 'expired' END,
        m.notes
      FROM members m ORDER BY m.id) TO STDOUT WITH CSV HEADER`;
    const copy = () => {
      const start = process.hrtime.bigint();
      const lines = execFileSync('psql', ['-h', PG.host, '-p', String(PG.port), '-U', PG.user, '-d', database, '-c', copySql], {
        env: { ...process.env, PGPASSWORD: PG.password },
        maxBuffer: 1 << 30,
      })
        .toString()
        .split('\n').length;
      return { ms: ms(start), lines: lines - 2 };
    };
    /** One download: its time, and the server's memory growth meanwhile (peak RSS minus RSS before). */
    const measuredDownload = async (urlPath) => {
      const before = rssOf(server.pid);
      let peak = before;
      const timer = setInterval(() => {
        peak = Math.max(peak, rssOf(server.pid));
      }, 20);
      const start = process.hrtime.bigint();
      const d = await download(urlPath, token);
      const t = ms(start);
      clearInterval(timer);
      if (d.status !== 200) throw new Error(`${urlPath}: HTTP ${d.status}`);
      return { ...d, ms: t, growth: (peak - before) / 1024 / 1024 };
    };
    out.exportRates = [];
    out.copyRates = [];
    out.exportGrowth = [];
    out.xlsxRates = [];
    out.xlsxGrowth = [];
    for (let i = 0; i < REPEAT; i++) {
      const d = await measuredDownload('/back-office/exports/members.csv');
      const rowsExported = d.lines - 1;
      out.exportRates.push(rowsExported / (d.ms / 1000));
      out.exportGrowth.push(d.growth);
      if (withXlsx) {
        // the same rows and columns as an Excel workbook (typed cells, zipped in streaming)
        const x = await measuredDownload('/back-office/exports/members.csv?format=xlsx');
        out.xlsxRates.push(rowsExported / (x.ms / 1000));
        out.xlsxGrowth.push(x.growth);
      }
      const c = copy();
      out.copyRates.push(c.lines / (c.ms / 1000));
    }

    // Public API throughput vs a plain core route, alternated. The reference /api/skills runs Strapi's
    // own controller and service; only a check of the query parameters (no database access) comes
    // before it, so that a token cannot reach members through the skills' relations.
    const headers = { Authorization: `Bearer ${apiToken}` };
    out.refStatus = (await request('GET', API_REFERENCE, { token: apiToken })).status;
    for (const route of API_ROUTES) {
      const r = await request('GET', route, { token: apiToken });
      if (r.status !== 200) throw new Error(`${route}: HTTP ${r.status}`);
    }
    // Each route warmed up first (its code compiled, its queries planned), then rounds in which every route runs
    // once, in an order reversed at every round (a drift of the machine's load weighs on all alike); each route's
    // ratio is taken within a round (apiRatios) and its median reported: the rounds' load does not enter it.
    const routes = [...API_ROUTES, API_REFERENCE];
    for (const route of routes) await autocannon(route, headers, 2);
    out.rps = Object.fromEntries(routes.map((route) => [route, []]));
    out.apiRatios = Object.fromEntries(API_ROUTES.map((route) => [route, []]));
    for (let i = 0; i < Math.max(6, REPEAT); i++) {
      const round = {};
      for (const route of i % 2 ? [...routes].reverse() : routes) round[route] = (await autocannon(route, headers, 3)).requests.average;
      for (const route of routes) out.rps[route].push(round[route]);
      for (const route of API_ROUTES) out.apiRatios[route].push(round[route] / round[API_REFERENCE]);
    }
  } finally {
    await knex.destroy();
  }
  out.load = os.loadavg()[0];
  return out;
};
const API_REFERENCE = '/api/skills';

/** The medians of one size, in the log as soon as they are measured (a later failure does not lose them). */
const logMeasured = (x) =>
  log(
    `${x.members} adhérents : ${JSON.stringify({
      load: x.load,
      startMs: x.startMs,
      stats: median(x.statsApi),
      statsSql: median(x.statsSql),
      memberListP95: p95(x.memberList),
      duesPageP95: p95(x.duesPage),
      calendarP95: p95(x.calendarMonth),
      exportRate: median(x.exportRates),
      exportGrowthMax: Math.max(...x.exportGrowth),
      rps: Object.fromEntries(Object.entries(x.rps).map(([k, v]) => [k, median(v)])),
      apiRatios: Object.fromEntries(Object.entries(x.apiRatios).map(([k, v]) => [k, v.map((r) => fmt(r, 2))])),
    })}`
  );
const API_ROUTES = ['/api/articles', '/api/missions'];

/** The bench's super admin: registered on a fresh database (as the first visitor of the admin panel would), logged in on a reused one. */
const adminToken = async () => {
  let login = await request('POST', '/admin/register-admin', { body: BENCH_ADMIN });
  if (login.status !== 200 && login.status !== 201)
    login = await request('POST', '/admin/login', { body: { email: BENCH_ADMIN.email, password: BENCH_ADMIN.password } });
  if (login.status !== 200 && login.status !== 201) throw new Error(`admin: HTTP ${login.status} ${login.body}`);
  return JSON.parse(login.body.toString()).data.token;
};

/** In process (no HTTP server): the reminders (time and SQL query count), the stats' plain SQL, a read-only API token. */
const inProcess = async (database, year) => {
  const strapi = await loadStrapi(database);
  const { runReminders } = dist('dues/reminders');
  const { countQueries } = dist('dues/query-count');
  const times = [];
  let counted = 0;
  let planned = 0;
  for (let i = 0; i < REPEAT; i++) {
    const start = process.hrtime.bigint();
    // only the job's own queries (not Strapi's background work running meanwhile)
    const { result: report, queries } = await countQueries(strapi, () => runReminders(strapi, { dryRun: true }));
    times.push(ms(start));
    counted = queries;
    planned = (report.sent ?? report.reminders ?? []).length ?? 0;
  }
  const members = await strapi.db.query('api::member.member').count();
  // The reference route (/api/skills) is not public: every route is read with the same read-only API token.
  const apiToken = (await strapi.service('admin::api-token').create({ name: `bench-${Date.now()}`, type: 'read-only', lifespan: null }))
    .accessKey;
  const { statsQueries } = dist('stats/queries');
  const { referenceDay } = dist('stats/definitions');
  const statsSql = statsQueries(strapi, { year, refDay: referenceDay(year), sections: ['dues', 'donations', 'subsidies'] });
  await strapi.destroy();
  return { times, queries: counted, planned, members, statsSql, apiToken, load: os.loadavg()[0] };
};

const printRows = (rows) =>
  console.log(
    rows.map((r) => `| ${[r.what, r.value, r.reference, r.ratio, r.goal, r.ok ? 'atteint' : 'NON atteint'].join(' | ')} |`).join('\n')
  );

const main = async () => {
  const rows = [];
  const add = (what, value, reference, ratio, goal, ok) => rows.push({ what, value, reference, ratio, goal, ok });
  if (ONLY === 'imports' || ONLY === 'helloasso') {
    await (ONLY === 'imports' ? importMeasurements(add) : helloassoMeasurements(add));
    printRows(rows);
    process.exit(0);
  }
  const year = Number(new Date().toISOString().slice(0, 4));
  const larger = ONLY && ONLY !== 'scale' ? [] : LARGER;

  if (!REUSE) {
    log(`seed ${MEMBERS} members into ${DB} …`);
    const seedMs = await seed(DB, MEMBERS);
    add(
      `Chargement des données (npm run seed -- --members ${MEMBERS})`,
      `${fmt(seedMs / 1000, 0)} s`,
      '—',
      '—',
      'quelques minutes',
      seedMs < 10 * 60_000
    );
    for (const size of larger) {
      log(`seed ${size.members} members into ${size.database} …`);
      size.seedMs = await seed(size.database, size.members);
    }
    if ((!ONLY || ONLY === 'scale') && !larger.length) {
      log(`seed ${SMALL_MEMBERS} members into ${SMALL_DB} …`);
      await seed(SMALL_DB, SMALL_MEMBERS);
    }
  }

  // `--only receipts`: the tax receipts' measurements only, printed (docs/PERFORMANCE.md is left as it is)
  if (ONLY === 'receipts') {
    log('starting the server …');
    const server = await startServer(DB);
    try {
      await receiptMeasurements(add, { token: await adminToken(), server, year });
    } finally {
      server.kill('SIGTERM');
    }
    printRows(rows);
    process.exit(0);
  }

  // In-process phase: reminders (time and SQL query count at two sizes), the stats' plain SQL, an API token.
  log('reminders (dry run), in process …');
  const here = await inProcess(DB, year);
  for (const size of larger) size.inProcess = await inProcess(size.database, year);
  // the query count compared with the largest data set, or with a tenth of it
  const other = larger.length ? larger[larger.length - 1].inProcess : await inProcess(SMALL_DB, year);
  const [big, small] = larger.length ? [other, here] : [here, other];
  add(
    `Relances en simulation, ${here.members} adhérents (${here.planned} relances prévues)`,
    `${fmt(median(here.times) / 1000, 2)} s`,
    '—',
    '—',
    '< 5 s',
    median(here.times) < 5000
  );
  add(
    'Requêtes SQL des relances : grand jeu / petit jeu',
    `${big.queries} (${big.members} adhérents)`,
    `${small.queries} (${small.members} adhérents)`,
    fmt(big.queries / Math.max(1, small.queries), 2),
    'constant (1,00)',
    big.queries === small.queries
  );

  log('starting the server …');
  let server = await startServer(DB);
  const measured = [];
  try {
    const token = await adminToken();
    const m = await serverMeasurements({
      database: DB,
      server,
      token,
      apiToken: here.apiToken,
      statsSql: here.statsSql,
      year,
      withXlsx: !ONLY,
    });
    measured.push({ members: here.members, inProcess: here, startMs: server.startMs, ...m });
    logMeasured(measured[measured.length - 1]);
    add(
      'GET /back-office/stats : médiane (p95)',
      `${fmt(median(m.statsApi))} ms (${fmt(p95(m.statsApi))})`,
      `${fmt(median(m.statsSql))} ms (${fmt(p95(m.statsSql))}) SQL seul`,
      fmt(median(m.statsApi) / median(m.statsSql), 2),
      '≤ 1,5×',
      median(m.statsApi) / median(m.statsSql) <= 1.5
    );
    const ratio = median(m.exportRates) / median(m.copyRates);
    add(
      'Export CSV des adhérents : lignes/s',
      fmt(median(m.exportRates), 0),
      `${fmt(median(m.copyRates), 0)} (COPY … TO STDOUT)`,
      fmt(ratio, 2),
      '≥ 0,5×',
      ratio >= 0.5
    );
    add(
      'Mémoire du serveur pendant l’export (croissance)',
      `${fmt(median(m.exportGrowth))} Mo (max ${fmt(Math.max(...m.exportGrowth))})`,
      '—',
      '—',
      '< 50 Mo',
      Math.max(...m.exportGrowth) < 50
    );
    const xlsxRatio = median(m.xlsxRates) / median(m.exportRates);
    if (m.xlsxRates.length)
      add(
        'Export Excel (.xlsx) des adhérents : lignes/s',
        fmt(median(m.xlsxRates), 0),
        `${fmt(median(m.exportRates), 0)} (export CSV)`,
        fmt(xlsxRatio, 2),
        '≥ 0,3×',
        xlsxRatio >= 0.3
      );
    if (m.xlsxRates.length)
      add(
        'Mémoire du serveur pendant l’export Excel (croissance)',
        `${fmt(median(m.xlsxGrowth))} Mo (max ${fmt(Math.max(...m.xlsxGrowth))})`,
        '—',
        '—',
        '< 100 Mo',
        Math.max(...m.xlsxGrowth) < 100
      );
    const refRps = median(m.rps[API_REFERENCE]);
    for (const route of API_ROUTES) {
      const ratio = median(m.apiRatios[route]);
      add(
        `${route} : requêtes/s (10 clients, même jeton API en lecture ; rapport : médiane des rapports de chaque tour)`,
        fmt(median(m.rps[route]), 0),
        `${fmt(refRps, 0)} (${API_REFERENCE}, contrôleur et service du cœur de Strapi${m.refStatus === 200 ? '' : `, HTTP ${m.refStatus}`})`,
        fmt(ratio, 2),
        '≥ 0,9×',
        ratio >= 0.9
      );
    }

    if (!ONLY) await receiptMeasurements(add, { token, server, year });
    server.kill('SIGTERM');
    server = null;

    // the same measurements on each larger data set, one server at a time
    for (const size of larger) {
      log(`starting the server on ${size.database} …`);
      server = await startServer(size.database);
      const t = await adminToken();
      const s = size.inProcess;
      measured.push({
        members: s.members,
        inProcess: s,
        startMs: server.startMs,
        ...(await serverMeasurements({
          database: size.database,
          server,
          token: t,
          apiToken: s.apiToken,
          statsSql: s.statsSql,
          year,
          withXlsx: false,
        })),
      });
      logMeasured(measured[measured.length - 1]);
      server.kill('SIGTERM');
      server = null;
    }
  } finally {
    if (server) server.kill('SIGTERM');
  }

  if (!ONLY) {
    log('imports, in process …');
    await importMeasurements(add);
    log('HelloAsso, in process …');
    await helloassoMeasurements(add);
  }

  // ---------- report ----------
  const asTable = (header, lines) => [header, header.map(() => '---'), ...lines].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const md = asTable(
    ['Mesure', 'Valeur', 'Référence (même exécution)', 'Rapport', 'Objectif', ''],
    rows.map((r) => [r.what, r.value, r.reference, r.ratio, r.goal, r.ok ? 'atteint' : 'NON atteint'])
  );
  const scale = measured.length > 1 ? scaleTable(measured) : '';
  const machine = `${os.cpus().length} cœurs (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} Gio, Node ${process.version}`;
  const sizes = measured.map((x) => x.members).join(' et ');
  const doc =
    `# Performances\n\nMesuré par \`npm run bench\` le ${new Date().toISOString().slice(0, 10)} sur PostgreSQL, ` +
    (scale
      ? `avec \`--sizes ${SIZES.join(',')}\` : tout à ${MEMBERS} adhérents, et ce qui ne doit pas croître plus vite que les données à ${sizes} adhérents (premier tableau), ${REPEAT} répétitions, médianes ; chaque chiffre est mesuré dans la même exécution que sa référence.`
      : `avec \`--members ${MEMBERS}\` (et ${SMALL_MEMBERS} adhérents pour la comparaison du nombre de requêtes), ${REPEAT} répétitions, médianes ; chaque chiffre est mesuré dans la même exécution que sa référence.`) +
    `\n\nMachine : ${machine}. Charge moyenne (uptime, 1 min) pendant les mesures : ${measured.map((x) => `${fmt(x.load)} (${x.members} adhérents)`).join(', ')}.\n\n` +
    (scale ? `${scale}\n\n` : '') +
    `${md}\n`;
  console.log(scale ? `${scale}\n\n${md}` : md);
  if (ONLY) return;
  // the sections after the tables (« ## … »: measurements taken apart with --only, their notes) are kept
  const file = path.join(ROOT, 'docs', 'PERFORMANCE.md');
  const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const kept = previous.indexOf('\n## ');
  fs.writeFileSync(file, kept >= 0 ? `${doc}${previous.slice(kept)}` : doc);
  log('written to docs/PERFORMANCE.md');
};

/**
 * The same measurements at each size, side by side, with the ratio of the largest to the first: what
 * grows faster than the data shows as a ratio above the ratio of the sizes.
 */
const scaleTable = (measured) => {
  const first = measured[0];
  const last = measured[measured.length - 1];
  const factor = last.members / first.members;
  const lines = [];
  const line = (what, value, metric, goal, ok) => {
    const a = metric(first);
    const b = metric(last);
    lines.push([what, ...measured.map(value), fmt(b / a, 2), goal, ok ? 'atteint' : 'NON atteint']);
  };
  const timeOf = (pick) => (x) => `${fmt(median(pick(x)))} ms (p95 ${fmt(p95(pick(x)))})`;
  const p95Of = (pick) => (x) => p95(pick(x));
  line(
    'Démarrage du serveur (strapi start, jusqu’à /_health)',
    (x) => `${fmt(x.startMs / 1000)} s`,
    (x) => x.startMs,
    '—',
    true
  );
  line(
    'Relances en simulation : durée (médiane)',
    (x) => `${fmt(median(x.inProcess.times) / 1000, 2)} s (${x.inProcess.queries} requêtes SQL)`,
    (x) => median(x.inProcess.times),
    '< 5 s, requêtes constantes',
    median(last.inProcess.times) < 5000 && first.inProcess.queries === last.inProcess.queries
  );
  const statsRatio = median(last.statsApi) / median(first.statsApi);
  line(
    'GET /back-office/stats (tableau de bord)',
    timeOf((x) => x.statsApi),
    (x) => median(x.statsApi),
    `médiane < 300 ms à ${last.members}, ≤ 3× (données ×${fmt(factor, 0)})`,
    median(last.statsApi) < 300 && statsRatio <= 3
  );
  line(
    'Les mêmes statistiques en SQL seul',
    timeOf((x) => x.statsSql),
    (x) => median(x.statsSql),
    '—',
    true
  );
  for (const [what, pick] of [
    ['Liste des adhérents du content manager (triée par nom, filtrée par ville, 10 par page)', (x) => x.memberList],
    ['Page des cotisations (résumé et 100 premiers « à renouveler bientôt », ensemble)', (x) => x.duesPage],
    ['Calendrier : un mois (6 semaines)', (x) => x.calendarMonth],
  ])
    line(
      what,
      timeOf(pick),
      p95Of(pick),
      'p95 < 300 ms',
      measured.every((x) => p95(pick(x)) < 300)
    );
  line(
    'Export CSV des adhérents : lignes/s (rapport à COPY … TO STDOUT)',
    (x) => `${fmt(median(x.exportRates), 0)} (${fmt(median(x.exportRates) / median(x.copyRates), 2)}×)`,
    (x) => median(x.exportRates),
    '≥ 0,5× COPY',
    measured.every((x) => median(x.exportRates) / median(x.copyRates) >= 0.5)
  );
  line(
    'Mémoire du serveur pendant l’export CSV (croissance, médiane et max)',
    (x) => `${fmt(median(x.exportGrowth))} Mo (max ${fmt(Math.max(...x.exportGrowth))})`,
    (x) => Math.max(...x.exportGrowth),
    '< 50 Mo',
    measured.every((x) => Math.max(...x.exportGrowth) < 50)
  );
  const apiRatio = (x) => median(x.apiRatios['/api/missions']);
  line(
    `/api/missions : requêtes/s (rapport à ${API_REFERENCE}, médiane des rapports de chaque tour)`,
    (x) => `${fmt(median(x.rps['/api/missions']), 0)} (${fmt(apiRatio(x), 2)}×)`,
    (x) => median(x.rps['/api/missions']),
    '≥ 0,9× /api/skills',
    measured.every((x) => apiRatio(x) >= 0.9)
  );
  return [
    ['Mesure', ...measured.map((x) => `${x.members} adhérents`), `Rapport ${last.members} / ${first.members}`, 'Objectif', ''],
    [],
    ...lines,
  ]
    .map((r, i) => (i === 1 ? `| ${lines[0].map(() => '---').join(' | ')} |` : `| ${r.join(' | ')} |`))
    .join('\n');
};

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
