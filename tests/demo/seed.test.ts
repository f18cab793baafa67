import { loginAdmin, startStrapi, TestApp } from '../helpers/strapi';
import fs from 'fs';
import path from 'path';
import { seedDemo, runSeedCli, demoSizes, countContent, createDemoAccounts, clearContent } from '../../src/back-office/demo';
import { DB_CLIENT } from '../helpers/strapi';
import { duesStatus, DUES_STATUSES } from '../../src/back-office/dues/status';
import { todayInParis, fiscalYearStart } from '../../src/back-office/dues/period';
import { PROFESSIONS } from '../../src/back-office/demo/data';
import { DateTime } from 'luxon';
import type { UID } from '@strapi/strapi';
import type { Doc, Json, UploadedFile } from '../helpers/types';

/**
 * The demo data set: what `npm run seed -- --members 200` writes (same function as the CLI), checked
 * through the Document Service and the database as the back-office reads them.
 */
let app: TestApp;
const today = todayInParis();
const fiscalYearStartOf = (day: string) => fiscalYearStart(day, 1);
// the size of `npm run demo`: about 700 contributions, more rows than one SQLite INSERT may carry
const MEMBERS = 200;
const lines: string[] = [];
const FEMININE = new Set([...PROFESSIONS.map(([, feminine]) => feminine), 'Lycéenne', 'Étudiante', 'Retraitée']);

beforeAll(async () => {
  app = await startStrapi();
  expect(await runSeedCli(app.strapi, ['--members', String(MEMBERS)], (l) => lines.push(l))).toBe(0);
});
afterAll(() => app?.stop());

/** Every record of a content type (with `params`: populate, sort…), typed by the generated schemas. */
const docs = <T extends UID.ContentType>(uid: T, params: Json = {}): Promise<Doc<T>[]> =>
  app.strapi.documents(uid).findMany({ limit: 100000, ...params });

