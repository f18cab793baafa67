import { DateTime } from 'luxon';
import { startStrapi, TestApp, cm, DB_CLIENT } from '../helpers/strapi';
import { BUREAU_ROLES, loginAs, RoleCode } from '../helpers/roles';
import { startSmtp, TestSmtp } from '../helpers/smtp';
import { duesStatus } from '../../src/back-office/dues/status';
import { adminWithRights } from '../exports/helpers';
import type { RemindersReport } from '../../src/back-office/dues/reminders';
import type { Json, Saved } from '../helpers/types';

/**
 * Dues end to end, on a booted Strapi with a real SMTP server: the dues list, the reminders
 * (who gets which on which day, once, catch-up, renewal, retry after an SMTP failure), the weekly
 * digest and the RBAC of the endpoints. Runs on SQLite and PostgreSQL.
 */
describe(`dues and reminders (${DB_CLIENT})`, () => {
  let app: TestApp;
  let smtp: TestSmtp;
  const MEMBER = 'api::member.member';
  const CONTRIBUTION = 'api::contribution.contribution';
  const LOG = 'api::dues-reminder.dues-reminder';
  const docs = (uid: string) => app.strapi.documents(uid);
  let yearly: Saved;
  /** the members of the reminders scenario, by first name */
  const m: Record<string, Saved> = {};

  /** A member whose dues are paid until `paidUntil` (null: never paid). */
  const member = async (firstName: string, lastName: string, email: string | null, paidUntil: string | null, amount = 20) => {
    const m = await docs(MEMBER).create({ data: { firstName, lastName, email } });
    if (paidUntil) await pay(m.documentId, paidUntil, amount);
    return m;
  };
  const pay = (memberId: string, paidUntil: string, amount = 20) => {
    const start = DateTime.fromISO(paidUntil).minus({ years: 1 }).plus({ days: 1 }).toISODate();
    return docs(CONTRIBUTION).create({
      data: {
        member: memberId,
        membershipType: yearly.documentId,
        amount,
        paidAt: start,
        periodStart: start,
        periodEnd: paidUntil,
        paymentMethod: 'cheque',
      },
    });
  };
  const run = (body: object, token?: string) => app.admin('post', '/back-office/dues/reminders/run', token).send(body);
  const offsetsSentTo = async (documentId: string) =>
    (await app.strapi.db.query(LOG).findMany({ where: { member: { documentId }, status: 'sent' }, orderBy: { id: 'asc' } })).map(
      (r: Json) => r.offsetDays
    );

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startStrapi({ env: smtp.env });
    await docs('api::association.association').create({ data: { name: 'Les Amis du Quartier' } });
    yearly = await docs('api::membership-type.membership-type').create({
      data: { name: 'Annuelle', amount: 25, durationMonths: 12, reminderDays: [30, 7, 0, -30] },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });

  describe('the dues list', () => {
    const today = DateTime.now().setZone('Europe/Paris').startOf('day');
    const day = (n: number) => today.plus({ days: n }).toISODate()!;
    const made: Record<string, Saved> = {};

    beforeAll(async () => {
      for (const [name, n] of Object.entries({ plus31: 31, plus30: 30, today: 0, minus1: -1, minus30: -30, minus31: -31 })) {
        made[name] = await member('Liste', name, `${name}@liste.test`, day(n));
      }
      made.never = await member('Liste', 'never', null, null);
    });

    it('gives each member the status of the one definition, sorted by duesPaidUntil, never-paid last', async () => {
      const res = await app.admin('get', '/back-office/dues');
      expect(res.status).toBe(200);
      const mine = res.body.data.filter((r: Json) => r.firstName === 'Liste');
      expect(mine.map((r: Json) => [r.lastName, r.status])).toEqual([
        ['minus31', 'expired'],
        ['minus30', 'grace'],
        ['minus1', 'grace'],
        ['today', 'expiring'],
        ['plus30', 'expiring'],
        ['plus31', 'up_to_date'],
        ['never', 'never_paid'],
      ]);
      for (const r of res.body.data) expect(r.status).toBe(duesStatus(r.duesPaidUntil));
      const row = mine.find((r: Json) => r.lastName === 'today');
      expect(row).toEqual({
        documentId: made.today.documentId,
        memberNumber: made.today.memberNumber,
        firstName: 'Liste',
        lastName: 'today',
        email: 'today@liste.test',
        duesPaidUntil: day(0),
        status: 'expiring',
        membershipType: 'Annuelle',
        lastAmount: 20,
      });
      expect(res.body.meta).toEqual({ total: res.body.data.length, hiddenFields: [] });
      const dates = res.body.data.map((r: Json) => r.duesPaidUntil).filter(Boolean);
      expect(dates).toEqual([...dates].sort());
    });

    it('filters by status and expiring window, and counts per status agree with the list', async () => {
      const expiring = await app.admin('get', '/back-office/dues?status=expiring');
      expect(expiring.body.data.filter((r: Json) => r.firstName === 'Liste').map((r: Json) => r.lastName)).toEqual(['today', 'plus30']);
      expect(expiring.body.data.every((r: Json) => r.status === 'expiring')).toBe(true);
      const wider = await app.admin('get', '/back-office/dues?status=expiring&within=31');
      expect(wider.body.data.filter((r: Json) => r.firstName === 'Liste').map((r: Json) => r.lastName)).toEqual([
        'today',
        'plus30',
        'plus31',
      ]);

      const all = (await app.admin('get', '/back-office/dues')).body.data;
      const summary = await app.admin('get', '/back-office/dues/summary');
      expect(summary.status).toBe(200);
      for (const [status, n] of Object.entries(summary.body.data.counts)) {
        expect(all.filter((r: Json) => r.status === status).length).toBe(n);
      }
      expect(summary.body.data.labels.expiring).toBe('À renouveler bientôt');
    });

    it('gives the first rows only with limit, with the whole count, and finds a member by name, number or e-mail', async () => {
      const all = (await app.admin('get', '/back-office/dues')).body.data;
      const first = await app.admin('get', '/back-office/dues?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.data).toEqual(all.slice(0, 2));
      expect(first.body.meta.total).toBe(all.length);

      const found = await app.admin('get', '/back-office/dues?search=MINUS3&limit=1');
      expect(found.body.data.map((r: Json) => r.lastName)).toEqual(['minus31']);
      expect(found.body.meta.total).toBe(2);
      const byMail = await app.admin('get', '/back-office/dues?search=plus30@liste');
      expect(byMail.body.data.map((r: Json) => r.lastName)).toEqual(['plus30']);
      const byNumber = await app.admin('get', `/back-office/dues?search=${encodeURIComponent(`n° ${made.today.memberNumber})`)}`);
      expect(byNumber.body.data.map((r: Json) => r.lastName)).toEqual(['today']);
      const expiring = await app.admin('get', '/back-office/dues?status=expiring&search=liste');
      expect(expiring.body.data.map((r: Json) => r.lastName)).toEqual(['today', 'plus30']);
      // « % » and « _ » are letters to find, not patterns
      expect((await app.admin('get', '/back-office/dues?search=%25')).body.data).toEqual([]);

      const wrong = await app.admin('get', '/back-office/dues?limit=0');
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.message).toContain('limit');
    });

    it('follows the association\u2019s grace period (Paramètres de l\u2019association)', async () => {
      const association = await docs('api::association.association').findFirst();
      const statusOf = async () =>
        Object.fromEntries(
          (await app.admin('get', '/back-office/dues')).body.data
            .filter((r: Json) => r.firstName === 'Liste')
            .map((r: Json) => [r.lastName, r.status])
        );
      try {
        await docs('api::association.association').update({ documentId: association.documentId, data: { duesGraceDays: 1 } });
        // the last day of a one-day grace is the day after expiry; the day after that, expired
        expect(await statusOf()).toMatchObject({ today: 'expiring', minus1: 'grace', minus30: 'expired' });
        const summary = (await app.admin('get', '/back-office/dues/summary')).body.data;
        expect(summary.graceDays).toBe(1);
        const grace = (await app.admin('get', '/back-office/dues?status=grace')).body.data.filter((r: Json) => r.firstName === 'Liste');
        expect(grace.map((r: Json) => r.lastName)).toEqual(['minus1']);
      } finally {
        await docs('api::association.association').update({ documentId: association.documentId, data: { duesGraceDays: 30 } });
      }
      expect(await statusOf()).toMatchObject({ minus1: 'grace', minus30: 'grace', minus31: 'expired' });
    });

    it('leaves out the e-mail, the amount and the type when the role may not read those fields (edited role)', async () => {
      const MEMBER_FIELDS = ['memberNumber', 'firstName', 'lastName', 'duesPaidUntil'];
      const withoutEmail = await adminWithRights(app, 'Cotisations sans e-mail', {
        actions: ['api::back-office.dues.read'],
        read: { [MEMBER]: MEMBER_FIELDS, [CONTRIBUTION]: true, 'api::membership-type.membership-type': true },
      });
      const res = await app.admin('get', '/back-office/dues', withoutEmail);
      expect(res.status).toBe(200);
      const row = res.body.data.find((r: Json) => r.firstName === 'Liste' && r.lastName === 'today');
      expect(row).toEqual({
        documentId: made.today.documentId,
        memberNumber: made.today.memberNumber,
        firstName: 'Liste',
        lastName: 'today',
        duesPaidUntil: day(0),
        status: 'expiring',
        membershipType: 'Annuelle',
        lastAmount: 20,
      });
      expect(res.body.data.every((r: Json) => !('email' in r))).toBe(true);
      expect(JSON.stringify(res.body)).not.toContain('@liste.test');
      expect(res.body.meta.hiddenFields).toEqual(['email']);

      // contributions readable without their amount, membership types not at all
      const withoutAmount = await adminWithRights(app, 'Cotisations sans montant', {
        actions: ['api::back-office.dues.read'],
        read: { [MEMBER]: [...MEMBER_FIELDS, 'email'], [CONTRIBUTION]: ['member', 'membershipType', 'paidAt', 'periodStart', 'periodEnd'] },
      });
      const res2 = await app.admin('get', '/back-office/dues', withoutAmount);
      expect(res2.status).toBe(200);
      const row2 = res2.body.data.find((r: Json) => r.firstName === 'Liste' && r.lastName === 'today');
      expect(row2).toMatchObject({ email: 'today@liste.test', status: 'expiring' });
      expect(row2).not.toHaveProperty('lastAmount');
      expect(row2).not.toHaveProperty('membershipType');
      expect(res2.body.meta.hiddenFields).toEqual(['lastAmount', 'membershipType']);
    });

    it('refuses an unknown status or window with a French message naming the parameter', async () => {
      const bad = await app.admin('get', '/back-office/dues?status=late');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^status : valeur « late » inconnue/);
      for (const within of ['-1', 'abc', '400']) {
        const res = await app.admin('get', `/back-office/dues?within=${within}`);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/^within : .* nombre de jours valide/);
      }
    });

    it('lets the content manager filter and sort members by duesPaidUntil', async () => {
      const res = await app.admin(
        'get',
        `${cm(MEMBER)}?sort=duesPaidUntil:DESC&filters[duesPaidUntil][$lte]=${day(0)}&filters[firstName][$eq]=Liste`
      );
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: Json) => r.lastName)).toEqual(['today', 'minus1', 'minus30', 'minus31']);
    });
  });

  describe('reminders', () => {
    // Reminders 30 and 7 days before the end of the period, on the day and 30 days after.
    beforeAll(async () => {
      m.alice = await member('Alice', 'Martin', 'alice@membres.test', '2030-03-31');
      m.chloe = await member('Chloé', 'Durand', 'chloe@membres.test', '2030-03-05');
      m.david = await member('David', 'Renou', 'david@membres.test', '2030-03-31');
      m.emma = await member('Emma', 'Sansmail', null, '2030-03-31');
      m.george = await member('George', 'Limite', 'george@membres.test', '2029-12-01'); // expired exactly 90 days on 2030-03-01
      m.fabien = await member('Fabien', 'Parti', 'fabien@membres.test', '2029-11-30'); // 91 days
    });
    const reminded = (report: Pick<RemindersReport, 'sent'>) => report.sent.map((r) => `${r.firstName}:${r.offsetDays}`).sort();

    it('a dry run says who would receive which reminder, and sends and records nothing', async () => {
      smtp.clear();
      const res = await run({ dryRun: true, today: '2030-03-01' });
      expect(res.status).toBe(200);
      expect(reminded(res.body.data)).toEqual(['Alice:30', 'Chloé:7', 'David:30', 'George:-30']);
      expect(res.body.data.withoutEmail.map((r: Json) => r.firstName)).toEqual(['Emma']);
      expect(res.body.data.counts).toEqual({ sent: 4, failed: 0, withoutEmail: 1 });
      expect(smtp.messages).toHaveLength(0);
      expect(await app.strapi.db.query(LOG).count()).toBe(0);
    });

    it('when the SMTP server fails, nothing is marked sent and the next run sends them, once', async () => {
      smtp.clear();
      smtp.setDown(true);
      const down = await run({ dryRun: false, today: '2030-03-01' });
      smtp.setDown(false);
      expect(down.status).toBe(200);
      expect(down.body.data.counts).toEqual({ sent: 0, failed: 4, withoutEmail: 1 });
      expect(smtp.messages).toHaveLength(0);
      expect(await offsetsSentTo(m.alice.documentId)).toEqual([]);

      smtp.failNext(1);
      const partly = await run({ dryRun: false, today: '2030-03-01' });
      expect(partly.body.data.counts).toEqual({ sent: 3, failed: 1, withoutEmail: 1 });
      const retried = await run({ dryRun: false, today: '2030-03-01' });
      expect(retried.body.data.counts).toEqual({ sent: 1, failed: 0, withoutEmail: 1 });
      expect(reminded(retried.body.data)).toEqual([reminded({ sent: partly.body.data.failed })[0]]);

      // everyone got exactly one mail, Emma and Fabien none
      for (const who of ['alice', 'chloe', 'david', 'george']) expect(smtp.to(`${who}@membres.test`)).toHaveLength(1);
      expect(smtp.to('fabien@membres.test')).toHaveLength(0);
      expect(smtp.messages).toHaveLength(4);

      const again = await run({ dryRun: false, today: '2030-03-01' });
      expect(again.body.data.counts.sent).toBe(0);
      expect(smtp.messages).toHaveLength(4);
    });

    it('sends the French default text with the member, the date and the amount', async () => {
      const [mail] = smtp.to('alice@membres.test');
      expect(mail.subject).toBe('Les Amis du Quartier : votre cotisation (échéance le 31/03/2030)');
      expect(mail.text).toMatch(/^Bonjour Alice,/);
      expect(mail.text).toContain('jusqu\u2019au 31/03/2030');
      expect(mail.text).toContain('le montant est de 25,00 €');
      expect(mail.from?.text).toContain('bureau@asso.test');
    });

    it('follows the calendar: nothing after renewal, catch-up sends only the latest, the edited template', async () => {
      await pay(m.david.documentId, '2031-03-31');
      await docs('api::association.association').update({
        documentId: (await docs('api::association.association').findFirst()).documentId,
        data: {
          reminderSubject: 'Rappel {{association}}',
          reminderTemplate: '{{firstName}} {{lastName}}, échéance {{duesPaidUntil}}, montant {{amount}}.',
        },
      });
      smtp.clear();
      // Chloé's « day of expiry » reminder fell due on 03-05 while nothing ran: sent on the next run
      expect(reminded((await run({ dryRun: false, today: '2030-03-23' })).body.data)).toEqual(['Chloé:0']);
      expect(reminded((await run({ dryRun: false, today: '2030-03-24' })).body.data)).toEqual(['Alice:7']);
      expect(smtp.to('alice@membres.test')[0].subject).toBe('Rappel Les Amis du Quartier');
      expect(smtp.to('alice@membres.test')[0].text?.trim()).toBe('Alice Martin, échéance 31/03/2030, montant 25,00 €.');
      expect(reminded((await run({ dryRun: false, today: '2030-03-31' })).body.data)).toEqual(['Alice:0']);
      // two days late for Alice, four weeks for Chloé
      expect(reminded((await run({ dryRun: false, today: '2030-05-02' })).body.data)).toEqual(['Alice:-30', 'Chloé:-30']);
      expect(reminded((await run({ dryRun: false, today: '2030-05-03' })).body.data)).toEqual([]);

      expect(await offsetsSentTo(m.alice.documentId)).toEqual([30, 7, 0, -30]);
      expect(await offsetsSentTo(m.chloe.documentId)).toEqual([7, 0, -30]);
      expect(await offsetsSentTo(m.david.documentId)).toEqual([30]);
      expect(smtp.to('david@membres.test')).toHaveLength(0);
      expect(await offsetsSentTo(m.fabien.documentId)).toEqual([]);
    });

    it('refuses a malformed day or dryRun, and sends nothing', async () => {
      smtp.clear();
      const before = await app.strapi.db.query(LOG).count();
      for (const [body, field] of [
        [{ today: '2030-02-30' }, 'today'],
        [{ today: '01/03/2030' }, 'today'],
        [{ dryRun: 'oui', today: '2030-06-01' }, 'dryRun'],
      ] as const) {
        const res = await run(body);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(new RegExp(`^${field} : `));
      }
      expect(await app.strapi.db.query(LOG).count()).toBe(before);
      expect(smtp.messages).toHaveLength(0);
    });
  });

  describe('weekly digest and access rights', () => {
    // the bureau's real roles, as created at boot (src/back-office/access/roles.ts)
    const token: Partial<Record<RoleCode, string>> = {};

    beforeAll(async () => {
      for (const role of [...BUREAU_ROLES, 'strapi-super-admin'] as RoleCode[]) token[role] = await loginAs(app, role);
      // a former treasurer whose account was deactivated: no digest
      const treasurers = await app.strapi.service('admin::role').findOne({ code: 'asso-treasurer' });
      await app.strapi.service('admin::user').create({
        email: 'ancienne-tresoriere@test.local',
        firstname: 'Ancienne',
        lastname: 'Trésorière',
        password: 'Bureau-Test-2026',
        roles: [treasurers.id],
        isActive: false,
      });
    });

    it('sends the treasurers who was reminded over the week and who must renew', async () => {
      smtp.clear();
      const res = await app.admin('post', '/back-office/dues/digest/run', token['asso-treasurer']).send({ today: '2030-03-27' });
      expect(res.status).toBe(200);
      // only the active admins of the treasurer role (not the super admin, not the other roles)
      expect(res.body.data.recipients).toEqual(['asso-treasurer@test.local']);
      expect(smtp.messages).toHaveLength(1);
      const [digest] = smtp.to('asso-treasurer@test.local');
      expect(digest.subject).toBe('Cotisations : le point de la semaine (27/03/2030)');
      const text = digest.text!;
      const reminders = text.slice(
        text.indexOf('Relances envoyées du 21/03/2030 au 27/03/2030 (2)'),
        text.indexOf('Cotisations à renouveler')
      );
      // the member as everywhere in the back-office: THE display-name rule, "Nom Prénom (n° 42)"
      expect(reminders).toContain(
        `Martin Alice (n° ${m.alice.memberNumber}) — échéance le 31/03/2030, relance 7 j avant l\u2019échéance, le 24/03/2030`
      );
      expect(reminders).toContain(`Durand Chloé (n° ${m.chloe.memberNumber})`);
      expect(reminders).not.toContain('David');
      const toRenew = text.slice(text.indexOf('Cotisations à renouveler'));
      expect(toRenew).toMatch(/Martin Alice \(n° \d+\) — à renouveler bientôt, payée jusqu’au 31\/03\/2030/);
      expect(toRenew).toMatch(/Durand Chloé \(n° \d+\) — en période de grâce, payée jusqu’au 05\/03\/2030/);
      expect(toRenew).toMatch(/Sansmail Emma .*pas d’e-mail : à contacter autrement/);
      expect(toRenew).not.toContain('David');
      expect(toRenew).not.toContain('George');
    });

    it('guards both endpoints: 401 anonymous; the list for treasurer, secretary and volunteer manager; the run for the treasurer', async () => {
      expect((await app.http().get('/back-office/dues')).status).toBe(401);
      expect((await app.http().get('/back-office/dues/summary')).status).toBe(401);
      expect((await app.http().post('/back-office/dues/reminders/run').send({ dryRun: true })).status).toBe(401);
      const canRead: RoleCode[] = ['strapi-super-admin', 'asso-treasurer', 'asso-secretary', 'asso-volunteer-manager'];
      const canRun: RoleCode[] = ['strapi-super-admin', 'asso-treasurer'];
      const got: Record<string, number[]> = {};
      const expected: Record<string, number[]> = {};
      for (const role of [...BUREAU_ROLES, 'strapi-super-admin'] as RoleCode[]) {
        smtp.clear();
        got[role] = [
          (await app.admin('get', '/back-office/dues', token[role])).status,
          (await app.admin('get', '/back-office/dues/summary', token[role])).status,
          (await run({ dryRun: true, today: '2030-03-01' }, token[role])).status,
          (await app.admin('post', '/back-office/dues/digest/run', token[role]).send({ today: '2030-03-27' })).status,
        ];
        const read = canRead.includes(role) ? 200 : 403;
        const remind = canRun.includes(role) ? 200 : 403;
        expected[role] = [read, read, remind, remind];
      }
      expect(got).toEqual(expected);
    });
  });

  describe('cost of the reminders job', () => {
    // the compiled job and query counter, as the server and the benchmark run them
    const dist = (file: string) => require(`${process.env.TEST_DIST_DIR}/src/back-office/dues/${file}`);
    /** SQL queries of the job itself (not the server's other work meanwhile). */
    const countQueries = (fn: () => Promise<unknown>) => dist('query-count').countQueries(app.strapi, fn);
    const job = (today: string, dryRun: boolean) => countQueries(() => dist('reminders').runReminders(app.strapi, { today, dryRun }));
    const many = async (prefix: string, n: number, paidUntil: string) => {
      for (let i = 0; i < n; i += 1) await member(prefix, `N${i}`, `${prefix.toLowerCase()}${i}@volume.test`, paidUntil);
    };

    it('uses the same number of SQL queries for 3 members to remind as for 45 (dry run and real run)', async () => {
      expect(dist('reminders').BATCH).toBeGreaterThanOrEqual(45);
      await many('Petit', 3, '2040-06-30');
      const smallDry = await job('2040-06-01', true);
      smtp.clear();
      const small = await job('2040-06-01', false);
      expect([smallDry.result.counts.sent, small.result.counts.sent, smtp.messages.length]).toEqual([3, 3, 3]);
      const membersBefore = await app.strapi.db.query(MEMBER).count();

      await many('Grand', 45, '2041-06-30');
      expect(await app.strapi.db.query(MEMBER).count()).toBe(membersBefore + 45);
      const bigDry = await job('2041-06-01', true);
      smtp.clear();
      const big = await job('2041-06-01', false);
      expect([bigDry.result.counts.sent, big.result.counts.sent, smtp.messages.length]).toEqual([45, 45, 45]);

      // planning is a fixed handful of set-based queries; sending adds a fixed few per group of reminders
      expect(bigDry.queries).toBe(smallDry.queries);
      expect(big.queries).toBe(small.queries);
      expect(smallDry.queries).toBe(4);

      // the SMTP server down: 45 failures recorded at once, then all 45 sent on the next run
      smtp.clear();
      smtp.setDown(true);
      const down = await job('2041-06-24', false);
      smtp.setDown(false);
      expect(down.result.counts).toEqual({ sent: 0, failed: 45, withoutEmail: 0 });
      expect(down.queries).toBe(small.queries);
      const retried = await job('2041-06-24', false);
      expect(retried.result.counts.sent).toBe(45);
      expect(retried.queries).toBe(small.queries);
      expect(smtp.messages).toHaveLength(45);
    });
  });
});
