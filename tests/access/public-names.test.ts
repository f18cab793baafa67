import { DateTime } from 'luxon';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { startSmtp, TestSmtp } from '../helpers/smtp';
import type { Json } from '../helpers/types';

/**
 * The public forms (mission pre-registration, newsletter subscription) print the visitor's name in
 * e-mails sent from the association's address (« Bonjour <prénom>, »). A name that does not look
 * like a name (a web address, digits, a line break, more than 60 characters) is refused with a
 * French 400 naming the field: nothing is written and no mail leaves. Real names pass.
 */
describe(`names typed in the public forms (${DB_CLIENT})`, () => {
  let app: TestApp;
  let smtp: TestSmtp;
  let missionId: string;
  let n = 0;
  const visitor = () => `198.51.${Math.floor(++n / 250)}.${n % 250}`;
  const PARTICIPATION = 'api::participation.participation';
  const SUBSCRIBER = 'api::subscriber.subscriber';
  const count = (uid: string) => app.strapi.db.query(uid).count();
  // each request from its own visitor (IS_PROXIED): the rate limits are tested elsewhere
  const post = (url: string, body: Json) => app.http().post(url).set('X-Forwarded-For', visitor()).send(body);
  const register = (body: Json) =>
    post(`/api/missions/${missionId}/registrations`, { lastName: 'Martin', email: `visiteur${++n}@example.org`, consent: true, ...body });
  const subscribe = (body: Json) => post('/api/subscribers', { email: `abonne${++n}@example.org`, ...body });
  const until = async (what: string, check: () => boolean) => {
    for (let i = 0; i < 200; i++) {
      if (check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`jamais arrivé : ${what}`);
  };

  const BAD: [string, RegExp][] = [
    ['Gagnez 500 € sur http://arnaque.example', /seuls les lettres/],
    ['Cliquez https://arnaque.example/x?y=1', /seuls les lettres/],
    ['Voir www.arnaque.fr', /adresse web/],
    ['arnaque.com', /adresse web/],
    ['Jean2', /seuls les lettres/],
    ['Jean\nCliquez ici', /seuls les lettres/],
    ['<b>Jean</b>', /seuls les lettres/],
    ['Jean@exemple', /seuls les lettres/],
    [". - '", /seuls les lettres/],
    ['a'.repeat(61), /60 caractères au maximum/],
  ];
  const GOOD = ['Zoé', 'Jean-Édouard', 'D’Artagnan', "O'Brien", 'J.-P.', 'St. Exupéry', 'Ōtsuka', 'a'.repeat(60)];

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startStrapi({ env: { ...smtp.env, IS_PROXIED: 'true', PUBLIC_URL: 'https://gestion.asso.test' } });
    const start = DateTime.now().plus({ days: 20 });
    const m = await app.strapi.documents('api::mission.mission').create({
      data: {
        title: 'Collecte',
        startAt: start.toISO(),
        endAt: start.plus({ hours: 2 }).toISO(),
        isPublic: true,
        publicRegistration: true,
      },
    });
    missionId = m.documentId;
  }, 300_000); // a boot can be slow on a busy machine
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });

  it.each(BAD)('pre-registration refuses the first or last name %j, writes nothing, sends nothing', async (name, reason) => {
    for (const [field, label] of [
      ['firstName', 'Prénom'],
      ['lastName', 'Nom'],
    ]) {
      const before = await count(PARTICIPATION);
      smtp.clear();
      const res = await register({ firstName: 'Claire', [field]: name });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(new RegExp(`^${label} : `));
      expect(res.body.error.message).toMatch(reason);
      expect(res.body.error.details.errors[0].path).toEqual([field]);
      expect(await count(PARTICIPATION)).toBe(before);
      expect(smtp.messages).toEqual([]);
    }
  });

  it.each(BAD)('newsletter subscription refuses the first name %j, writes nothing, sends nothing', async (name, reason) => {
    const before = await count(SUBSCRIBER);
    smtp.clear();
    const res = await subscribe({ firstName: name });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^Prénom : /);
    expect(res.body.error.message).toMatch(reason);
    expect(res.body.error.details.errors[0].path).toEqual(['firstName']);
    expect(await count(SUBSCRIBER)).toBe(before);
    expect(smtp.messages).toEqual([]);
  });

  it('a first name that is not a text is refused too', async () => {
    const res = await subscribe({ firstName: { $ne: '' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^Prénom : doit être un texte/);
  });

  it.each(GOOD)('the name %j is accepted on both forms and greeted as written', async (name) => {
    smtp.clear();
    const registration = await register({ firstName: name, lastName: name, email: `inscrit${++n}@example.org` });
    expect(registration.status).toBe(202);
    const subscription = await subscribe({ firstName: ` ${name} `, email: `lecteur${++n}@example.org` });
    expect(subscription.status).toBe(202);
    await until('les deux e-mails', () => smtp.messages.length === 2);
    for (const mail of smtp.messages) expect(mail.text).toContain(`Bonjour ${name},`);
  });
});
