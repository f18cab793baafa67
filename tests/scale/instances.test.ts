import fs from 'fs';
import path from 'path';
import { DateTime } from 'luxon';
import { Client } from 'pg';
import { DB_CLIENT, SUPER_ADMIN } from '../helpers/strapi';
import { startInstances, type Cluster, type Instance } from '../helpers/instances';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { start as startS3, type S3StandIn } from '../helpers/s3-stand-in';
import { PNG } from '../receipts/helpers';
import type { Json } from '../helpers/types';

/**
 * Two instances of the back-office (two Strapi processes) on one PostgreSQL database behind a load
 * balancer: each scheduled job runs once, each reminder and each newsletter reaches its recipient once,
 * the rate limits count the requests of both, and a file uploaded on one is read from the other (an
 * S3-compatible storage shared by both, not their disks). SQLite serves one instance only: skipped there.
 */
const onPostgres = DB_CLIENT === 'postgres' ? describe : describe.skip;

onPostgres(
  `two instances on one PostgreSQL database (${DB_CLIENT === 'postgres' ? 'postgres' : 'SQLite : ignoré, plusieurs instances demandent PostgreSQL'})`,
  () => {
    let smtp: TestSmtp;
    let s3: S3StandIn;
    let cluster: Cluster;
    let a: Instance;
    let b: Instance;
    const JOBS = ['backupsDaily', 'duesReminders', 'duesDigest', 'helloassoSync'];
    const TREASURER = 'tresoriere@test.local';
    // more than one group of reminders (dues/reminders.ts BATCH: 50 claimed, sent, then the next 50)
    const LATER = Array.from({ length: 51 }, (_, n) => `membre${n + 1}@membres.test`);
    const SUBSCRIBERS = ['un', 'deux', 'trois', 'quatre', 'cinq', 'six'].map((n) => `${n}@abonnes.test`);

    const sql = async (text: string, values: unknown[] = []) => {
      const client = new Client({ host: '127.0.0.1', user: process.env.DATABASE_USERNAME || 'postgres', database: cluster.dbName });
      await client.connect();
      try {
        return (await client.query(text, values)).rows;
      } finally {
        await client.end();
      }
    };
    const create = (uid: string, data: Json) => a.ask<Json>({ type: 'create', uid, data });
    const admin = (instance: Instance, method: 'get' | 'post', url: string) =>
      instance.http()[method](url).set('Authorization', `Bearer ${cluster.adminToken}`);
    const archives = () => fs.readdirSync(cluster.backupDir).filter((f) => f.endsWith('.tar.gz'));

    beforeAll(async () => {
      smtp = await startSmtp();
      s3 = await startS3({ bucket: 'asso-instances' });
      cluster = await startInstances({
        env: {
          ...smtp.env,
          ...s3.env,
          ADMIN_RATE_LIMIT: 'true',
          RATE_LIMIT_DISABLED: 'false',
          SUBSCRIBE_RATE_PER_MINUTE: '4',
          NEWSLETTER_RATE_PER_MINUTE: '60000',
          NEWSLETTER_BATCH_SIZE: '2',
          REDIS_URL: '',
        },
      });
      [a, b] = cluster.instances;

      await create('api::association.association', { name: 'Les Amis du Quartier' });
      const type = await create('api::membership-type.membership-type', {
        name: 'Annuelle',
        amount: 25,
        durationMonths: 12,
        reminderDays: [30],
      });
      const member = async (firstName: string, email: string, periodEnd: string) => {
        const m = await create('api::member.member', { firstName, lastName: 'Martin', email });
        const start = DateTime.fromISO(periodEnd).minus({ years: 1 }).plus({ days: 1 }).toISODate();
        await create('api::contribution.contribution', {
          member: m.documentId,
          membershipType: type.documentId,
          amount: 25,
          paidAt: start,
          periodStart: start,
          periodEnd,
          paymentMethod: 'cheque',
        });
      };
      // Alice's dues end in 10 days: today's reminder (30 days before) is due; the others' in 2040
      await member('Alice', 'alice@membres.test', DateTime.now().setZone('Europe/Paris').plus({ days: 10 }).toISODate()!);
      await Promise.all(LATER.map((email) => member(email.split('@')[0], email, '2040-06-30')));
      const role = await a.ask<Json>({ type: 'query', uid: 'admin::role', method: 'findOne', args: { where: { code: 'asso-treasurer' } } });
      await a.ask({
        type: 'query',
        uid: 'admin::user',
        method: 'create',
        args: { data: { firstname: 'Tina', lastname: 'Sou', email: TREASURER, isActive: true, blocked: false, roles: [role.id] } },
      });
      await Promise.all(
        SUBSCRIBERS.map((email) => create('api::subscriber.subscriber', { email, firstName: email.split('@')[0], status: 'confirmed' }))
      );
    }, 120_000);

    afterAll(async () => {
      await cluster?.stop();
      await smtp?.stop();
      await s3?.stop();
    });

    it('runs each scheduled job once, on one of the instances, and not again on an instance that fires late', async () => {
      smtp.clear();
      // both instances schedule every job at the same instant, as their cron does with the jobs' rules
      const at = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000);
      await Promise.all([a, b].map((i) => i.ask({ type: 'schedule', at: at.toISOString(), jobs: JOBS })));
      const outcomes: Record<string, string[]> = {};
      for (const job of JOBS) {
        const ran = await Promise.all([a, b].map((i) => i.waitFor((m) => m.type === 'ran' && m.job === job)));
        outcomes[job] = ran.map((m) => String(m.outcome)).sort();
      }
      expect(outcomes).toEqual(Object.fromEntries(JOBS.map((job) => [job, ['done', 'skipped']])));

      // one run recorded per job, at the scheduled time, with the instance that ran it
      const runs = await sql('SELECT job, scheduled_at, instance, status, error FROM back_office_job_runs ORDER BY job');
      expect(runs.map((r) => [r.job, r.status, r.error, new Date(r.scheduled_at).toISOString()])).toEqual(
        [...JOBS].sort().map((job) => [job, 'done', null, at.toISOString()])
      );
      for (const r of runs) expect(r.instance).toMatch(/^.+:\d+$/);

      // their effects, once: one archive, one reminder to Alice, one digest to the treasurer
      expect(archives()).toHaveLength(1);
      await smtp.waitFor('alice@membres.test');
      await smtp.waitFor(TREASURER);
      expect(smtp.to('alice@membres.test')).toHaveLength(1);
      expect(smtp.to(TREASURER)).toHaveLength(1);

      // an instance whose clock is late fires the same occurrence afterwards: nothing happens
      for (const job of ['duesReminders', 'backupsDaily']) expect(await b.ask({ type: 'run', job, at: at.toISOString() })).toBe('skipped');
      expect(archives()).toHaveLength(1);
      expect(smtp.to('alice@membres.test')).toHaveLength(1);
      expect(await sql('SELECT count(*)::int AS n FROM back_office_job_runs')).toEqual([{ n: JOBS.length }]);

      // the backups page, on either instance, tells the last nightly run and where it ran
      for (const i of [a, b]) {
        const page = await admin(i, 'get', '/back-office/backups');
        expect(page.status).toBe(200);
        expect(page.body.lastRun).toMatchObject({ status: 'done', scheduledAt: at.toISOString(), error: null });
        expect(page.body.lastRun.instance).toBe(runs.find((r) => r.job === 'backupsDaily').instance);
      }
    });

    it('sends each dues reminder once when both instances are asked at the same moment', async () => {
      smtp.clear();
      const run = (i: Instance, dryRun: boolean) =>
        admin(i, 'post', '/back-office/dues/reminders/run').send({ today: '2040-06-01', dryRun });
      // what would be sent, seen by both (a dry run sends nothing)
      for (const i of [a, b]) expect((await run(i, true)).body.data.counts.sent).toBe(LATER.length);
      // the second instance is asked while the first is sending its first group of reminders
      const first = run(a, false).then((r) => r);
      await smtp.waitFor(null, 1);
      const answers = [await run(b, false), await first];
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      // the first sent them, the second waited for it and found them sent
      expect(answers.map((r) => r.body.data.counts.sent).sort((x, y) => x - y)).toEqual([0, LATER.length]);
      await smtp.waitFor(null, LATER.length);
      for (const email of LATER) expect(smtp.to(email)).toHaveLength(1);
      expect(smtp.messages).toHaveLength(LATER.length);
    });

    it('counts a public form’s limit across both instances', async () => {
      const visitor = cluster.viaProxy();
      const served = [...cluster.served];
      const statuses: number[] = [];
      for (let n = 0; n < 5; n++) statuses.push((await visitor.http.post('/api/subscribers').send({ email: 'pas-une-adresse' })).status);
      // 4 per minute: the 5th is refused, although each instance saw at most 3 of them
      expect(statuses).toEqual([400, 400, 400, 400, 429]);
      expect(cluster.served.map((s, i) => s - served[i])).toEqual([expect.any(Number), expect.any(Number)]);
      expect(Math.max(...cluster.served.map((s, i) => s - served[i]))).toBeLessThanOrEqual(3);
      // another visitor is not concerned
      expect((await cluster.viaProxy().http.post('/api/subscribers').send({ email: 'pas-une-adresse' })).status).toBe(400);
    });

    it('counts the admin login attempts across both instances (5 per 5 minutes for an address from one IP)', async () => {
      const visitor = cluster.viaProxy();
      const login = (password: string) => visitor.http.post('/admin/login').send({ email: SUPER_ADMIN.email, password });
      const statuses: number[] = [];
      for (let n = 0; n < 5; n++) statuses.push((await login(`Mauvais-${n}`)).status);
      expect(statuses).toEqual([400, 400, 400, 400, 400]);
      // the 6th, on whichever instance, waits: even with the right password
      expect((await login(SUPER_ADMIN.password)).status).toBe(429);
      expect((await login(SUPER_ADMIN.password)).status).toBe(429);
      // the president from elsewhere logs in
      expect(
        (await cluster.viaProxy().http.post('/admin/login').send({ email: SUPER_ADMIN.email, password: SUPER_ADMIN.password })).status
      ).toBe(200);
    });

    it('sends a newsletter once to each subscriber when both instances are asked to send it', async () => {
      const letter = await create('api::newsletter.newsletter', {
        subject: 'Les nouvelles de deux serveurs',
        audience: 'subscribers',
        body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Bonjour {{firstName}}, ne plus recevoir : {{unsubscribeUrl}}' }] }],
      });
      smtp.clear();
      const clicks = await Promise.all([a, b].map((i) => admin(i, 'post', `/back-office/newsletters/${letter.documentId}/send`)));
      for (const click of clicks) expect(click.status === 202 || /déjà été envoyée/.test(click.body?.error?.message)).toBe(true);
      let state: Json = {};
      for (let n = 0; n < 200; n++) {
        state = (await admin(a, 'get', `/back-office/newsletters/${letter.documentId}/recipients`)).body;
        if (state.status === 'sent') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(state).toMatchObject({ status: 'sent', recipientsCount: SUBSCRIBERS.length });
      await smtp.waitFor(null, SUBSCRIBERS.length);
      for (const email of SUBSCRIBERS) expect(smtp.to(email)).toHaveLength(1);
      expect(smtp.messages).toHaveLength(SUBSCRIBERS.length);
    });

    it('reads a file uploaded on one instance from the other: it is in the shared storage, not on a disk', async () => {
      const sent = await admin(a, 'post', '/upload').attach('files', PNG, { filename: 'affiche.png', contentType: 'image/png' });
      expect(sent.status).toBe(201);
      const { url, hash, ext } = sent.body[0];
      expect(await s3.list()).toContain(`${hash}${ext}`);
      // the bytes kept in the bucket (Strapi may have optimised the image)
      const stored = await s3.read(`${hash}${ext}`);
      expect(stored?.length).toBeGreaterThan(0);
      expect(fs.readdirSync(path.join(path.dirname(cluster.backupDir), 'public', 'uploads'))).not.toContain(`${hash}${ext}`);
      for (const instance of [b, a]) {
        const read = await instance.http().get(url).buffer(true);
        expect(read.status).toBe(200);
        expect(Buffer.from(read.body).equals(stored!)).toBe(true);
      }
      // the media library of the other instance lists it
      const listed = await admin(b, 'get', '/upload/files?pageSize=100');
      expect(listed.body.results.map((f: Json) => f.hash)).toContain(hash);
    });
  }
);