describe('npm run seed', () => {
  it('creates the expected number of each thing, and prints a French summary', async () => {
    const sizes = demoSizes(MEMBERS);
    const counts = await countContent(app.strapi);
    expect(counts['api::member.member']).toBe(MEMBERS);
    expect(counts['api::mission.mission']).toBe(sizes.missions);
    expect(counts['api::partner.partner']).toBe(sizes.partners);
    expect(counts['api::subsidy.subsidy']).toBe(sizes.subsidies);
    expect(counts['api::donor.donor']).toBe(sizes.donors);
    expect(counts['api::donation.donation']).toBe(sizes.donations);
    expect(counts['api::document.document']).toBe(sizes.documents);
    // about three contributions and two participations per member
    expect(counts['api::contribution.contribution']).toBeGreaterThan(MEMBERS * 2);
    expect(counts['api::contribution.contribution']).toBeLessThan(MEMBERS * 4);
    expect(counts['api::participation.participation']).toBeGreaterThan(MEMBERS);
    expect(counts['api::participation.participation']).toBeLessThanOrEqual(MEMBERS * 2 + sizes.missions);
    expect(lines.join('\n')).toMatch(/Données de démonstration créées/);
    expect(lines.join('\n')).toMatch(new RegExp(`Adhérents\\s+${MEMBERS}`));

    const settings = await app.strapi.documents('api::association.association').findFirst();
    expect(settings).toMatchObject({ fiscalYearStartMonth: 1, duesGraceDays: 30 });
    expect(settings.rna).toMatch(/^W\d{9}$/);
    expect(await docs('api::availability-slot.availability-slot')).toHaveLength(5);
    const types = await docs('api::membership-type.membership-type');
    expect(types.find((t) => t.name === 'Adhésion annuelle')).toMatchObject({ durationMonths: null });
    expect(types.some((t) => t.durationMonths === 12)).toBe(true);
  });

  it('gives members their numbers in sequence, French profiles and consistent relations', async () => {
    const members = await docs('api::member.member', {
      populate: ['availability', 'skills', 'poles', 'contributions', 'participations'],
      sort: 'memberNumber:asc',
    });
    expect(members.map((m) => m.memberNumber)).toEqual(members.map((_: unknown, i: number) => i + 1));
    for (const m of members) {
      expect(m.firstName).toBeTruthy();
      expect(m.postalCode).toMatch(/^\d{5}$/);
      if (m.birthDate) {
        const age = Math.floor(DateTime.fromISO(today).diff(DateTime.fromISO(m.birthDate as string), 'years').years);
        expect(age).toBeGreaterThanOrEqual(15);
        expect(age).toBeLessThanOrEqual(86);
        // pupils, students and retirees by age; nobody of 40 is a "Lycéen"
        if (/^Lycéen/.test(m.profession ?? '')) expect(age).toBeLessThan(18);
        if (/^Étudiant/.test(m.profession ?? '')) expect(age).toBeLessThan(24);
        if (/^Retraité/.test(m.profession ?? '')) expect(age).toBeGreaterThanOrEqual(65);
      }
      if (m.profession && m.gender === 'female') expect(FEMININE.has(m.profession)).toBe(true);
      if (m.isVolunteer) {
        expect(m.availability.length).toBeGreaterThan(0);
        expect(m.poles.length).toBeGreaterThan(0);
      }
      for (const c of m.contributions) expect(m.joinedAt <= c.paidAt).toBe(true);
    }
    const emails = members.map((m) => m.email).filter(Boolean);
    expect(new Set(emails).size).toBe(emails.length);

    const participations = await docs('api::participation.participation', { populate: ['mission', 'member'] });
    const seen = new Set<string>();
    for (const p of participations) {
      expect(p.mission).toBeTruthy();
      expect(p.member || (p.lastName && p.email)).toBeTruthy();
      if (p.member) {
        const key = `${p.member.documentId}/${p.mission.documentId}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
    const missions = await docs('api::mission.mission', { populate: ['participations', 'location', 'equipment', 'pole'] });
    const now = Date.now();
    for (const m of missions) {
      expect(m.location.city).toBeTruthy();
      expect(m.equipment.length).toBeGreaterThan(0);
      expect(m.pole).toBeTruthy();
      expect(new Date(m.endAt).getTime()).toBeGreaterThanOrEqual(new Date(m.startAt).getTime());
      const past = new Date(m.startAt).getTime() < now;
      if (past && m.status === 'done') expect(m.participations.every((p) => ['attended', 'absent'].includes(p.status))).toBe(true);
      if (!past) expect(['planned', 'confirmed', 'cancelled']).toContain(m.status);
      const confirmed = m.participations.filter((p) => ['confirmed', 'pending', 'attended', 'absent'].includes(p.status)).length;
      if (m.capacity) expect(confirmed).toBeLessThanOrEqual(m.capacity);
    }
    expect(missions.some((m) => m.isPublic && m.publicRegistration && m.capacity)).toBe(true);
    expect(missions.some((m) => m.kind === 'event') && missions.some((m) => m.kind === 'mission')).toBe(true);

    const subsidies = await docs('api::subsidy.subsidy', { populate: ['funder'] });
    expect(new Set(subsidies.map((s) => s.status))).toEqual(new Set(['draft', 'submitted', 'granted', 'refused', 'paid', 'reported']));
    for (const s of subsidies) {
      expect(s.funder).toBeTruthy();
      if (s.decidedAt) expect(s.decidedAt >= s.submittedAt).toBe(true);
    }
    const donations = await docs('api::donation.donation', { populate: ['donor'] });
    expect(donations.every((d) => d.donor && Number(d.amount) > 0 && d.receivedAt <= today)).toBe(true);
    const partners = await docs('api::partner.partner');
    expect(partners.some((p) => p.kind === 'public_body')).toBe(true);
    const documents = await docs('api::document.document', { populate: ['file'] });
    expect(documents.some((d) => d.confidential) && documents.some((d) => !d.confidential)).toBe(true);
    expect(documents.every((d) => d.file?.mime === 'application/pdf')).toBe(true);
  });

  it('stores duesPaidUntil as the rule gives it, with every dues status represented', async () => {
    const members = await docs('api::member.member', { populate: { contributions: { fields: ['periodEnd', 'paidAt', 'periodStart'] } } });
    for (const m of members) {
      const ends = m.contributions.map((c) => c.periodEnd).sort();
      expect(m.duesPaidUntil ?? null).toBe(ends.length ? ends[ends.length - 1] : null);
      for (const c of m.contributions) {
        expect(c.periodEnd >= c.periodStart).toBe(true);
        expect(c.paidAt <= today).toBe(true);
      }
    }
    const statuses = new Set(members.map((m) => duesStatus(m.duesPaidUntil as string | null, { today, graceDays: 30 })));
    expect([...statuses].sort()).toEqual([...DUES_STATUSES].sort());
  });

  it('stores the display names the admin shows (members, donors, participations), as the rules give them', async () => {
    const members = await docs('api::member.member');
    expect(members.length).toBe(MEMBERS);
    for (const m of members) expect(m.displayName).toBe(`${m.lastName} ${m.firstName} (n° ${m.memberNumber})`);
    const participations = await docs('api::participation.participation', { populate: ['member'] });
    expect(participations.some((p) => p.member) && participations.some((p) => !p.member)).toBe(true);
    for (const p of participations) {
      const person = p.member ?? p;
      expect(p.displayName).toBe(`${person.lastName} ${person.firstName}`);
    }
    const donors = await docs('api::donor.donor');
    for (const d of donors) {
      expect(d.displayName).toBe(d.kind === 'company' ? `${d.companyName} (${d.lastName} ${d.firstName})` : `${d.lastName} ${d.firstName}`);
    }
  });

  it('keeps believable books: accounts, the previous and the current year, balances that carry over', async () => {
    const all = await docs('api::ledger-entry.ledger-entry', { populate: ['category', 'cashAccount', 'toCashAccount', 'voucher'] });
    // the treasurer's own entries, and those the books derive from the contributions, donations and subsidy payments
    const entries = all.filter((e) => e.origin === 'manual');
    expect(entries.length).toBeGreaterThanOrEqual(15);
    expect(entries.length).toBeLessThanOrEqual(50);
    const derived = all.filter((e) => e.origin !== 'manual');
    const numbers: Record<string, string> = { contribution: '756', donation: '754', subsidy: '74' };
    expect(derived.every((e) => numbers[e.origin ?? ''] === e.category?.number)).toBe(true);
    expect(derived.some((e) => e.origin === 'contribution')).toBe(true);
    expect(derived.some((e) => e.origin === 'donation')).toBe(true);
    const fyStart = fiscalYearStartOf(today);
    expect(all.every((e) => String(e.date) <= today && String(e.date) >= `${Number(fyStart.slice(0, 4)) - 1}${fyStart.slice(4)}`)).toBe(
      true
    );
    expect(entries.some((e) => e.label.startsWith('Assurance MAIF'))).toBe(true);
    for (const e of entries) {
      if (e.direction === 'transfer') expect([e.category, e.toCashAccount?.documentId !== e.cashAccount.documentId]).toEqual([null, true]);
      else expect(e.category.kind).toBe(e.direction);
      if (e.direction !== 'transfer' && Number(e.amount) >= 150) expect(e.voucher?.mime).toBe('application/pdf');
    }
    // the current year opens with what the previous one closed with, account by account
    const previousEnd = DateTime.fromISO(fyStart).minus({ days: 1 }).toISODate();
    const res = await app.admin('get', `/back-office/books/balances?date=${previousEnd}`);
    expect(res.status).toBe(200);
    const accounts = await docs('api::cash-account.cash-account', { populate: ['openingBalances'] });
    expect(accounts.map((a) => a.name).sort()).toEqual(['Caisse', 'Compte courant', 'Livret A', 'Solde HelloAsso']);
    for (const a of accounts) {
      const opening = a.openingBalances.find((b) => b.fiscalYear === Number(fyStart.slice(0, 4)));
      expect(Math.round(Number(opening.amount) * 100)).toBe(res.body.data.accounts.find((b) => b.documentId === a.documentId).balance);
    }
  });

  it('publishes articles with generated covers in several formats', async () => {
    const published = await docs('api::article.article', { status: 'published', populate: ['cover', 'gallery'] });
    expect(published.length).toBeGreaterThanOrEqual(5);
    for (const a of published) {
      expect(a.slug).toBeTruthy();
      expect(a.cover.mime).toBe('image/png');
      expect(a.cover.width).toBe(1200);
      expect(Object.keys(a.cover.formats ?? {})).toEqual(expect.arrayContaining(['thumbnail', 'small']));
    }
    expect(published.some((a) => a.gallery?.length)).toBe(true);
    const res = await app.http().get(published[0].cover.formats.thumbnail.url);
    expect(res.status).toBe(200);
  });

  it('refuses a second run on a database that has data, and changes nothing', async () => {
    const before = await countContent(app.strapi);
    const out: string[] = [];
    expect(await runSeedCli(app.strapi, [], (l) => out.push(l))).toBe(1);
    expect(out.join('\n')).toMatch(/contient déjà des données.*--reset/s);
    expect(await countContent(app.strapi)).toEqual(before);
  });

  /** Every file of the media library (originals and formats), as rows and on disk. */
  const filesOnDisk = async () => {
    const rows = await app.strapi.db.query('plugin::upload.file').findMany({ orderBy: { id: 'asc' } });
    const urls = rows.flatMap((f: UploadedFile) => [f.url, ...Object.values(f.formats ?? {}).map((v) => v.url)]);
    return { rows: rows.length, urls, present: urls.filter((u: string) => fs.existsSync(path.join(process.env.PUBLIC_DIR!, u))).length };
  };
  const withNodeEnv = async (value: string, run: () => Promise<void>) => {
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = value;
    try {
      await run();
    } finally {
      process.env.NODE_ENV = env;
    }
  };

  it('in production, refuses --reset and any seeding of a database that has data, and changes nothing', async () => {
    const before = await countContent(app.strapi);
    const files = await filesOnDisk();
    expect(files.rows).toBeGreaterThan(0);
    expect(files.present).toBe(files.urls.length);
    await withNodeEnv('production', async () => {
      const reset: string[] = [];
      expect(await runSeedCli(app.strapi, ['--reset', '--members', '5'], (l) => reset.push(l))).toBe(1);
      expect(reset.join('\n')).toMatch(/^Refusé : NODE_ENV=production\. L’effacement \(--reset\) .* Rien n’a été modifié\.$/);
      const more: string[] = [];
      expect(await runSeedCli(app.strapi, [], (l) => more.push(l))).toBe(1);
      expect(more.join('\n')).toMatch(/^Refusé : NODE_ENV=production et la base contient déjà des données/);
      await expect(seedDemo(app.strapi, { members: 5, reset: true })).rejects.toThrow(/NODE_ENV=production/);
      await expect(clearContent(app.strapi)).rejects.toThrow(/NODE_ENV=production/);
    });
    expect(await countContent(app.strapi)).toEqual(before);
    expect(await filesOnDisk()).toEqual(files);
  });

  it('a reset that fails in its database transaction keeps all the data and every file', async () => {
    const before = await countContent(app.strapi);
    const files = await filesOnDisk();
    const members = app.strapi.getModel('api::member.member').collectionName;
    const knex = app.strapi.db.connection;
    // a real failure of the database in the middle of the deletions: members cannot be deleted
    if (DB_CLIENT === 'postgres') {
      await knex.raw(
        `CREATE FUNCTION asso_test_refuse_delete() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'suppression refusée (test)'; END $$ LANGUAGE plpgsql`
      );
      await knex.raw(
        `CREATE TRIGGER asso_test_refuse_delete BEFORE DELETE ON "${members}" FOR EACH ROW EXECUTE FUNCTION asso_test_refuse_delete()`
      );
    } else {
      await knex.raw(
        `CREATE TRIGGER asso_test_refuse_delete BEFORE DELETE ON "${members}" BEGIN SELECT RAISE(ABORT, 'suppression refusée (test)'); END`
      );
    }
    try {
      // the error comes from better-sqlite3's native module, whose Error class belongs to the first test file
      // that loaded it: compare messages, not classes (`rejects.toThrow` says "did not throw" otherwise)
      const failure = await seedDemo(app.strapi, { members: 12, reset: true }).then(
        () => null,
        (e) => e
      );
      expect(String(failure?.message ?? failure)).toMatch(/suppression refusée \(test\)/);
    } finally {
      await knex.raw(`DROP TRIGGER asso_test_refuse_delete${DB_CLIENT === 'postgres' ? ` ON "${members}"` : ''}`);
      if (DB_CLIENT === 'postgres') await knex.raw('DROP FUNCTION asso_test_refuse_delete()');
    }
    expect(await countContent(app.strapi)).toEqual(before);
    expect(await filesOnDisk()).toEqual(files);
    // the documents still open their PDF, the articles their cover
    const documents = await docs('api::document.document', { populate: ['file'] });
    expect(documents.every((d) => d.file && fs.existsSync(path.join(process.env.PUBLIC_DIR!, d.file.url)))).toBe(true);
  });

  it('starts again from scratch with --reset, keeping the admin accounts', async () => {
    const admins = await app.strapi.db.query('admin::user').count();
    const { counts } = await seedDemo(app.strapi, { members: 12, reset: true });
    expect(counts['api::member.member']).toBe(12);
    expect(counts['api::mission.mission']).toBe(demoSizes(12).missions);
    expect(await app.strapi.db.query('admin::user').count()).toBe(admins);
    const numbers = (await docs('api::member.member', { sort: 'memberNumber:asc' })).map((m) => m.memberNumber);
    expect(numbers[0]).toBe(1);
    const files = await filesOnDisk();
    // about 45 files (covers, documents, the books' vouchers): twice as many if the old ones had stayed
    expect(files.rows).toBeLessThan(70);
    // the old files went with the old data; the new ones are all there
    expect(files.present).toBe(files.urls.length);
    expect(fs.readdirSync(path.join(process.env.PUBLIC_DIR!, 'uploads')).length).toBe(files.urls.length);
  });

  it('rejects a wrong option with a French message', async () => {
    const out: string[] = [];
    expect(await runSeedCli(app.strapi, ['--members', 'beaucoup'], (l) => out.push(l))).toBe(1);
    expect(out[0]).toMatch(/--members : un nombre entier/);
  });

  it('creates the demo accounts for the roles that exist, once, and never in production', async () => {
    const results = await createDemoAccounts(app.strapi);
    expect(results[0]).toMatchObject({ role: 'strapi-super-admin', outcome: 'created' });
    for (const account of results) {
      const role = await app.strapi.db.query('admin::role').findOne({ where: { code: account.role } });
      expect(account.outcome).toBe(role ? 'created' : 'role_missing');
      if (role) await loginAdmin(app.strapi.server.httpServer, account.email, account.password);
    }
    expect((await createDemoAccounts(app.strapi)).filter((a) => a.outcome === 'created')).toEqual([]);

    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(createDemoAccounts(app.strapi)).rejects.toThrow(/jamais créés en production/);
    } finally {
      process.env.NODE_ENV = env;
    }
  });
});
