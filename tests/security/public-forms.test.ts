import type { Response } from 'supertest';
import { DateTime } from 'luxon';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { startSmtp, TestSmtp } from '../helpers/smtp';
import type { Doc, Json, Saved } from '../helpers/types';

/**
 * The public forms reveal nothing about who is registered or subscribed: the mission
 * pre-registration and the newsletter subscription give the same answer (status, headers, body)
 * and do the same database work whoever the address belongs to; the person learns the outcome by
 * e-mail. A newsletter confirmation link works once, and never brings an unsubscribed address back.
 * Runs on SQLite and PostgreSQL.
 */
describe(`public forms reveal nothing about who is registered or subscribed (${DB_CLIENT})`, () => {
  let app: TestApp;
  let smtp: TestSmtp;
  const MISSION = 'api::mission.mission';
  const PARTICIPATION = 'api::participation.participation';
  const MEMBER = 'api::member.member';
  const SUBSCRIBER = 'api::subscriber.subscriber';
  const docs = (uid: string) => app.strapi.documents(uid);
  const inDays = (days: number, hour = 10) =>
    DateTime.now().setZone('Europe/Paris').plus({ days }).set({ hour, minute: 0, second: 0, millisecond: 0 });

  let ipCounter = 0;
  const visitorIp = () => `198.51.100.${++ipCounter}`;

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startStrapi({
      env: { ...smtp.env, IS_PROXIED: 'true', PUBLIC_URL: 'https://gestion.asso.test', SUBSCRIBE_RATE_PER_MINUTE: '1000' },
    });
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });

  /** What a visitor can observe of an answer: status, headers (but the date, which changes every second) and body. */
  const observed = (res: Response) => {
    const { date: _date, ...headers } = res.headers;
    return { status: res.status, headers, body: res.text };
  };

  /**
   * The SQL statements run from the request until `settled` (the work done after the answer is over):
   * the database work done for a request. Only statements run for a request count: Strapi's own
   * background work (the upload plugin's weekly metrics, run 15 s after start-up) is not the form's.
   */
  const work = async <T>(run: () => PromiseLike<T>, settled: (statements: string[]) => Promise<unknown>) => {
    const statements: string[] = [];
    const listener = (q: Json) => {
      if (app.strapi.requestContext.get()) statements.push(String(q.sql));
    };
    app.strapi.db.connection.client.on('query', listener);
    try {
      const res = await run();
      await settled(statements);
      await new Promise((r) => setTimeout(r, 100));
      return { res, statements };
    } finally {
      app.strapi.db.connection.client.removeListener('query', listener);
    }
  };

  /** A statement without its values. */
  const shapeOf = (sql: string) =>
    sql
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/\$\d+/g, '?')
      .replace(/\b(in|values) \([^)]*\)/gi, '$1 (…)');
  const until = async (what: string, check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
    if (!check()) throw new Error(`attendu en vain : ${what}`);
  };

  describe('mission pre-registration', () => {
    const register = (missionId: string, body: Json) =>
      app.http().post(`/api/missions/${missionId}/registrations`).set('X-Forwarded-For', visitorIp()).send(body);
    const form = (email: string, firstName = 'Visiteur', extra: Json = {}) => ({
      firstName,
      lastName: 'Curieux',
      email,
      consent: true,
      ...extra,
    });
    /** Sends the form and waits for the mail that follows (the registration is recorded after the answer). */
    const registered = async (missionId: string, body: { email: string } & Json) => {
      const address = body.email.trim().toLowerCase();
      const before = smtp.to(address).length;
      expect((await register(missionId, body)).status).toBe(202);
      await smtp.waitFor(address, before + 1);
    };
    const rowsOf = async (missionDocumentId: string) =>
      (
        await app.strapi.db.query(PARTICIPATION).findMany({
          where: { mission: { documentId: missionDocumentId } },
          populate: { member: { select: ['id', 'email'] } },
          orderBy: { id: 'asc' },
        })
      ).map((p: Doc<'api::participation.participation'>) => [
        p.documentId,
        p.email ?? p.member?.email,
        p.status,
        p.firstName ?? null,
        p.phone ?? null,
        String(p.updatedAt),
      ]);

    let full: Saved;
    let approval: Saved;

    beforeAll(async () => {
      // A full mission: a member put on it by the bureau, a visitor confirmed, a visitor waiting.
      full = await docs(MISSION).create({
        data: {
          title: 'Collecte solidaire',
          startAt: inDays(15).toISO(),
          endAt: inDays(15, 12).toISO(),
          isPublic: true,
          publicRegistration: true,
          capacity: 2,
        },
      });
      const member = await docs(MEMBER).create({ data: { firstName: 'Mireille', lastName: 'Adhérente', email: 'mireille@asso.test' } });
      await docs(PARTICIPATION).create({ data: { mission: full.documentId, member: member.documentId, status: 'confirmed' } });
      await registered(full.documentId, form('alice@exemple.fr', 'Alice'));
      await registered(full.documentId, form('carole@exemple.fr', 'Carole'));
      // A mission whose registrations are approved by the team: one request pending.
      approval = await docs(MISSION).create({
        data: {
          title: 'Visite du jardin',
          startAt: inDays(16).toISO(),
          isPublic: true,
          publicRegistration: true,
          registrationRequiresApproval: true,
        },
      });
      await registered(approval.documentId, form('paul@exemple.fr', 'Paul'));
      const statuses = (await rowsOf(full.documentId)).map((r: Json) => [r[1], r[2]]);
      expect(statuses).toEqual([
        ['mireille@asso.test', 'confirmed'],
        ['alice@exemple.fr', 'confirmed'],
        ['carole@exemple.fr', 'waitlisted'],
      ]);
      expect((await rowsOf(approval.documentId)).map((r: Json) => [r[1], r[2]])).toEqual([['paul@exemple.fr', 'pending']]);
    });

    it('gives the same status, headers and body for a new address and for every address already registered, and changes nothing for the latter', async () => {
      const before = { full: await rowsOf(full.documentId), approval: await rowsOf(approval.documentId) };
      smtp.clear();
      const answers = {
        newOnFull: await register(full.documentId, form('nouveau@exemple.fr')),
        confirmed: await register(full.documentId, form('alice@exemple.fr')),
        waitlisted: await register(full.documentId, form('carole@exemple.fr')),
        memberByBureau: await register(full.documentId, form('mireille@asso.test')),
        caseAndSpaces: await register(full.documentId, form('  ALICE@Exemple.FR ')),
        memberVariant: await register(full.documentId, form('Mireille@ASSO.test ', 'Mireille', { phone: '06 00 00 00 00' })),
        newOnApproval: await register(approval.documentId, form('nouvelle@exemple.fr')),
        pending: await register(approval.documentId, form('paul@exemple.fr')),
        pendingVariant: await register(approval.documentId, form('PAUL@exemple.fr\t')),
      };
      const reference = observed(answers.newOnFull);
      expect(reference.status).toBe(202);
      expect(JSON.parse(reference.body)).toEqual({ data: { status: 'received', message: expect.stringMatching(/^Merci ! /) } });
      for (const [name, res] of Object.entries(answers)) expect({ name, ...observed(res) }).toEqual({ name, ...reference });

      // one mail each, whatever the case (sent once the registration is recorded, after the answer)
      await smtp.waitFor(null, Object.keys(answers).length);
      // only the two new addresses were recorded; the registered ones are untouched (not even their update time)
      const after = { full: await rowsOf(full.documentId), approval: await rowsOf(approval.documentId) };
      expect(after.full.slice(0, 3)).toEqual(before.full);
      expect(after.full.slice(3).map((r: Json) => [r[1], r[2]])).toEqual([['nouveau@exemple.fr', 'waitlisted']]);
      expect(after.approval.slice(0, 1)).toEqual(before.approval);
      expect(after.approval.slice(1).map((r: Json) => [r[1], r[2]])).toEqual([['nouvelle@exemple.fr', 'pending']]);
    });

    it('tells each person by e-mail, in French, with where their registration stands', async () => {
      smtp.clear();
      for (const [email, mission] of [
        ['nouveau2@exemple.fr', full],
        ['alice@exemple.fr', full],
        ['carole@exemple.fr', full],
        [' MIREILLE@asso.test', full],
        ['nouvelle2@exemple.fr', approval],
        ['paul@exemple.fr', approval],
      ] as Array<[string, Saved]>) {
        expect((await register(mission.documentId, form(email, 'Usurpateur'))).status).toBe(202);
      }
      await smtp.waitFor(null, 6);
      const only = (address: string) => {
        const mails = smtp.to(address);
        expect(mails).toHaveLength(1);
        return mails[0];
      };
      expect(only('nouveau2@exemple.fr').subject).toBe('Inscription en liste d’attente : Collecte solidaire');
      expect(only('nouvelle2@exemple.fr').subject).toBe('Demande d’inscription reçue : Visite du jardin');
      const told = {
        alice: only('alice@exemple.fr'),
        carole: only('carole@exemple.fr'),
        mireille: only('mireille@asso.test'),
        paul: only('paul@exemple.fr'),
      };
      expect(told.alice.subject).toBe('Vous êtes déjà inscrit·e : Collecte solidaire');
      expect(told.alice.text).toMatch(
        /^Bonjour Alice,[\s\S]*Vous êtes déjà inscrit·e à cette mission, rien n’a été modifié[\s\S]*« Collecte solidaire »[\s\S]*Statut : inscription confirmée\./
      );
      expect(told.carole.subject).toBe('Vous êtes déjà inscrit·e : Collecte solidaire');
      expect(told.carole.text).toMatch(/^Bonjour Carole,[\s\S]*Statut : liste d’attente\./);
      // the member put on the mission by the bureau: greeted by the name of their record
      expect(told.mireille.subject).toBe('Vous êtes déjà inscrit·e : Collecte solidaire');
      expect(told.mireille.text).toMatch(/^Bonjour Mireille,[\s\S]*Statut : inscription confirmée\./);
      expect(told.paul.subject).toBe('Vous êtes déjà inscrit·e : Visite du jardin');
      expect(told.paul.text).toMatch(/^Bonjour Paul,[\s\S]*Statut : demande reçue, en attente de validation/);
      // the name typed in the new form is never printed to the registered person
      for (const mail of Object.values(told)) expect(mail.text).not.toContain('Usurpateur');
    });

    it('does the same database work for a new address and for one already registered, a member put on the mission by the bureau included', async () => {
      // The statements (without their values) from the request to the end of the registration's
      // transaction; after it, Strapi's entry.create event (on commit) and the mail.
      const transaction = (statements: string[]) => {
        const shapes = statements.map(shapeOf);
        // from the request's first statement (the mission), not the tail of an earlier write
        const start = shapes.findIndex((sql) => /^select .* from \S*missions\S* as \S*t0\S* where .*document_id.*is_public/.test(sql));
        const end = shapes.findIndex((sql, i) => i > start && /^(commit|rollback)\b/i.test(sql));
        expect(start).toBeGreaterThanOrEqual(0);
        expect(end).toBeGreaterThan(start + 5);
        return { shapes: shapes.slice(start, end), outcome: shapes[end].replace(/;$/, '').toLowerCase() };
      };
      const probe = async (email: string) => {
        const before = smtp.to(email).length;
        const { res, statements } = await work(
          () => register(full.documentId, form(email)),
          () => smtp.waitFor(email, before + 1)
        );
        expect(res.status).toBe(202);
        return transaction(statements);
      };
      // a visitor: first time, then again
      const fresh = await probe('tout-neuf@exemple.fr');
      const again = await probe('tout-neuf@exemple.fr');
      expect(fresh.outcome).toBe('commit');
      expect(again.outcome).toBe('rollback');
      expect(again.shapes).toEqual(fresh.shapes);
      // a member: first time (linked to their record), then again
      await docs(MEMBER).create({ data: { firstName: 'Gaston', lastName: 'Adhérent', email: 'gaston@asso.test' } });
      const memberFresh = await probe('gaston@asso.test');
      const memberAgain = await probe('gaston@asso.test');
      expect([memberFresh.outcome, memberAgain.outcome]).toEqual(['commit', 'rollback']);
      expect(memberAgain.shapes).toEqual(memberFresh.shapes);
      // a member the bureau put on the mission, against a member who is not on it
      const onIt = await docs(MEMBER).create({ data: { firstName: 'Hélène', lastName: 'Adhérente', email: 'helene@asso.test' } });
      await docs(PARTICIPATION).create({ data: { mission: full.documentId, member: onIt.documentId } });
      await docs(MEMBER).create({ data: { firstName: 'Igor', lastName: 'Adhérent', email: 'igor@asso.test' } });
      const byBureau = await probe('helene@asso.test');
      const notOnIt = await probe('igor@asso.test');
      expect([notOnIt.outcome, byBureau.outcome]).toEqual(['commit', 'rollback']);
      expect(byBureau.shapes).toEqual(notOnIt.shapes);
      // and nothing of the rehearsals was kept: one registration each
      const rows = await rowsOf(full.documentId);
      for (const email of ['tout-neuf@exemple.fr', 'gaston@asso.test', 'helene@asso.test', 'igor@asso.test']) {
        expect(rows.filter((r: Json) => r[1] === email)).toHaveLength(1);
      }
    });
  });

  describe('newsletter subscription', () => {
    const subscribe = (email: string, firstName?: string) =>
      app
        .http()
        .post('/api/subscribers')
        .set('X-Forwarded-For', visitorIp())
        .send({ email, ...(firstName ? { firstName } : {}) });
    const row = (email: string) => app.strapi.db.query(SUBSCRIBER).findOne({ where: { email } });
    const pathOf = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
    /** The confirmation link of the latest mail received by `email`. */
    const latestLink = (email: string) =>
      pathOf(/(https?:\/\/\S+\/api\/subscribers\/confirm\?token=\S+)/.exec(smtp.to(email).at(-1)!.text as string)![1]);
    /** Asks to subscribe and returns the link of the confirmation mail that follows. */
    const requestLink = async (email: string, firstName?: string) => {
      const before = smtp.to(email).length;
      expect((await subscribe(email, firstName)).status).toBe(202);
      await smtp.waitFor(email, before + 1);
      return latestLink(email);
    };
    const click = (link: string) => app.http().get(link);
    const CONFIRMED = 'Inscription confirmée';
    const USED = 'Lien déjà utilisé';
    /** An unsubscribe link, as every newsletter carries (HMAC of the test APP_KEYS' first key). */
    const unsubscribeLink = (email: string) => {
      const payload = `unsubscribe|${email}`;

      const sig = require('crypto').createHmac('sha256', 'testKeyA').update(payload).digest('base64url');
      return `/api/subscribers/unsubscribe?token=${encodeURIComponent(`${Buffer.from(payload).toString('base64url')}.${sig}`)}`;
    };
    const unsubscribe = async (email: string) =>
      expect((await app.http().post(unsubscribeLink(email)).type('form').send('List-Unsubscribe=One-Click')).status).toBe(200);

    beforeAll(async () => {
      await requestLink('attente@exemple.fr', 'Anne');
      expect((await click(await requestLink('abonne@exemple.fr', 'Bruno'))).text).toContain(CONFIRMED);
      expect((await click(await requestLink('parti@exemple.fr', 'Chloé'))).text).toContain(CONFIRMED);
      await unsubscribe('parti@exemple.fr');
      await docs(MEMBER).create({ data: { firstName: 'Denis', lastName: 'Adhérent', email: 'denis@asso.test', newsletterOptIn: true } });
      expect((await row('attente@exemple.fr')).status).toBe('pending');
      expect((await row('abonne@exemple.fr')).status).toBe('confirmed');
      expect((await row('parti@exemple.fr')).status).toBe('unsubscribed');
    });

    it('gives the same status, headers and body, and does the same database work, for unknown, pending, confirmed and unsubscribed addresses', async () => {
      // The statements (without values) from the request to the end of the subscription's transaction:
      // one read and one write of the subscribers' table (an insert for a new address, an update
      // otherwise: the same one statement).
      const probe = async (email: string) => {
        const { res, statements } = await work(
          () => subscribe(email, 'Zorro'),
          (sql) => until('la fin de l’enregistrement', () => sql.some((q) => /^\s*commit\b/i.test(q)))
        );
        const shapes = statements.map(shapeOf);
        const start = shapes.findIndex((sql) => /^begin\b/i.test(sql));
        const end = shapes.findIndex((sql, i) => i > start && /^commit\b/i.test(sql));
        expect([start >= 0, end > start]).toEqual([true, true]);
        const statementsOf = shapes
          .slice(start, end + 1)
          .map((sql) => (/^(insert into|update) \S*subscribers\S* /i.test(sql) ? 'one write of subscribers' : sql));
        return { answer: observed(res), work: statementsOf };
      };
      smtp.clear();
      const results: Array<[string, { answer: ReturnType<typeof observed>; work: string[] }]> = [];
      for (const [name, email] of [
        ['unknown', 'inconnu@exemple.fr'],
        ['pending', 'attente@exemple.fr'],
        ['confirmed', 'abonne@exemple.fr'],
        ['unsubscribed', 'parti@exemple.fr'],
        ['a member’s address', 'denis@asso.test'],
        ['confirmed, other case and spaces', '  ABONNE@Exemple.fr '],
        ['another unknown', 'autre-adresse@exemple.fr'],
      ]) {
        results.push([name, await probe(email)]);
      }
      const [, reference] = results[0];
      expect(reference.answer.status).toBe(202);
      expect(reference.work).toHaveLength(4); // begin, read, write, commit
      expect(reference.work.filter((sql) => sql === 'one write of subscribers')).toHaveLength(1);
      for (const [name, result] of results) expect({ name, ...result }).toEqual({ name, ...reference });

      // the person is told by e-mail: a confirmation link, except the confirmed address (nothing to do)
      await smtp.waitFor(null, 5);
      await new Promise((r) => setTimeout(r, 300));
      expect(smtp.to('abonne@exemple.fr')).toHaveLength(0);
      for (const email of ['inconnu@exemple.fr', 'attente@exemple.fr', 'parti@exemple.fr', 'denis@asso.test', 'autre-adresse@exemple.fr']) {
        expect(smtp.to(email).map((m) => m.subject)).toEqual([expect.stringMatching(/^Confirmez votre inscription/)]);
      }
      // an anonymous form does not rename a confirmed subscriber, nor bring an unsubscribed one back
      expect(await row('abonne@exemple.fr')).toMatchObject({ status: 'confirmed', firstName: 'Bruno' });
      expect(await row('parti@exemple.fr')).toMatchObject({ status: 'unsubscribed' });
      expect(await row('inconnu@exemple.fr')).toMatchObject({ status: 'pending', firstName: 'Zorro' });
    });

    it('a confirmation link works once; the second use shows a neutral page and changes nothing', async () => {
      const link = await requestLink('une-fois@exemple.fr', 'Élise');
      const first = await click(link);
      expect([first.status, first.text.includes(CONFIRMED)]).toEqual([200, true]);
      const confirmed = await row('une-fois@exemple.fr');
      expect(confirmed).toMatchObject({ status: 'confirmed', firstName: 'Élise' });
      const second = await click(link);
      expect(second.status).toBe(200);
      expect(second.text).toContain(USED);
      expect(second.text).not.toContain(CONFIRMED);
      expect(second.headers['content-type']).toMatch(/^text\/html/);
      expect(await row('une-fois@exemple.fr')).toEqual(confirmed); // not even its update time
      // a forged or altered link is still « invalid »
      expect((await click(link.replace(/.{4}$/, 'AAAA'))).status).toBe(400);
    });

    it('two clicks on the same link at the same moment confirm once', async () => {
      const link = await requestLink('double-clic@exemple.fr');
      const pages = await Promise.all([click(link), click(link), click(link)]);
      expect(pages.map((p) => p.status)).toEqual([200, 200, 200]);
      expect(pages.filter((p) => p.text.includes(CONFIRMED))).toHaveLength(1);
      expect(pages.filter((p) => p.text.includes(USED))).toHaveLength(2);
    });

    it('only the latest link sent works: a new request replaces the previous one', async () => {
      const older = await requestLink('deux-demandes@exemple.fr');
      const newer = await requestLink('deux-demandes@exemple.fr');
      expect(newer).not.toBe(older);
      expect((await click(older)).text).toContain(USED);
      expect((await row('deux-demandes@exemple.fr')).status).toBe('pending');
      expect((await click(newer)).text).toContain(CONFIRMED);
    });

    it('an old confirmation link used after unsubscribing does nothing', async () => {
      // used, then unsubscribed: the link does not bring the address back
      const used = await requestLink('ancien@exemple.fr');
      expect((await click(used)).text).toContain(CONFIRMED);
      await unsubscribe('ancien@exemple.fr');
      const gone = await row('ancien@exemple.fr');
      expect(gone.status).toBe('unsubscribed');
      expect((await click(used)).text).toContain(USED);
      expect(await row('ancien@exemple.fr')).toEqual(gone);

      // never used, then unsubscribed (a member's address in a newsletter to the members)
      const unused = await requestLink('jamais-clique@exemple.fr');
      await unsubscribe('jamais-clique@exemple.fr');
      expect((await click(unused)).text).toContain(USED);
      expect((await row('jamais-clique@exemple.fr')).status).toBe('unsubscribed');

      // never used, and the bureau marks the address unsubscribed in the admin (asked by phone)
      const pending = await requestLink('par-telephone@exemple.fr');
      const { documentId } = await row('par-telephone@exemple.fr');
      const put = await app.admin('put', `/content-manager/collection-types/${SUBSCRIBER}/${documentId}`).send({ status: 'unsubscribed' });
      expect(put.status).toBe(200);
      expect((await row('par-telephone@exemple.fr')).status).toBe('unsubscribed');
      expect((await click(pending)).text).toContain(USED);
      expect((await row('par-telephone@exemple.fr')).status).toBe('unsubscribed');
    });

    it('re-subscribing after unsubscribing needs a new confirmation mail and its new link', async () => {
      const first = await requestLink('retour@exemple.fr', 'Rémi');
      expect((await click(first)).text).toContain(CONFIRMED);
      await unsubscribe('retour@exemple.fr');
      smtp.clear();
      const again = await subscribe('retour@exemple.fr', 'Rémi');
      expect(again.status).toBe(202);
      const [mail] = await smtp.waitFor('retour@exemple.fr');
      expect(mail.subject).toMatch(/^Confirmez votre inscription/);
      // still out of every send until the person clicks the new link
      expect((await row('retour@exemple.fr')).status).toBe('unsubscribed');
      const fresh = latestLink('retour@exemple.fr');
      expect(fresh).not.toBe(first);
      expect((await click(first)).text).toContain(USED);
      expect((await row('retour@exemple.fr')).status).toBe('unsubscribed');
      expect((await click(fresh)).text).toContain(CONFIRMED);
      expect(await row('retour@exemple.fr')).toMatchObject({ status: 'confirmed', unsubscribedAt: null });
      expect((await click(fresh)).text).toContain(USED);
    });

    it('the nonce alone makes no link: a confirmation token must be signed with the APP_KEYS', async () => {
      // the bureau can read the subscriber's row (nonce included), it cannot sign a link with it
      await requestLink('signature@exemple.fr');
      const { confirmationNonce: nonce } = await row('signature@exemple.fr');
      expect(nonce).toEqual(expect.any(String));
      const payload = `confirm|signature@exemple.fr|${Date.now()}|${nonce}`;

      const sig = (key: string) => require('crypto').createHmac('sha256', key).update(payload).digest('base64url');
      const token = (key: string) => `${Buffer.from(payload).toString('base64url')}.${sig(key)}`;
      const forged = await click(`/api/subscribers/confirm?token=${encodeURIComponent(token('une-autre-cle'))}`);
      expect(forged.status).toBe(400);
      expect((await row('signature@exemple.fr')).status).toBe('pending');
      // the same token signed with the application's key works (the test's APP_KEYS), once
      expect((await click(`/api/subscribers/confirm?token=${encodeURIComponent(token('testKeyA'))}`)).text).toContain(CONFIRMED);
      // and a token of the earlier format (no nonce) is refused
      const old = `confirm|signature@exemple.fr|${Date.now()}`;
      const oldToken = `${Buffer.from(old).toString('base64url')}.${require('crypto').createHmac('sha256', 'testKeyA').update(old).digest('base64url')}`;
      expect((await click(`/api/subscribers/confirm?token=${encodeURIComponent(oldToken)}`)).status).toBe(400);
    });
  });
});
