import { DateTime } from 'luxon';
import * as ical from 'node-ical';
import { startStrapi, TestApp, cm, DB_CLIENT } from '../helpers/strapi';
import type { ParsedMail } from 'mailparser';
import { startSmtp, TestSmtp } from '../helpers/smtp';
import { loginAs } from '../helpers/roles';
import type { Doc, Json, Saved } from '../helpers/types';

/**
 * Capacity and waiting list under concurrency, public pre-registration, promotions and
 * their e-mails, the overlap warning, the member's history, the admin calendar and the iCal feeds.
 * Runs on SQLite and PostgreSQL.
 */
describe(`missions and events (${DB_CLIENT})`, () => {
  let app: TestApp;
  let smtp: TestSmtp;
  const MISSION = 'api::mission.mission';
  const PARTICIPATION = 'api::participation.participation';
  const MEMBER = 'api::member.member';
  const docs = (uid: string) => app.strapi.documents(uid);
  const inDays = (days: number, hour = 10) =>
    DateTime.now().setZone('Europe/Paris').plus({ days }).set({ hour, minute: 0, second: 0, millisecond: 0 });

  // every visitor comes from their own address (the server trusts X-Forwarded-For: IS_PROXIED=true)
  let ipCounter = 0;
  const visitorIp = () => `203.0.113.${++ipCounter}`;
  const register = (missionId: string, body: Json, ip = visitorIp()) =>
    app.http().post(`/api/missions/${missionId}/registrations`).set('X-Forwarded-For', ip).send(body);
  // a name is letters only (public forms refuse digits in names): c0_12 → Prénomca-bc
  const asName = (n: string | number) =>
    String(n)
      .replace(/\d/g, (d) => 'abcdefghij'[Number(d)])
      .replace(/_/g, '-');
  const person = (n: string | number, extra: Json = {}) => ({
    firstName: `Prénom${asName(n)}`,
    lastName: `Nom${asName(n)}`,
    email: `personne${n}@example.org`,
    consent: true,
    ...extra,
  });

  const mission = (data: Json = {}) =>
    docs(MISSION).create({
      data: {
        title: 'Mission',
        startAt: inDays(20).toISO(),
        endAt: inDays(20, 12).toISO(),
        isPublic: true,
        publicRegistration: true,
        ...data,
      },
    });
  // the one answer of the public form, whoever is registered: the outcome goes by e-mail
  const ANSWER = { data: { status: 'received', message: expect.stringMatching(/^Merci ! /) } };
  /**
   * Sends the form and waits for the e-mail that tells the outcome: the registration is recorded after
   * the answer (which is the same for everyone), then the mail leaves. Returns that mail.
   */
  const registered = async (missionId: string, body: Json) => {
    const address = String(body.email).trim().toLowerCase();
    const before = smtp.to(address).length;
    const res = await register(missionId, body);
    expect([res.status, res.body]).toEqual([202, ANSWER]);
    return (await smtp.waitFor(address, before + 1))[before];
  };
  const statusOf = async (missionDocumentId: string, email: string) =>
    (
      await app.strapi.db
        .query(PARTICIPATION)
        .findOne({ where: { mission: { documentId: missionDocumentId }, email }, select: ['id', 'status'] })
    )?.status;
  const statuses = async (missionDocumentId: string) => {
    const rows = await app.strapi.db
      .query(PARTICIPATION)
      .findMany({ where: { mission: { documentId: missionDocumentId } }, select: ['id', 'status'] }); // with the id: a join selects distinct rows
    return rows.reduce((acc: Record<string, number>, r: { status: string }) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startStrapi({
      env: { ...smtp.env, IS_PROXIED: 'true', REGISTRATION_RATE_LIMIT_MAX: '3', PUBLIC_URL: 'https://gestion.asso.test' },
    });
  }, 300_000); // the shared test machine can be slow to boot
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });
  beforeEach(() => smtp.clear());

  describe('capacity and waiting list', () => {
    it('gives exactly 10 confirmed and 20 waitlisted for 30 simultaneous registrations on 10 places', async () => {
      // Three such missions at once (90 requests in flight): without the transaction and row lock,
      // PostgreSQL overbooks at least one of them (checked by removing the lock: 11 or 12 confirmed).
      const titles = ['Atelier compost', 'Atelier vélo', 'Atelier couture'];
      const missions = await Promise.all(titles.map((title) => mission({ title, capacity: 10 })));
      const answers = await Promise.all(
        missions.flatMap((m, k) => Array.from({ length: 30 }, (_, i) => register(m.documentId, person(`c${k}_${i}`))))
      );
      expect(answers.map((a) => a.status)).toEqual(Array(90).fill(202));
      for (const a of answers) expect(a.body).toEqual(ANSWER);
      await smtp.waitFor(null, 90);
      for (const [k, m] of missions.entries()) {
        expect(await statuses(m.documentId)).toEqual({ confirmed: 10, waitlisted: 20 });
        const subject = (mail: ParsedMail) => mail.subject ?? '';
        expect(smtp.messages.filter((mail) => subject(mail) === `Inscription confirmée : ${titles[k]}`)).toHaveLength(10);
        expect(smtp.messages.filter((mail) => subject(mail) === `Inscription en liste d’attente : ${titles[k]}`)).toHaveLength(20);
        // each person got the e-mail matching their registration
        for (let i = 0; i < 30; i++) {
          const email = `personnec${k}_${i}@example.org`;
          const [mail] = smtp.to(email);
          expect(mail.subject).toMatch(
            (await statusOf(m.documentId, email)) === 'confirmed' ? /^Inscription confirmée/ : /^Inscription en liste d’attente/
          );
        }
      }
      expect(smtp.messages).toHaveLength(90);
    });

    it('gives a freed place to the oldest waitlisted person, never to a newcomer, under concurrent cancellations and registrations', async () => {
      const m = await mission({ title: 'Banque alimentaire', capacity: 5 });
      const seated: Saved[] = [];
      for (let i = 0; i < 5; i++)
        seated.push(
          await docs(PARTICIPATION).create({
            data: { mission: m.documentId, firstName: `S${i}`, lastName: 'Assis', email: `s${i}@banque.test` },
          })
        );
      const waiting: Saved[] = [];
      for (let i = 0; i < 4; i++)
        waiting.push(
          await docs(PARTICIPATION).create({
            data: { mission: m.documentId, firstName: `W${i}`, lastName: 'Attente', email: `w${i}@banque.test` },
          })
        );
      expect(waiting.map((p) => p.status)).toEqual(['waitlisted', 'waitlisted', 'waitlisted', 'waitlisted']);
      smtp.clear();

      // three cancellations in the admin and fifteen visitors, all at once
      const results = await Promise.all([
        ...seated.slice(0, 3).map((p) => app.admin('put', cm(PARTICIPATION, p.documentId)).send({ status: 'cancelled' })),
        ...Array.from({ length: 15 }, (_, i) => register(m.documentId, person(`n${i}`))),
      ]);
      expect(results.map((r) => r.status)).toEqual([...Array(3).fill(200), ...Array(15).fill(202)]);
      await smtp.waitFor(null, 3 + 15);
      for (let i = 0; i < 15; i++) expect(await statusOf(m.documentId, `personnen${i}@example.org`)).toBe('waitlisted');
      for (let i = 0; i < 15; i++)
        expect(smtp.to(`personnen${i}@example.org`).map((mail) => mail.subject)).toEqual([
          'Inscription en liste d’attente : Banque alimentaire',
        ]);

      expect(await statuses(m.documentId)).toEqual({ cancelled: 3, confirmed: 5, waitlisted: 1 + 15 });
      const now = await Promise.all(waiting.map((p) => docs(PARTICIPATION).findOne({ documentId: p.documentId })));
      expect(now.map((p) => p.status)).toEqual(['confirmed', 'confirmed', 'confirmed', 'waitlisted']);
      for (const i of [0, 1, 2])
        expect(smtp.to(`w${i}@banque.test`).map((mail) => mail.subject)).toEqual(['Une place s’est libérée : Banque alimentaire']);
      expect(smtp.to('w3@banque.test')).toHaveLength(0);
    });

    it('promotes the oldest waitlisted people when a place is freed or the capacity grows, and e-mails them', async () => {
      const m = await mission({ title: 'Maraude du soir', capacity: 2, location: { name: 'Gare', city: 'Lyon' } });
      const made: Saved[] = [];
      for (const n of ['a', 'b', 'w1', 'w2', 'w3']) {
        made.push(
          await docs(PARTICIPATION).create({ data: { mission: m.documentId, firstName: n, lastName: 'Test', email: `${n}@maraude.test` } })
        );
      }
      expect(made.map((p) => p.status)).toEqual(['confirmed', 'confirmed', 'waitlisted', 'waitlisted', 'waitlisted']);

      // cancelling a confirmed participation in the admin promotes the oldest waitlisted (w1)
      const cancel = await app.admin('put', cm(PARTICIPATION, made[0].documentId)).send({ status: 'cancelled' });
      expect(cancel.status).toBe(200);
      expect((await docs(PARTICIPATION).findOne({ documentId: made[2].documentId })).status).toBe('confirmed');
      expect(smtp.to('w1@maraude.test')).toHaveLength(1);
      expect(smtp.to('w1@maraude.test')[0].subject).toBe('Une place s’est libérée : Maraude du soir');
      expect(smtp.to('w1@maraude.test')[0].text).toMatch(/votre inscription est maintenant confirmée[\s\S]*Lieu : Gare, Lyon/);

      expect(await statuses(m.documentId)).toEqual({ cancelled: 1, confirmed: 2, waitlisted: 2 });
      // raising the capacity by one promotes the next one (w2), not w3
      const raise = await app.admin('put', cm(MISSION, m.documentId)).send({ capacity: 3 });
      expect(raise.status).toBe(200);
      expect(await statuses(m.documentId)).toEqual({ cancelled: 1, confirmed: 3, waitlisted: 1 });
      expect(smtp.to('w2@maraude.test')).toHaveLength(1);
      expect(smtp.to('w3@maraude.test')).toHaveLength(0);

      // deleting a confirmed participation promotes w3
      await docs(PARTICIPATION).delete({ documentId: made[1].documentId });
      expect((await docs(PARTICIPATION).findOne({ documentId: made[4].documentId })).status).toBe('confirmed');
      expect(smtp.to('w3@maraude.test')).toHaveLength(1);
    });

    it('in the admin: puts a new volunteer on the waiting list when full, refuses to confirm beyond capacity or to lower it below the confirmed', async () => {
      const m = await mission({ title: 'Collecte', capacity: 1, isPublic: false, publicRegistration: false });
      const vol = await docs(MEMBER).create({ data: { firstName: 'Vera', lastName: 'Volontaire', email: 'vera@asso.test' } });
      const first = await docs(PARTICIPATION).create({ data: { mission: m.documentId, firstName: 'Un', lastName: 'Premier' } });
      expect(first.status).toBe('confirmed');

      const created = await app.admin('post', cm(PARTICIPATION)).send({
        mission: { connect: [{ documentId: m.documentId }] },
        member: { connect: [{ documentId: vol.documentId }] },
        status: 'confirmed',
      });
      expect(created.status).toBe(201);
      expect(created.body.data.status).toBe('waitlisted');

      const confirm = await app.admin('put', cm(PARTICIPATION, created.body.data.documentId)).send({ status: 'confirmed' });
      expect(confirm.status).toBe(400);
      expect(confirm.body.error.message).toMatch(/^Statut : la mission est complète \(1 places confirmées\)/);
      expect(JSON.stringify(confirm.body.error.details)).toContain('status');

      const second = await docs(PARTICIPATION).create({
        data: { mission: m.documentId, firstName: 'Deux', lastName: 'Second', status: 'waitlisted' },
      });
      await app.admin('put', cm(MISSION, m.documentId)).send({ capacity: 3 }).expect(200);
      const lower = await app.admin('put', cm(MISSION, m.documentId)).send({ capacity: 1 });
      expect(lower.status).toBe(400);
      expect(lower.body.error.message).toMatch(/^Capacité .*: 3 personnes ont déjà une place confirmée/);
      expect((await docs(MISSION).findOne({ documentId: m.documentId })).capacity).toBe(3);
      expect((await docs(PARTICIPATION).findOne({ documentId: second.documentId })).status).toBe('confirmed');

      // marking presence after the event keeps the places (nobody is promoted)
      await docs(PARTICIPATION).update({ documentId: first.documentId, data: { status: 'attended' } });
      expect(await statuses(m.documentId)).toEqual({ attended: 1, confirmed: 2 });
    });

    it('a duplicated participation (« Dupliquer ») on a full mission goes to the waiting list; with a free place it is confirmed', async () => {
      const m = await mission({ title: 'Tri des dons', capacity: 1, isPublic: false, publicRegistration: false });
      const first = await docs(PARTICIPATION).create({ data: { mission: m.documentId, firstName: 'Una', lastName: 'Première' } });
      expect(first.status).toBe('confirmed');
      const duplicate = (body: Json) =>
        app.admin('post', `/content-manager/collection-types/${PARTICIPATION}/clone/${first.documentId}`).send(body);

      const full = await duplicate({ firstName: 'Dora', lastName: 'Double' });
      expect(full.status).toBe(200);
      expect(full.body.data.status).toBe('waitlisted');
      expect(await statuses(m.documentId)).toEqual({ confirmed: 1, waitlisted: 1 });

      // with a free place, the duplicate takes it
      await app.admin('put', cm(MISSION, m.documentId)).send({ capacity: 3 }).expect(200);
      const free = await duplicate({ firstName: 'Tina', lastName: 'Triple' });
      expect(free.status).toBe(200);
      expect(free.body.data.status).toBe('confirmed');
      expect(await statuses(m.documentId)).toEqual({ confirmed: 3 });
    });
  });

  describe('public pre-registration', () => {
    it('refuses an incomplete form with a French message naming the field, and records nothing', async () => {
      const m = await mission({ title: 'Fête de quartier' });
      const cases: Array<[Json, string, RegExp]> = [
        [{ ...person('v'), firstName: ' ' }, 'firstName', /^Prénom : ce champ est obligatoire/],
        [{ ...person('v'), lastName: undefined }, 'lastName', /^Nom : ce champ est obligatoire/],
        [{ ...person('v'), email: '' }, 'email', /^E-mail : ce champ est obligatoire/],
        [{ ...person('v'), lastName: 'x'.repeat(61) }, 'lastName', /^Nom : 60 caractères au maximum/],
        [{ ...person('v'), email: 'pas-un-email' }, 'email', /^E-mail : « pas-un-email » n'est pas une adresse e-mail valide/],
        [{ ...person('v'), phone: 'appelez-moi' }, 'phone', /^Téléphone : /],
        [{ ...person('v'), consent: false }, 'consent', /^Consentement : /],
        [{ ...person('v'), consent: undefined }, 'consent', /^Consentement : /],
        [{ ...person('v'), consent: 'oui' }, 'consent', /^Consentement : /],
      ];
      for (const [body, field, message] of cases) {
        const res = await register(m.documentId, body);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(message);
        expect(JSON.stringify(res.body.error.details)).toContain(field);
      }
      expect(await statuses(m.documentId)).toEqual({});
      expect(smtp.messages).toHaveLength(0);
    });

    it('answers the same to everyone, links an existing member without revealing them, and tells a second registration of the same e-mail by e-mail only', async () => {
      const m = await mission({ title: 'Nettoyage des berges', capacity: 5, internalNotes: 'clé chez Mme X' });
      const member = await docs(MEMBER).create({
        data: { firstName: 'Marie', lastName: 'Adhérente', email: 'marie@asso.test', phone: '0601020304' },
      });
      const res = await register(m.documentId, {
        firstName: 'Marie',
        lastName: 'Adhérente',
        email: 'Marie@Asso.test',
        phone: '06 11 22 33 44',
        consent: true,
      });
      expect(res.status).toBe(202);
      expect(res.body).toEqual(ANSWER);
      const mail = await smtp.waitFor('marie@asso.test');
      const stored = await app.strapi.db
        .query(PARTICIPATION)
        .findOne({ where: { mission: { documentId: m.documentId } }, populate: { member: true } });
      expect(stored.member.documentId).toBe(member.documentId);
      expect(stored.source).toBe('website');
      expect(stored.email).toBe('marie@asso.test');
      expect(stored.status).toBe('confirmed');
      expect(mail).toHaveLength(1);
      expect(mail[0].subject).toBe('Inscription confirmée : Nettoyage des berges');
      expect(mail[0].text).toMatch(/^Bonjour Marie,[\s\S]*Votre inscription est confirmée/);
      expect(mail[0].text).not.toMatch(/clé chez/);

      const again = await register(m.documentId, person('x', { email: 'MARIE@asso.test ' }));
      expect(again.status).toBe(202);
      expect(again.body).toEqual(res.body);
      expect(JSON.stringify(again.body)).not.toMatch(/Adhérente|0601020304|06 11/);
      // the person is told by e-mail, greeted by the name of their registration (not the new form's), nothing changed
      const [, told] = await smtp.waitFor('marie@asso.test', 2);
      expect(await statuses(m.documentId)).toEqual({ confirmed: 1 });
      expect(told.subject).toBe('Vous êtes déjà inscrit·e : Nettoyage des berges');
      expect(told.text).toMatch(
        /^Bonjour Marie,[\s\S]*déjà inscrit·e à cette mission, rien n’a été modifié[\s\S]*Statut : inscription confirmée/
      );
      expect(told.text).not.toMatch(/Prénomx|clé chez/);
    });

    it('takes back a cancelled registration of the same e-mail by the rule of a new one: a place, else the waiting list (last in line), or approval', async () => {
      const m = await mission({ title: 'Jardin partagé', capacity: 2 });
      const rows = (email: string) =>
        app.strapi.db.query(PARTICIPATION).findMany({ where: { mission: { documentId: m.documentId }, email } });
      const cancel = async (email: string) => {
        const [p] = await rows(email);
        await app.admin('put', cm(PARTICIPATION, p.documentId)).send({ status: 'cancelled' }).expect(200);
      };

      await registered(m.documentId, person('ja'));
      const [first] = await rows('personneja@example.org');
      expect(first.status).toBe('confirmed');
      await cancel('personneja@example.org');
      smtp.clear();
      // a place is free: confirmed again, on the same record (no second participation), and told so
      expect((await registered(m.documentId, person('ja', { phone: '06 00 00 00 01' }))).subject).toBe(
        'Inscription confirmée : Jardin partagé'
      );
      const [again] = await rows('personneja@example.org');
      expect((await rows('personneja@example.org')).map((p: Json) => p.documentId)).toEqual([first.documentId]);
      expect(again).toMatchObject({ status: 'confirmed', source: 'website', phone: '06 00 00 00 01' });
      expect(smtp.to('personneja@example.org')).toHaveLength(1);
      // active again: the same address changes nothing, and is told so by e-mail
      expect((await registered(m.documentId, person('ja'))).subject).toBe('Vous êtes déjà inscrit·e : Jardin partagé');
      expect((await rows('personneja@example.org')).map((p: Json) => [p.documentId, p.status])).toEqual([[first.documentId, 'confirmed']]);

      // full (ja + jb), one person waiting (jc): a cancelled registration comes back last in line
      await registered(m.documentId, person('jb'));
      await cancel('personneja@example.org');
      await registered(m.documentId, person('jc'));
      await registered(m.documentId, person('jd'));
      expect((await registered(m.documentId, person('ja'))).subject).toBe('Inscription en liste d’attente : Jardin partagé');
      expect(await statusOf(m.documentId, 'personnejb@example.org')).toBe('confirmed');
      expect(await statusOf(m.documentId, 'personnejc@example.org')).toBe('confirmed');
      expect(await statusOf(m.documentId, 'personnejd@example.org')).toBe('waitlisted');
      expect(await statusOf(m.documentId, 'personneja@example.org')).toBe('waitlisted');
      expect(await statuses(m.documentId)).toEqual({ confirmed: 2, waitlisted: 2 });
      await cancel('personnejb@example.org');
      expect((await rows('personnejd@example.org'))[0].status).toBe('confirmed'); // jd waited longer
      expect((await rows('personneja@example.org'))[0].status).toBe('waitlisted');
      expect(
        await app.strapi.db
          .query(PARTICIPATION)
          .count({ where: { mission: { documentId: m.documentId }, email: 'personneja@example.org' } })
      ).toBe(1);

      // a volunteer put on the mission in the back-office (by their member record), then cancelled, comes back the same way
      const approval = await mission({ title: 'Visite guidée', registrationRequiresApproval: true });
      const vol = await docs(MEMBER).create({ data: { firstName: 'Inès', lastName: 'Revenue', email: 'ines@asso.test' } });
      const made = await docs(PARTICIPATION).create({
        data: { mission: approval.documentId, member: vol.documentId, status: 'cancelled' },
      });
      expect(
        (await registered(approval.documentId, { firstName: 'Inès', lastName: 'Revenue', email: 'ines@asso.test', consent: true })).subject
      ).toBe('Demande d’inscription reçue : Visite guidée');
      const stored = await app.strapi.db
        .query(PARTICIPATION)
        .findMany({ where: { mission: { documentId: approval.documentId } }, populate: { member: true } });
      expect(stored.map((p: Doc<'api::participation.participation'>) => [p.documentId, p.status, p.member?.documentId])).toEqual([
        [made.documentId, 'pending', vol.documentId],
      ]);
    });

    it('says pending when the mission requires approval, and e-mails it', async () => {
      const m = await mission({ title: 'Chantier nature', registrationRequiresApproval: true, capacity: 1 });
      expect((await registered(m.documentId, person('p'))).subject).toBe('Demande d’inscription reçue : Chantier nature');
      expect(await statusOf(m.documentId, 'personnep@example.org')).toBe('pending');
    });

    it('answers 404 for unknown, non-public or closed missions alike, and 400 for past or cancelled ones', async () => {
      const hidden = await mission({ isPublic: false });
      const closed = await mission({ publicRegistration: false });
      const unknown = await register('aucunemissionici00000000', person('u'));
      expect(unknown.status).toBe(404);
      for (const m of [hidden, closed]) {
        const res = await register(m.documentId, person('u'));
        expect(res.status).toBe(404);
        expect(res.body).toEqual(unknown.body);
      }
      const past = await mission({ startAt: inDays(-3).toISO(), endAt: inDays(-3, 12).toISO() });
      const pastRes = await register(past.documentId, person('u'));
      expect(pastRes.status).toBe(400);
      expect(pastRes.body.error.message).toMatch(/a déjà eu lieu/);
      const cancelled = await mission({ status: 'cancelled' });
      const cancelledRes = await register(cancelled.documentId, person('u'));
      expect(cancelledRes.status).toBe(400);
      expect(cancelledRes.body.error.message).toMatch(/annulée/);
      expect(await app.strapi.db.query(PARTICIPATION).count({ where: { email: 'personneu@example.org' } })).toBe(0);
    });

    it('limits the registrations per IP address (429 in French)', async () => {
      const m = await mission({ title: 'Limite' });
      const ip = visitorIp();
      for (let i = 0; i < 3; i++) expect((await register(m.documentId, person(`r${i}`), ip)).status).toBe(202);
      const blocked = await register(m.documentId, person('r9'), ip);
      expect(blocked.status).toBe(429);
      expect(blocked.body.error.message).toMatch(/Trop de demandes/);
      expect((await register(m.documentId, person('r10'))).status).toBe(202); // another visitor is not blocked
      await smtp.waitFor(null, 4);
      expect(await statuses(m.documentId)).toEqual({ confirmed: 4 });
      expect(smtp.to('personner9@example.org')).toHaveLength(0);
    });
  });

  describe('volunteers', () => {
    it('warns about volunteers already on an overlapping mission, and shows a member’s missions and hours', async () => {
      const vol = await docs(MEMBER).create({ data: { firstName: 'Olga', lastName: 'Chevauche' } });
      const calm = await docs(MEMBER).create({ data: { firstName: 'Paul', lastName: 'Tranquille' } });
      const a = await mission({ title: 'Distribution', isPublic: false, startAt: inDays(40, 9).toISO(), endAt: inDays(40, 12).toISO() });
      const b = await mission({ title: 'Accueil mairie', isPublic: false, startAt: inDays(40, 11).toISO(), endAt: inDays(40, 13).toISO() });
      const c = await mission({ title: 'Rangement', isPublic: false, startAt: inDays(40, 14).toISO(), endAt: null });
      const past = await mission({ title: 'Brocante', isPublic: false, startAt: inDays(-10, 8).toISO(), endAt: inDays(-10, 12).toISO() });
      for (const [m, who] of [
        [a, vol],
        [b, vol],
        [c, vol],
        [a, calm],
        [c, calm],
      ] as Array<[Saved, Saved]>) {
        await docs(PARTICIPATION).create({ data: { mission: m.documentId, member: who.documentId } });
      }
      await docs(PARTICIPATION).create({ data: { mission: past.documentId, member: vol.documentId, status: 'attended' } });

      const res = await app.admin('get', `/back-office/missions/${a.documentId}/overlaps`);
      expect(res.status).toBe(200);
      expect(res.body.data.overlaps).toEqual([
        {
          member: { documentId: vol.documentId, name: `Chevauche Olga (n° ${vol.memberNumber})` },
          missions: [expect.objectContaining({ documentId: b.documentId, title: 'Accueil mairie' })],
        },
      ]);
      expect((await app.admin('get', `/back-office/missions/${c.documentId}/overlaps`)).body.data.overlaps).toEqual([]);
      expect((await app.http().get(`/back-office/missions/${a.documentId}/overlaps`)).status).toBe(401);

      const history = await app.admin('get', `/back-office/members/${vol.documentId}/missions`);
      expect(history.status).toBe(200);
      expect(history.body.data.participations.map((p: { mission: { title: string } }) => p.mission.title)).toEqual([
        'Rangement',
        'Accueil mairie',
        'Distribution',
        'Brocante',
      ]);
      expect(history.body.data.participations[2].overlapsWith).toEqual(['Accueil mairie']);
      expect(history.body.data.totals).toEqual({ missions: 4, attended: 1, hours: 4 });
    });
  });

  describe('calendar', () => {
    it('lists the missions of a period with their pole colour and places, and refuses a bad period', async () => {
      const pole = await docs('api::pole.pole').create({ data: { name: 'Solidarité', color: '#e63946' } });
      const m = await mission({
        title: 'Repas partagé',
        capacity: 4,
        pole: pole.documentId,
        startAt: inDays(60, 19).toISO(),
        endAt: inDays(60, 22).toISO(),
      });
      await docs(PARTICIPATION).create({ data: { mission: m.documentId, firstName: 'Zoé', lastName: 'Z' } });
      const from = inDays(59).toISODate();
      const to = inDays(61).toISODate();
      const res = await app.admin('get', `/back-office/calendar?from=${from}&to=${to}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual([
        expect.objectContaining({
          documentId: m.documentId,
          title: 'Repas partagé',
          confirmed: 1,
          capacity: 4,
          pole: { name: 'Solidarité', color: '#e63946' },
        }),
      ]);
      const bad = await app.admin('get', `/back-office/calendar?from=demain&to=${to}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^Du : « demain » n'est pas une date valide/);
    });

    it('publishes public events only in the iCal feed, without any personal data', async () => {
      const pub = await mission({
        title: 'Concert solidaire',
        summary: 'Entrée libre',
        internalNotes: 'code alarme 1234',
        location: { name: 'Salle des fêtes', city: 'Lyon' },
      });
      await mission({ title: 'Réunion interne', isPublic: false });
      await mission({ title: 'Sortie annulée', status: 'cancelled' });
      await register(pub.documentId, {
        firstName: 'Secret',
        lastName: 'Participant',
        email: 'secret.participant@example.org',
        phone: '0699887766',
        consent: true,
      });

      const res = await app.http().get('/api/calendar.ics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/calendar/);
      const events = Object.values(ical.sync.parseICS(res.text)).filter((e): e is ical.VEvent => e.type === 'VEVENT');
      const titles = events.map((e) => e.summary);
      expect(titles).toContain('Concert solidaire');
      expect(titles).not.toContain('Réunion interne');
      expect(titles).not.toContain('Sortie annulée');
      const concert = events.find((e) => e.summary === 'Concert solidaire');
      expect(concert.uid).toBe(`mission-${pub.documentId}@gestion.asso.test`);
      expect(concert.location).toBe('Salle des fêtes, Lyon');
      expect(concert.start.toISOString()).toBe(new Date(pub.startAt).toISOString());
      expect(res.text).toMatch(/TZID:Europe\/Paris/);
      expect(res.text).not.toMatch(/secret|Participant|0699887766|code alarme|@example\.org/i);
    });

    it('serves every mission to the bureau at a secret URL that stops working once regenerated', async () => {
      const hidden = await mission({ title: 'Inventaire du local', isPublic: false });
      const cancelled = await mission({ title: 'Pique-nique annulé', status: 'cancelled' });
      expect((await app.http().get('/api/calendar/private/devine.ics')).status).toBe(404);
      expect((await app.admin('get', '/back-office/calendar/private-feed')).body.data.active).toBe(false);

      const first = await app.admin('post', '/back-office/calendar/private-feed');
      expect(first.status).toBe(200);
      const url = new URL(first.body.data.url);
      expect(url.origin).toBe('https://gestion.asso.test');
      const feed = await app.http().get(url.pathname);
      expect(feed.status).toBe(200);
      const events = Object.values(ical.sync.parseICS(feed.text)).filter((e): e is ical.VEvent => e.type === 'VEVENT');
      expect(events.find((e) => e.summary === 'Inventaire du local')?.uid).toBe(`mission-${hidden.documentId}@gestion.asso.test`);
      expect(events.find((e) => e.summary === 'Pique-nique annulé')?.status).toBe('CANCELLED');
      expect(cancelled.documentId).toBeTruthy();
      expect(feed.text).not.toMatch(/@example\.org|@asso\.test|0699887766/);
      // the state shows it is on, never the URL again
      const state = await app.admin('get', '/back-office/calendar/private-feed');
      expect(state.body.data).toEqual({ active: true, createdAt: first.body.data.createdAt });

      const second = await app.admin('post', '/back-office/calendar/private-feed');
      expect(second.body.data.url).not.toBe(first.body.data.url);
      expect((await app.http().get(url.pathname)).status).toBe(404);
      expect((await app.http().get(new URL(second.body.data.url).pathname)).status).toBe(200);
      await app.admin('delete', '/back-office/calendar/private-feed').expect(200);
      expect((await app.http().get(new URL(second.body.data.url).pathname)).status).toBe(404);
    });

    it('lets only the volunteer manager (and the president) change the secret URL; every role sees whether it is on', async () => {
      const manager = await loginAs(app, 'asso-volunteer-manager');
      const created = await app.admin('post', '/back-office/calendar/private-feed', manager).expect(200);
      for (const code of ['asso-treasurer', 'asso-secretary', 'asso-communication', 'asso-partnerships'] as const) {
        const token = await loginAs(app, code);
        expect((await app.admin('get', '/back-office/calendar/private-feed', token)).body.data.active).toBe(true);
        expect({ code, status: (await app.admin('post', '/back-office/calendar/private-feed', token)).status }).toEqual({
          code,
          status: 403,
        });
        expect({ code, status: (await app.admin('delete', '/back-office/calendar/private-feed', token)).status }).toEqual({
          code,
          status: 403,
        });
      }
      // refused attempts changed nothing: the URL the manager handed out still works
      expect((await app.http().get(new URL(created.body.data.url).pathname)).status).toBe(200);
      await app.admin('delete', '/back-office/calendar/private-feed', manager).expect(200);
    });
  });
});
