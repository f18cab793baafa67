import { DateTime } from 'luxon';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import type { HelloAssoStandIn, Json, Saved } from '../helpers/types';

// the stand-in is plain JS, shared with scripts/bench.js
const { startHelloAssoStandIn, makeOrder } = require('../helpers/helloasso-stand-in');

/**
 * Donors: the payer of a donation is the donor the e-mail finds; when several donors carry the payer's
 * name and no e-mail decides, the donation waits in « À vérifier » with the donors as candidates, and the
 * treasurer links it to one of them or creates a new donor. Runs on SQLite and PostgreSQL.
 */
describe(`HelloAsso donors to check (${DB_CLIENT})`, () => {
  let app: TestApp;
  let ha: HelloAssoStandIn;
  let treasurer: string;
  const DONOR = 'api::donor.donor';
  const DONATION = 'api::donation.donation';
  const docs = (uid: string) => app.strapi.documents(uid);
  const ref: Record<string, Saved> = {};
  const daysAgo = (n: number) => DateTime.now().minus({ days: n }).toJSDate();
  const none = { members: 0, contributions: 0, donors: 0, donations: 0, participations: 0 };
  const sync = () => app.admin('post', '/back-office/helloasso/sync', treasurer).expect(200);
  const count = (uid: string, where: Json = {}) => app.strapi.db.query(uid).count({ where });
  const reviews = async () => (await app.admin('get', '/back-office/helloasso/reviews', treasurer).expect(200)).body.reviews;
  const resolve = (id: number, body: Json) => app.admin('post', `/back-office/helloasso/reviews/${id}/resolve`, treasurer).send(body);
  const donation = (payer: Json, days: number, amount = 5000) =>
    makeOrder({
      date: daysAgo(days),
      formSlug: 'dons',
      formType: 'Donation',
      payer,
      items: [{ type: 'Donation', amount, name: 'Don libre' }],
    });

  beforeAll(async () => {
    ha = await startHelloAssoStandIn();
    app = await startStrapi({ env: ha.env });
    await docs('api::association.association').create({ data: { name: 'Les Amis du Quartier' } });
    ref.jeanLyon = await docs(DONOR).create({ data: { kind: 'individual', firstName: 'Jean', lastName: 'Dupont', city: 'Lyon' } });
    ref.jeanParis = await docs(DONOR).create({
      data: { kind: 'individual', firstName: 'Jean', lastName: 'Dupont', email: 'jean.dupont@exemple.org', city: 'Paris' },
    });
    ref.alice1 = await docs(DONOR).create({
      data: { kind: 'individual', firstName: 'Alice', lastName: 'Moreau', email: 'alice@exemple.org' },
    });
    ref.alice2 = await docs(DONOR).create({ data: { kind: 'individual', firstName: 'Alice', lastName: 'Moreau' } });
    ha.state.forms.push({ formSlug: 'dons', formType: 'Donation', title: 'Appel de fin d’année', state: 'Public' });
    ha.state.orders.push(
      // two donors carry the name and the e-mail is neither's: to check
      donation({ firstName: 'Jean', lastName: 'DUPONT', email: 'jd@exemple.org' }, 10),
      donation({ firstName: 'Jean', lastName: 'Dupont', email: 'jdupont@exemple.org' }, 9, 2000),
      // the e-mail decides between the two Alice Moreau
      donation({ firstName: 'Alice', lastName: 'Moreau', email: 'Alice@Exemple.org' }, 8, 3000)
    );
    treasurer = await loginAs(app, 'asso-treasurer');
    await app
      .admin('put', '/back-office/helloasso/forms/Donation/dons', treasurer)
      .send({ kind: 'donation', campaign: 'Fin d’année' })
      .expect(200);
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
    await ha?.stop();
  });

  it('an ambiguous donor waits with the donors as candidates; the e-mail decides when it can', async () => {
    const res = await sync();
    expect(res.body).toEqual({ created: { ...none, donations: 1 }, updated: 0, refunded: 0, toReview: 2, errors: [] });
    expect(await count(DONATION, { donor: { documentId: ref.alice1.documentId } })).toBe(1);
    expect(await count(DONATION, { donor: { lastName: 'Dupont' } })).toBe(0);
    expect(await count(DONOR)).toBe(4);

    const list = await reviews();
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({
      itemType: 'Donation',
      amount: '50.00',
      formTitle: 'Appel de fin d’année',
      candidateKind: 'donor',
      person: { firstName: 'Jean', lastName: 'DUPONT', email: 'jd@exemple.org' },
    });
    expect(list[0].reason).toMatch(/2 donateurs correspondent \(même nom, aucun e-mail pour les départager\)/);
    expect(list[0].candidates.sort((a: { city: string }, b: { city: string }) => a.city.localeCompare(b.city))).toEqual([
      {
        documentId: ref.jeanLyon.documentId,
        memberNumber: null,
        displayName: ref.jeanLyon.displayName,
        email: null,
        birthDate: null,
        city: 'Lyon',
      },
      {
        documentId: ref.jeanParis.documentId,
        memberNumber: null,
        displayName: ref.jeanParis.displayName,
        email: 'jean.dupont@exemple.org',
        birthDate: null,
        city: 'Paris',
      },
    ]);
    // twice: still waiting, nothing created
    expect((await sync()).body).toEqual({ created: none, updated: 0, refunded: 0, toReview: 0, errors: [] });
  });

  it('the treasurer links the donation to a donor, or creates a new donor; a member is refused', async () => {
    const [first, second] = await reviews();
    const refused = await resolve(first.id, { member: ref.jeanLyon.documentId }).expect(400);
    expect(refused.body.error.message).toMatch(/Donateur : choisissez le donateur/);
    expect((await resolve(first.id, { donor: 'inconnu' }).expect(400)).body.error.message).toMatch(/Donateur : cette fiche n’existe pas/);
    expect(await count(DONATION)).toBe(1);

    const linked = await resolve(first.id, { donor: ref.jeanLyon.documentId }).expect(200);
    expect(linked.body).toEqual({ created: { ...none, donations: 1 }, updated: 0, refunded: 0, toReview: 0, errors: [] });
    const toLyon = await app.strapi.db.query(DONATION).findOne({ where: { donor: { documentId: ref.jeanLyon.documentId } } });
    expect(toLyon).toMatchObject({ amount: 50, method: 'helloasso', campaign: 'Fin d’année', refunded: false });

    const created = await resolve(second.id, { createDonor: true }).expect(200);
    expect(created.body.created).toEqual({ ...none, donors: 1, donations: 1 });
    const newcomer = await app.strapi.db.query(DONOR).findOne({ where: { email: 'jdupont@exemple.org' }, populate: { donations: true } });
    expect(newcomer).toMatchObject({ firstName: 'Jean', lastName: 'Dupont' });
    expect(newcomer.donations.map((d: Json) => Number(d.amount))).toEqual([20]);

    expect((await resolve(first.id, { donor: ref.jeanParis.documentId }).expect(409)).body.error.message).toMatch(/déjà été traité/);
    expect(await reviews()).toEqual([]);
    expect((await sync()).body).toEqual({ created: none, updated: 0, refunded: 0, toReview: 0, errors: [] });
    expect(await count(DONATION)).toBe(3);
    expect(await count(DONATION, { donor: { documentId: ref.jeanParis.documentId } })).toBe(0);
  });
});
