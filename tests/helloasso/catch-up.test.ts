import { DateTime } from 'luxon';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import type { Doc, HelloAssoOrder, HelloAssoStandIn, Json, Saved } from '../helpers/types';

// the stand-in is plain JS, shared with scripts/bench.js
const { startHelloAssoStandIn, makeOrder, refund } = require('../helpers/helloasso-stand-in');

/**
 * What the synchronisation catches up beyond its two-day window: the refund of an older order whose
 * notification was lost (HelloAsso's refunded payments), and the past orders of a form mapped after them
 * (never mapped, or ignored until then). Runs on SQLite and PostgreSQL.
 */
describe(`HelloAsso catch-up (${DB_CLIENT})`, () => {
  let app: TestApp;
  let ha: HelloAssoStandIn;
  let treasurer: string;
  const MEMBER = 'api::member.member';
  const CONTRIBUTION = 'api::contribution.contribution';
  const PARTICIPATION = 'api::participation.participation';
  const FORM = 'api::helloasso-form.helloasso-form';
  const docs = (uid: string) => app.strapi.documents(uid);
  const ref: Record<string, Saved> = {};
  const orders: Record<string, HelloAssoOrder> = {};
  const daysAgo = (n: number) => DateTime.now().minus({ days: n }).toJSDate();
  const none = { members: 0, contributions: 0, donors: 0, donations: 0, participations: 0 };

  const sync = () => app.admin('post', '/back-office/helloasso/sync', treasurer).expect(200);
  const count = (uid: string, where: Json = {}) => app.strapi.db.query(uid).count({ where });
  const map = (formType: string, formSlug: string, body: Json) =>
    app.admin('put', `/back-office/helloasso/forms/${formType}/${formSlug}`, treasurer).send(body).expect(200);
  const formRequests = (formSlug: string) =>
    ha.state.requests.filter(
      (r) => r.path.endsWith(`/forms/Event/${formSlug}/orders`) || r.path.endsWith(`/forms/Membership/${formSlug}/orders`)
    ).length;

  beforeAll(async () => {
    ha = await startHelloAssoStandIn({ maxPageSize: 20 });
    app = await startStrapi({ env: ha.env });
    await docs('api::association.association').create({ data: { name: 'Les Amis du Quartier' } });
    ref.annual = await docs('api::membership-type.membership-type').create({
      data: { name: 'Adhésion annuelle', amount: 25, durationMonths: 12 },
    });
    ref.concert = await docs('api::mission.mission').create({
      data: { title: 'Concert de printemps', kind: 'event', startAt: DateTime.now().plus({ days: 20 }).toISO(), capacity: 50 },
    });
    ha.state.forms.push(
      { formSlug: 'adhesion-2026', formType: 'Membership', title: 'Adhésion 2026', state: 'Public' },
      { formSlug: 'concert', formType: 'Event', title: 'Concert de printemps', state: 'Public' },
      { formSlug: 'adhesion-famille', formType: 'Membership', title: 'Adhésion famille', state: 'Public' }
    );
    // paid three months ago: beyond the synchronisation's two-day window once imported
    orders.old = makeOrder({
      date: daysAgo(90),
      payer: { firstName: 'Marc', lastName: 'Lefèvre', email: 'marc@exemple.org' },
      items: [{ amount: 2500 }],
    });
    orders.other = makeOrder({
      date: daysAgo(80),
      payer: { firstName: 'Anne', lastName: 'Simon', email: 'anne@exemple.org' },
      items: [{ amount: 2500 }],
    });
    // tickets sold before the form is linked to its mission: set aside by the first synchronisations
    orders.ticket1 = makeOrder({
      date: daysAgo(60),
      formSlug: 'concert',
      formType: 'Event',
      payer: { firstName: 'Hugo', lastName: 'Petit', email: 'hugo@exemple.org' },
      items: [{ type: 'Registration', amount: 1000, name: 'Entrée' }],
    });
    orders.ticket2 = makeOrder({
      date: daysAgo(45),
      formSlug: 'concert',
      formType: 'Event',
      payer: { firstName: 'Inès', lastName: 'Roux', email: 'ines@exemple.org' },
      items: [{ type: 'Registration', amount: 1000, name: 'Entrée' }],
    });
    // a membership form ignored at first, then mapped
    orders.family = makeOrder({
      date: daysAgo(50),
      formSlug: 'adhesion-famille',
      payer: { firstName: 'Paul', lastName: 'Bernard', email: 'paul@exemple.org' },
      items: [{ amount: 4000 }],
    });
    ha.state.orders.push(...Object.values(orders));
    treasurer = await loginAs(app, 'asso-treasurer');
    await map('Membership', 'adhesion-2026', { kind: 'membership', membershipType: ref.annual.documentId });
    await map('Membership', 'adhesion-famille', { kind: 'ignored' });
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
    await ha?.stop();
  });

  it('imports what is mapped; the unlinked tickets and the ignored form are set aside', async () => {
    const first = await sync();
    expect(first.body).toEqual({ created: { ...none, members: 2, contributions: 2 }, updated: 0, refunded: 0, toReview: 0, errors: [] });
    expect(await count(PARTICIPATION)).toBe(0);
    expect(await count(MEMBER, { lastName: 'Bernard' })).toBe(0);
    expect((await sync()).body).toEqual({ created: none, updated: 0, refunded: 0, toReview: 0, errors: [] });
  });

  it('catches the refund of a three-month-old order whose notification was lost, counted once', async () => {
    // no notification: the order is far outside the window the synchronisation reads again
    refund(orders.old);
    const res = await sync();
    expect(res.body).toEqual({ created: none, updated: 0, refunded: 1, toReview: 0, errors: [] });
    const marc = await app.strapi.db.query(MEMBER).findOne({ where: { lastName: 'Lefèvre' }, populate: { contributions: true } });
    expect(marc.contributions.map((c: Json) => c.refunded)).toEqual([true]);
    expect(marc.duesPaidUntil).toBeNull();
    // the other membership stays counted
    const anne = await app.strapi.db.query(MEMBER).findOne({ where: { lastName: 'Simon' }, populate: { contributions: true } });
    expect(anne.contributions.map((c: Json) => c.refunded)).toEqual([false]);
    expect(anne.duesPaidUntil).not.toBeNull();
    // twice: nothing more, never counted again
    expect((await sync()).body).toEqual({ created: none, updated: 0, refunded: 0, toReview: 0, errors: [] });
    expect((await sync()).body.refunded).toBe(0);
    expect(await count(CONTRIBUTION, { refunded: true })).toBe(1);
    // the payments list was asked with HelloAsso's parameters: refunded and being refunded, the last twelve months
    const asked = ha.state.requests.filter((r) => r.path === '/v5/organizations/les-amis/payments');
    expect(asked.length).toBeGreaterThan(0);
    const query = new URLSearchParams(asked[0].query);
    expect(query.getAll('states')).toEqual(['Refunded', 'Refunding']);
    const from = DateTime.fromISO(query.get('from')!);
    expect(Math.round(DateTime.now().diff(from, 'months').months)).toBe(12);
  });

  it('a form mapped late gets its past orders at the next synchronisation, then not again', async () => {
    const linked = await map('Event', 'concert', { kind: 'mission', mission: ref.concert.documentId });
    expect(linked.body.pastOrdersPending).toBe(true);
    const listed = await app.admin('get', '/back-office/helloasso/forms', treasurer).expect(200);
    expect(listed.body.forms.find((f: Json) => f.formSlug === 'concert').pastOrdersPending).toBe(true);
    expect(listed.body.forms.find((f: Json) => f.formSlug === 'adhesion-2026').pastOrdersPending).toBe(false);
    // the ignored form mapped to a membership type: its set-aside item is imported too
    expect(
      (await map('Membership', 'adhesion-famille', { kind: 'membership', membershipType: ref.annual.documentId })).body.pastOrdersPending
    ).toBe(true);

    const res = await sync();
    expect(res.body).toEqual({
      created: { ...none, members: 1, contributions: 1, participations: 2 },
      updated: 0,
      refunded: 0,
      toReview: 0,
      errors: [],
    });
    const tickets = await app.strapi.db
      .query(PARTICIPATION)
      .findMany({ where: { mission: { documentId: ref.concert.documentId } }, orderBy: { id: 'asc' } });
    expect(tickets.map((p: Json) => [p.lastName, p.status, p.source])).toEqual([
      ['Petit', 'confirmed', 'helloasso'],
      ['Roux', 'confirmed', 'helloasso'],
    ]);
    const paul = await app.strapi.db
      .query(MEMBER)
      .findOne({ where: { lastName: 'Bernard' }, populate: { contributions: { populate: { membershipType: true } } } });
    expect(paul.contributions.map((c: Doc<'api::contribution.contribution'>) => [c.amount, c.membershipType?.name])).toEqual([
      [40, 'Adhésion annuelle'],
    ]);
    expect(await app.strapi.db.query(FORM).count({ where: { pastOrdersPending: true } })).toBe(0);

    // then not again: the forms are no longer read, nothing created twice
    const before = formRequests('concert');
    expect((await sync()).body).toEqual({ created: none, updated: 0, refunded: 0, toReview: 0, errors: [] });
    expect(formRequests('concert')).toBe(before);
    expect(await count(PARTICIPATION)).toBe(2);
    // a change between two kinds (already read) does not read the past again
    expect((await map('Event', 'concert', { kind: 'ignored' })).body.pastOrdersPending).toBe(false);
    expect((await map('Membership', 'adhesion-2026', { kind: 'donation', campaign: 'Hiver' })).body.pastOrdersPending).toBe(false);
    await map('Membership', 'adhesion-2026', { kind: 'membership', membershipType: ref.annual.documentId });
    expect(await app.strapi.db.query(FORM).count({ where: { pastOrdersPending: true } })).toBe(0);
  });

  it('a form whose past orders fail to come keeps its flag, and is read again next time', async () => {
    const late = makeOrder({
      date: daysAgo(40),
      formSlug: 'concert',
      formType: 'Event',
      payer: { firstName: 'Léo', lastName: 'Garnier', email: 'leo@exemple.org' },
      items: [{ type: 'Registration', amount: 1000, name: 'Entrée' }],
    });
    ha.state.orders.push(late);
    await map('Event', 'concert', { kind: 'mission', mission: ref.concert.documentId });
    ha.failNext(/\/forms\/Event\/concert\/orders/, 10, 500);
    const failed = await sync();
    expect(failed.body.errors).toEqual([expect.stringMatching(/HelloAsso ne répond pas correctement \(erreur 500\)/)]);
    expect(await count(PARTICIPATION, { lastName: 'Garnier' })).toBe(0);
    ha.state.failures.length = 0;
    const resumed = await sync();
    expect(resumed.body).toEqual({ created: { ...none, participations: 1 }, updated: 0, refunded: 0, toReview: 0, errors: [] });
    expect(await count(PARTICIPATION)).toBe(3);
    expect(await app.strapi.db.query(FORM).count({ where: { pastOrdersPending: true } })).toBe(0);
  });
});
