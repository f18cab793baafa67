import { DateTime } from 'luxon';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { startSmtp, TestSmtp, recipient } from '../helpers/smtp';
import { loginAs } from '../helpers/roles';
import type { Json, Saved } from '../helpers/types';

/**
 * « Écrire aux bénévoles » (src/back-office/missions/messages.ts), with a real SMTP server: the
 * confirmed people of a mission (and the waiting list when asked) get the message with their first
 * name, the mission's date and place; a preview sends nothing; each recipient has a delivery record;
 * the same message never reaches the same person twice (a second click, a second send after new
 * registrations, a resend after an SMTP failure). Runs on SQLite and PostgreSQL.
 */
describe(`writing to a mission's volunteers (${DB_CLIENT})`, () => {
  let app: TestApp;
  let smtp: TestSmtp;
  let manager: string;
  const MISSION = 'api::mission.mission';
  const MEMBER = 'api::member.member';
  const PARTICIPATION = 'api::participation.participation';
  const MESSAGE = 'api::mission-message.mission-message';
  const DELIVERY = 'api::mission-message-delivery.mission-message-delivery';
  const docs = (uid: string) => app.strapi.documents(uid);
  const start = DateTime.fromISO('2027-03-13T09:30:00', { zone: 'Europe/Paris' });
  let mission: Saved;

  const preview = (body: object, token = manager) =>
    app.admin('post', `/back-office/missions/${mission.documentId}/messages/preview`, token).send(body);
  const send = (body: object, token = manager) =>
    app.admin('post', `/back-office/missions/${mission.documentId}/messages`, token).send(body);
  /** Waits until no message of the mission is being sent any more; returns the messages. */
  const settled = async () => {
    for (let i = 0; i < 200; i++) {
      const res = await app.admin('get', `/back-office/missions/${mission.documentId}/messages`, manager);
      if (res.body.data.every((m: Json) => m.status !== 'sending')) return res.body.data;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('envoi jamais terminé');
  };
  const recipientsOf = (subject: string) =>
    smtp.messages
      .filter((m) => m.subject === subject)
      .map(recipient)
      .sort();

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startStrapi({ env: { ...smtp.env, NEWSLETTER_RATE_PER_MINUTE: '6000' } });
    await docs('api::association.association').create({ data: { name: 'Les Amis du Quartier' } });
    mission = await docs(MISSION).create({
      data: {
        title: 'Collecte de printemps',
        startAt: start.toISO(),
        endAt: start.plus({ hours: 3 }).toISO(),
        capacity: 3,
        location: { name: 'Salle Paul Bert', address: '12 rue Paul Bert', postalCode: '69003', city: 'Lyon' },
      },
    });
    const member = (firstName: string, lastName: string, email: string | null) =>
      docs(MEMBER).create({ data: { firstName, lastName, email, isVolunteer: true } });
    const people = [
      await member('Alice', 'Martin', 'alice@exemple.org'),
      await member('Bruno', 'Petit', null),
      await member('Chloé', 'Durand', 'Chloe@Exemple.org'),
    ];
    for (const p of people) await docs(PARTICIPATION).create({ data: { mission: mission.documentId, member: p.documentId } });
    // a visitor from the website: the mission is full, so the waiting list
    await docs(PARTICIPATION).create({
      data: { mission: mission.documentId, firstName: 'Victor', lastName: 'Zola', email: 'victor@exemple.org', source: 'website' },
    });
    manager = await loginAs(app, 'asso-volunteer-manager');
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });

  const LETTER = {
    subject: 'Rendez-vous {{missionDate}}',
    body: 'Bonjour {{firstName}},\n\nRendez-vous à {{missionPlace}} pour « {{missionTitle}} ».\n\nMerci !',
  };

  it('previews the message for its first recipient and says who will get it; nothing is sent or recorded', async () => {
    smtp.clear();
    const res = await preview(LETTER);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      subject: 'Rendez-vous samedi 13 mars 2027 à 09h30',
      recipientsCount: 2,
      alreadyReceived: 0,
      withoutEmail: ['Bruno Petit'],
      sampleName: 'Alice Martin',
    });
    expect(res.body.data.text).toContain('Bonjour Alice,');
    expect(res.body.data.text).toContain('Rendez-vous à Salle Paul Bert, 12 rue Paul Bert, 69003, Lyon pour « Collecte de printemps ».');
    expect(res.body.data.html).toContain('Bonjour Alice,');
    expect((await preview({ ...LETTER, includeWaitlisted: true })).body.data.recipientsCount).toBe(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages).toHaveLength(0);
    expect(await app.strapi.db.query(MESSAGE).count()).toBe(0);
  });

  it('sends each confirmed person their own mail, replying to the volunteer manager, with a record per recipient', async () => {
    smtp.clear();
    const res = await send(LETTER);
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ recipientsCount: 2, alreadyReceived: 0, toSend: 2, withoutEmail: ['Bruno Petit'] });
    expect(res.body.data.notice).toBe('Envoi en cours à 2 personnes ; sans adresse e-mail, à prévenir autrement : Bruno Petit.');
    const [message] = await settled();
    expect(message).toMatchObject({
      status: 'sent',
      recipientsCount: 2,
      sentCount: 2,
      failedCount: 0,
      sentBy: 'asso-volunteer-manager Test',
    });
    expect(recipientsOf('Rendez-vous samedi 13 mars 2027 à 09h30')).toEqual(['alice@exemple.org', 'chloe@exemple.org']);
    const chloe = smtp.to('chloe@exemple.org')[0];
    expect(chloe.text).toContain('Bonjour Chloé,');
    expect(chloe.text).toContain('Vous recevez ce message parce que vous êtes inscrit·e à « Collecte de printemps ».');
    expect(chloe.replyTo?.value[0].address).toBe('asso-volunteer-manager@test.local');
    const deliveries = await app.strapi.db
      .query(DELIVERY)
      .findMany({ where: { missionMessage: { documentId: message.documentId } }, orderBy: { email: 'asc' } });
    expect(deliveries.map((d: Json) => [d.email, d.firstName, d.status])).toEqual([
      ['alice@exemple.org', 'Alice', 'sent'],
      ['chloe@exemple.org', 'Chloé', 'sent'],
    ]);
  });

  it('never sends the same message twice to the same person: sent again with the waiting list, only Victor gets it', async () => {
    smtp.clear();
    const res = await send({ ...LETTER, includeWaitlisted: true });
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ recipientsCount: 3, alreadyReceived: 2, toSend: 1 });
    expect(res.body.data.notice).toMatch(/^Envoi en cours à 1 personne ; 2 l’avaient déjà reçu \(non renvoyé\)/);
    const messages = await settled();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ status: 'sent', recipientsCount: 3, sentCount: 3 });
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.map(recipient)).toEqual(['victor@exemple.org']);
  });

  it('two clicks at the same moment: one message, each person gets it once', async () => {
    smtp.clear();
    const letter = { subject: 'Changement d’horaire', body: 'Bonjour {{firstName}}, on commence à 10 h.' };
    const clicks = await Promise.all([send(letter), send(letter)]);
    expect(clicks.map((c) => c.status)).toEqual([202, 202]);
    await settled();
    await new Promise((r) => setTimeout(r, 300));
    expect(recipientsOf('Changement d’horaire')).toEqual(['alice@exemple.org', 'chloe@exemple.org']);
    expect(await app.strapi.db.query(MESSAGE).count({ where: { subject: 'Changement d’horaire' } })).toBe(1);
  });

  it('after an SMTP failure, sending again reaches only those who did not get it', async () => {
    smtp.clear();
    smtp.failNext(1);
    const letter = { subject: 'Pensez aux gants', body: 'Bonjour {{firstName}}, apportez des gants.' };
    await send(letter);
    const [first] = await settled();
    expect(first).toMatchObject({ status: 'failed', recipientsCount: 2, sentCount: 1, failedCount: 1 });
    expect(recipientsOf('Pensez aux gants')).toHaveLength(1);
    const again = await send(letter);
    expect(again.body.data).toMatchObject({ alreadyReceived: 1, toSend: 1 });
    const [second] = await settled();
    expect(second).toMatchObject({ status: 'sent', recipientsCount: 2, sentCount: 2, failedCount: 0 });
    expect(recipientsOf('Pensez aux gants')).toEqual(['alice@exemple.org', 'chloe@exemple.org']);
  });

  it('refuses bad input in French naming the field, and the roles without the right; nothing is sent', async () => {
    smtp.clear();
    const before = await app.strapi.db.query(MESSAGE).count();
    const cases: Array<[object, string, RegExp]> = [
      [{ body: 'Bonjour' }, 'subject', /^Objet : ce champ est obligatoire\.$/],
      [{ subject: 'Bonjour', body: '  ' }, 'body', /^Texte : ce champ est obligatoire\.$/],
      [
        { subject: 'Bonjour', body: 'Bonjour {{prenom}}' },
        'body',
        /^Texte : variable \{\{prenom\}\} inconnue ; variables possibles : \{\{firstName\}\}, /,
      ],
      [
        { subject: 'Bonjour', body: 'Bonjour', includeWaitlisted: 'oui' },
        'includeWaitlisted',
        /^Liste d’attente : attendu true ou false\.$/,
      ],
    ];
    for (const [body, field, message] of cases) {
      for (const res of [await send(body), await preview(body)]) {
        expect([field, res.status]).toEqual([field, 400]);
        expect(res.body.error.message).toMatch(message);
        expect(res.body.error.details.errors[0].path).toEqual([field]);
      }
    }
    for (const role of ['asso-secretary', 'asso-treasurer', 'asso-communication'] as const) {
      const token = await loginAs(app, role);
      expect([role, (await send(LETTER, token)).status]).toEqual([role, 403]);
      expect([role, (await preview(LETTER, token)).status]).toEqual([role, 403]);
    }
    expect((await app.http().post(`/back-office/missions/${mission.documentId}/messages`).send(LETTER)).status).toBe(401);
    const nobody = await docs(MISSION).create({ data: { title: 'Sans inscrits', startAt: start.toISO() } });
    const empty = await app.admin('post', `/back-office/missions/${nobody.documentId}/messages`, manager).send(LETTER);
    expect([empty.status, empty.body.error.message]).toEqual([400, 'Destinataires : aucun inscrit de cette mission n’a d’adresse e-mail.']);
    expect((await app.admin('post', '/back-office/missions/inconnu123/messages', manager).send(LETTER)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages).toHaveLength(0);
    expect(await app.strapi.db.query(MESSAGE).count()).toBe(before);
  });
});
