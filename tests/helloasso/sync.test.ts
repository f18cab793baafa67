import { DateTime } from 'luxon';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import type { HelloAssoOrder, HelloAssoStandIn, Json, Saved } from '../helpers/types';

// the stand-in is plain JS, shared with scripts/bench.js
const { startHelloAssoStandIn, makeOrder, refund } = require('../helpers/helloasso-stand-in');

/**
 * HelloAsso synchronisation against a stand-in of the API v5 (tests/helpers/helloasso-stand-in.js):
 * memberships paid by a parent for a child, a member found by e-mail, a company donation whose receipt
 * HelloAsso issued, an ambiguous person waiting in the review list then resolved, tickets beyond a
 * mission's capacity, refunds, a page failing then succeeding, a page failing for good (resumed next
 * time), an access token expiring in the middle, notifications (known and unknown orders), two
 * synchronisations creating nothing twice, the rights. Runs on SQLite and PostgreSQL.
 */
describe(`HelloAsso synchronisation (${DB_CLIENT})`, () => {
  let app: TestApp;
  let ha: HelloAssoStandIn;
  let treasurer: string;
  const MEMBER = 'api::member.member';
  const CONTRIBUTION = 'api::contribution.contribution';
  const DONATION = 'api::donation.donation';
  const DONOR = 'api::donor.donor';
  const PARTICIPATION = 'api::participation.participation';
  const docs = (uid: string) => app.strapi.documents(uid);
  const ref: Record<string, Saved> = {};
  const orders: Record<string, HelloAssoOrder> = {};
  const daysAgo = (n: number) => DateTime.now().minus({ days: n }).toJSDate();

  const sync = (token = treasurer) => app.admin('post', '/back-office/helloasso/sync', token);
  const count = (uid: string, where: Json = {}) => app.strapi.db.query(uid).count({ where });

  beforeAll(async () => {
    ha = await startHelloAssoStandIn({ maxPageSize: 20, expiresIn: 1800 });
    app = await startStrapi({ env: ha.env });
    await docs('api::association.association').create({ data: { name: 'Les Amis du Quartier' } });
    ref.annual = await docs('api::membership-type.membership-type').create({
      data: { name: 'Adhésion annuelle', amount: 25, durationMonths: 12 },
    });
    ref.claire = await docs(MEMBER).create({ data: { firstName: 'Claire', lastName: 'Martin', email: 'claire.martin@exemple.org' } });
    ref.jean1 = await docs(MEMBER).create({ data: { firstName: 'Jean', lastName: 'Dupont', city: 'Lyon' } });
    ref.jean2 = await docs(MEMBER).create({ data: { firstName: 'Jean', lastName: 'Dupont', city: 'Villeurbanne' } });
    ref.gala = await docs('api::mission.mission').create({
      data: { title: 'Repas solidaire', kind: 'event', startAt: DateTime.now().plus({ days: 20 }).toISO(), capacity: 1 },
    });
    ha.state.forms.push(
      { formSlug: 'adhesion-2026', formType: 'Membership', title: 'Adhésion 2026', state: 'Public' },
      { formSlug: 'dons-hiver', formType: 'Donation', title: 'Campagne d’hiver', state: 'Public' },
      { formSlug: 'repas-solidaire', formType: 'Event', title: 'Repas solidaire', state: 'Public' }
    );
    // a parent pays the membership of their daughter, whose own e-mail and birth date are custom fields
    orders.child = makeOrder({
      date: daysAgo(30),
      payer: {
        firstName: 'Paul',
        lastName: 'Bernard',
        email: 'paul.bernard@exemple.org',
        address: '3 rue des Lilas',
        city: 'Lyon',
        zipCode: '69003',
      },
      items: [
        {
          amount: 2500,
          name: 'Adhésion jeune',
          user: { firstName: 'Léa', lastName: 'Bernard' },
          customFields: [
            { name: 'Email', type: 'Email', answer: 'Lea.Bernard@Exemple.org' },
            { name: 'Date de naissance', type: 'Date', answer: '12/04/2008' },
            { name: 'Téléphone', type: 'Phone', answer: '06 12 34 56 78' },
          ],
        },
      ],
    });
    // Claire pays for herself, with her e-mail in capitals: the member she already is
    orders.claire = makeOrder({
      date: daysAgo(29),
      payer: { firstName: 'CLAIRE', lastName: 'martin', email: 'Claire.Martin@Exemple.org' },
      items: [{ amount: 2500 }],
    });
    // a company gives through the donation form; HelloAsso issued the tax receipt; order.id == item.id
    orders.company = makeOrder({
      orderId: 777001,
      date: daysAgo(28),
      formSlug: 'dons-hiver',
      formType: 'Donation',
      payer: {
        firstName: 'Sophie',
        lastName: 'Leroy',
        email: 'compta@boulangerie-leroy.fr',
        company: 'Boulangerie Leroy',
        address: '1 place Carnot',
        city: 'Lyon',
        zipCode: '69002',
        country: 'BEL',
      },
      items: [{ id: 777001, type: 'Donation', amount: 15050, name: 'Don libre' }],
      fiscalReceiptUrl: 'https://www.helloasso.com/recu/777001',
    });
    // Jean Dupont: two members carry the name, neither has a birth date → review
    orders.jean = makeOrder({
      date: daysAgo(27),
      payer: { firstName: 'Jean', lastName: 'Dupont', email: 'jd@exemple.org' },
      items: [{ amount: 2500 }],
    });
    // two tickets for a mission with one place
    orders.ticket1 = makeOrder({
      date: daysAgo(26),
      formSlug: 'repas-solidaire',
      formType: 'Event',
      payer: { firstName: 'Hugo', lastName: 'Petit', email: 'hugo@exemple.org' },
      items: [{ type: 'Registration', amount: 1000, name: 'Repas adulte' }],
    });
    orders.ticket2 = makeOrder({
      date: daysAgo(25),
      formSlug: 'repas-solidaire',
      formType: 'Event',
      payer: { firstName: 'Inès', lastName: 'Roux', email: 'ines@exemple.org' },
      items: [{ type: 'Registration', amount: 1000, name: 'Repas adulte' }],
    });
    // a membership that will be refunded
    orders.later = makeOrder({
      date: daysAgo(24),
      payer: { firstName: 'Marc', lastName: 'Lefèvre', email: 'marc@exemple.org', dateOfBirth: '1980-05-01T00:00:00+02:00' },
      items: [{ amount: 2500 }],
    });
    // not paid yet: nothing
    orders.pending = makeOrder({
      date: daysAgo(23),
      paymentState: 'Pending',
      payer: { firstName: 'Nina', lastName: 'Garnier', email: 'nina@exemple.org' },
      items: [{ amount: 2500 }],
    });
    ha.state.orders.push(...Object.values(orders));
    treasurer = await loginAs(app, 'asso-treasurer');
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
    await ha?.stop();
  });

  it('is reserved to the treasurer (and the president): another role gets 403', async () => {
    const secretary = await loginAs(app, 'asso-secretary');
    for (const [method, url] of [
      ['get', '/back-office/helloasso/status'],
      ['post', '/back-office/helloasso/sync'],
      ['get', '/back-office/helloasso/forms'],
      ['get', '/back-office/helloasso/reviews'],
    ] as const) {
      await app.admin(method, url, secretary).expect(403);
    }
    await app.http().get('/back-office/helloasso/status').expect(401);
  });

  it('connects with the credentials; the tokens are stored encrypted', async () => {
    const res = await app.admin('get', '/back-office/helloasso/status', treasurer).expect(200);
    expect(res.body).toMatchObject({
      configured: true,
      connected: true,
      organization: 'les-amis',
      error: null,
      lastSyncs: [],
      toReviewCount: 0,
    });
    const stored = String(await app.strapi.store({ type: 'plugin', name: 'back-office-helloasso' }).get({ key: 'tokens' }));
    const issued = [...ha.state.tokens.keys()];
    expect(issued.length).toBeGreaterThan(0);
    for (const token of issued) expect(stored).not.toContain(token);
    expect(stored).toMatch(/^v1:/);
  });

  it('lists the forms and maps them; a missing or unknown target is refused in French', async () => {
    const list = await app.admin('get', '/back-office/helloasso/forms', treasurer).expect(200);
    expect(list.body.forms.map((f: Json) => f.formSlug)).toEqual(['adhesion-2026', 'dons-hiver', 'repas-solidaire']);
    expect(list.body.forms[0].mapping).toEqual({ kind: null, membershipType: null, campaign: null, mission: null });
    expect(list.body.choices.membershipTypes).toEqual([{ documentId: ref.annual.documentId, name: 'Adhésion annuelle' }]);

    const bad = await app
      .admin('put', '/back-office/helloasso/forms/Membership/adhesion-2026', treasurer)
      .send({ kind: 'membership', membershipType: 'inconnu' })
      .expect(400);
    expect(bad.body.error.message).toMatch(/Type d’adhésion/);
    const missing = await app
      .admin('put', '/back-office/helloasso/forms/Event/repas-solidaire', treasurer)
      .send({ kind: 'mission' })
      .expect(400);
    expect(missing.body.error.message).toMatch(/Mission/);

    const membership = await app
      .admin('put', '/back-office/helloasso/forms/Membership/adhesion-2026', treasurer)
      .send({ kind: 'membership', membershipType: ref.annual.documentId })
      .expect(200);
    expect(membership.body).toEqual({
      formSlug: 'adhesion-2026',
      formType: 'Membership',
      title: 'Adhésion 2026',
      // mapped before the first synchronisation, which reads every order anyway: nothing to take up again
      pastOrdersPending: false,
      mapping: {
        kind: 'membership',
        membershipType: { documentId: ref.annual.documentId, name: 'Adhésion annuelle' },
        campaign: null,
        mission: null,
      },
    });
    await app
      .admin('put', '/back-office/helloasso/forms/Donation/dons-hiver', treasurer)
      .send({ kind: 'donation', campaign: 'Hiver 2026' })
      .expect(200);
    const event = await app
      .admin('put', '/back-office/helloasso/forms/Event/repas-solidaire', treasurer)
      .send({ kind: 'mission', mission: ref.gala.documentId })
      .expect(200);
    expect(event.body.mapping.mission).toEqual({ documentId: ref.gala.documentId, title: 'Repas solidaire' });
  });

  it('imports memberships, donations and tickets; the ambiguous person waits for review', async () => {
    const res = await sync().expect(200);
    expect(res.body).toEqual({
      created: { members: 2, contributions: 3, donors: 1, donations: 1, participations: 2 },
      updated: 0,
      refunded: 0,
      toReview: 1,
      errors: [expect.stringMatching(/Inès Roux : billet payé .* liste d’attente/)],
    });

    // the daughter, with her own e-mail (lower case), birth date and phone; the parent's address is not hers
    const lea = await app.strapi.db
      .query(MEMBER)
      .findOne({ where: { lastName: 'Bernard', firstName: 'Léa' }, populate: { contributions: { populate: { membershipType: true } } } });
    expect(lea).toMatchObject({
      email: 'lea.bernard@exemple.org',
      birthDate: '2008-04-12',
      phone: '06 12 34 56 78',
      address: null,
      origin: 'HelloAsso',
    });
    expect(lea.memberNumber).toBeGreaterThan(0);
    const [c] = lea.contributions;
    const paidAt = DateTime.fromJSDate(daysAgo(30)).setZone('Europe/Paris').toISODate()!;
    expect(c).toMatchObject({
      amount: 25,
      paymentMethod: 'helloasso',
      paidAt,
      periodStart: paidAt,
      periodEnd: DateTime.fromISO(paidAt).plus({ years: 1 }).minus({ days: 1 }).toISODate(),
      refunded: false,
    });
    expect(c.membershipType.name).toBe('Adhésion annuelle');
    expect(c.reference).toContain(String(orders.child.id));
    expect(lea.duesPaidUntil).toBe(c.periodEnd);

    // Claire: found by her e-mail, no second record
    expect(await count(MEMBER, { lastName: 'Martin' })).toBe(1);
    expect(await count(CONTRIBUTION, { member: { documentId: ref.claire.documentId } })).toBe(1);

    // the company donation, receipted by HelloAsso: never on our receipts
    const donor = await app.strapi.db.query(DONOR).findOne({ where: { companyName: 'Boulangerie Leroy' } });
    expect(donor).toMatchObject({ kind: 'company', email: 'compta@boulangerie-leroy.fr', country: 'Belgique', postalCode: '69002' });
    const donation = await app.strapi.db.query(DONATION).findOne({ where: { donor: { id: donor.id } } });
    expect(donation).toMatchObject({
      amount: 150.5,
      method: 'helloasso',
      campaign: 'Hiver 2026',
      receiptedElsewhere: true,
      refunded: false,
    });

    // one place: the second paid ticket waits, flagged for the volunteer manager
    const tickets = await app.strapi.db
      .query(PARTICIPATION)
      .findMany({ where: { mission: { documentId: ref.gala.documentId } }, orderBy: { id: 'asc' } });
    expect(tickets.map((p: Json) => [p.lastName, p.status, p.source])).toEqual([
      ['Petit', 'confirmed', 'helloasso'],
      ['Roux', 'waitlisted', 'helloasso'],
    ]);
    expect(tickets[1].notes).toMatch(/BILLET PAYÉ, MISSION COMPLÈTE/);

    // Jean Dupont: nothing written, waiting
    expect(await count(CONTRIBUTION, { member: { lastName: 'Dupont' } })).toBe(0);
    // the unpaid order: nothing
    expect(await count(MEMBER, { lastName: 'Garnier' })).toBe(0);
  });

  it('a second synchronisation creates nothing twice', async () => {
    const before = { m: await count(MEMBER), c: await count(CONTRIBUTION), d: await count(DONATION), p: await count(PARTICIPATION) };
    const res = await sync().expect(200);
    expect(res.body).toEqual({
      created: { members: 0, contributions: 0, donors: 0, donations: 0, participations: 0 },
      updated: 0,
      refunded: 0,
      toReview: 0,
      errors: [],
    });
    expect({ m: await count(MEMBER), c: await count(CONTRIBUTION), d: await count(DONATION), p: await count(PARTICIPATION) }).toEqual(
      before
    );
  });

  it('lists the person to check with the candidates, and imports the item once linked', async () => {
    const list = await app.admin('get', '/back-office/helloasso/reviews', treasurer).expect(200);
    expect(list.body.reviews).toHaveLength(1);
    const [review] = list.body.reviews;
    expect(review).toMatchObject({
      itemType: 'Membership',
      candidateKind: 'member',
      orderId: String(orders.jean.id),
      amount: '25.00',
      formTitle: 'Adhésion 2026',
      tier: 'Tarif normal',
      person: { firstName: 'Jean', lastName: 'Dupont', email: 'jd@exemple.org' },
    });
    expect(review.reason).toMatch(/2 adhérents portent ce nom/);
    expect(review.candidates.map((c: Json) => c.documentId).sort()).toEqual([ref.jean1.documentId, ref.jean2.documentId].sort());
    expect((await app.admin('get', '/back-office/helloasso/status', treasurer)).body.toReviewCount).toBe(1);

    await app.admin('post', `/back-office/helloasso/reviews/${review.id}/resolve`, treasurer).send({}).expect(400);
    const done = await app
      .admin('post', `/back-office/helloasso/reviews/${review.id}/resolve`, treasurer)
      .send({ member: ref.jean2.documentId })
      .expect(200);
    expect(done.body.created).toEqual({ members: 0, contributions: 1, donors: 0, donations: 0, participations: 0 });
    // what HelloAsso knows and the record did not: written, never over a stored value
    expect(done.body.updated).toBe(1);
    expect(await app.strapi.db.query(MEMBER).findOne({ where: { documentId: ref.jean2.documentId } })).toMatchObject({
      email: 'jd@exemple.org',
      city: 'Villeurbanne',
    });
    expect(await count(CONTRIBUTION, { member: { documentId: ref.jean2.documentId } })).toBe(1);
    expect(await count(CONTRIBUTION, { member: { documentId: ref.jean1.documentId } })).toBe(0);
    const again = await app
      .admin('post', `/back-office/helloasso/reviews/${review.id}/resolve`, treasurer)
      .send({ member: ref.jean1.documentId })
      .expect(409);
    expect(again.body.error.message).toMatch(/déjà été traité/);
    await app.admin('post', '/back-office/helloasso/reviews/999999/resolve', treasurer).send({ createMember: true }).expect(404);
    expect((await app.admin('get', '/back-office/helloasso/reviews', treasurer)).body.reviews).toEqual([]);
    // and the synchronisation does not import it a second time
    expect((await sync().expect(200)).body.created.contributions).toBe(0);
  });

  it('marks refunds: kept, excluded from dues and totals, never deleted', async () => {
    const marc = await app.strapi.db.query(MEMBER).findOne({ where: { lastName: 'Lefèvre' } });
    expect(marc.birthDate).toBe('1980-05-01');
    expect(marc.duesPaidUntil).not.toBeNull();
    // a recent order refunded: seen by the synchronisation (its window overlaps the last two days)
    const recent = makeOrder({
      date: daysAgo(1),
      payer: { firstName: 'Zoé', lastName: 'Aubert', email: 'zoe@exemple.org' },
      items: [{ amount: 2500 }],
    });
    ha.state.orders.push(recent);
    expect((await sync().expect(200)).body.created.contributions).toBe(1);
    refund(recent);
    const res = await sync().expect(200);
    expect(res.body).toMatchObject({ created: { members: 0, contributions: 0, donors: 0, donations: 0, participations: 0 }, refunded: 1 });
    expect((await app.strapi.db.query(CONTRIBUTION).findOne({ where: { member: { lastName: 'Aubert' } } })).refunded).toBe(true);
    // older refunds come with HelloAsso's payment notifications
    for (const order of [orders.later, orders.company, orders.ticket1]) {
      refund(order);
      await app
        .http()
        .post('/api/helloasso/notifications')
        .send({ eventType: 'Payment', data: { id: order.payments[0].id, state: 'Refunded', order: { id: order.id } } })
        .expect(200);
    }
    const contribution = await app.strapi.db.query(CONTRIBUTION).findOne({ where: { member: { id: marc.id } } });
    expect(contribution.refunded).toBe(true);
    expect((await app.strapi.db.query(MEMBER).findOne({ where: { id: marc.id } })).duesPaidUntil).toBeNull();
    expect((await app.strapi.db.query(DONATION).findOne({ where: { campaign: 'Hiver 2026' } })).refunded).toBe(true);
    // the cancelled ticket frees its place: the waiting paid ticket gets it
    const tickets = await app.strapi.db
      .query(PARTICIPATION)
      .findMany({ where: { mission: { documentId: ref.gala.documentId } }, orderBy: { id: 'asc' } });
    expect(tickets.map((p: Json) => p.status)).toEqual(['cancelled', 'confirmed']);
    // the dashboard's totals leave the refunds out: Léa, Claire and Jean counted, Marc and Zoé not
    const year = DateTime.fromJSDate(daysAgo(24)).setZone('Europe/Paris').year;
    const stats = await app.admin('get', `/back-office/stats?year=${year}`).expect(200);
    if (DateTime.fromJSDate(daysAgo(1)).year === DateTime.fromJSDate(daysAgo(30)).year) expect(stats.body.dues).toMatchObject({ count: 3 });
    expect(stats.body.donations).toMatchObject({ count: 0, donors: 0 });
    // a second pass changes nothing more
    expect((await sync().expect(200)).body.refunded).toBe(0);
  });

  it('retries a page failing once; a page failing for good stops the synchronisation, which resumes next time', async () => {
    const base = daysAgo(1).getTime();
    const batch = Array.from({ length: 45 }, (_, i) =>
      makeOrder({
        date: new Date(base + i * 60_000),
        payer: { firstName: `Prénom${i}`, lastName: `Nouveau${i}`, email: `nouveau${i}@exemple.org` },
        items: [{ amount: 2500 }],
      })
    );
    ha.state.orders.push(...batch);
    // page 2 fails for good (every retry): page 1 is kept
    ha.failNext(/\/orders\?.*continuationToken=MjA/, 10, 500);
    const failed = await sync().expect(200);
    expect(failed.body.errors).toEqual([expect.stringMatching(/HelloAsso ne répond pas correctement \(erreur 500\).*réessayez plus tard/)]);
    const imported = failed.body.created.contributions;
    expect(imported).toBeGreaterThan(0);
    expect(imported).toBeLessThan(45);
    expect(await count(MEMBER, { lastName: { $startsWith: 'Nouveau' } })).toBe(imported);
    const status = await app.admin('get', '/back-office/helloasso/status', treasurer).expect(200);
    expect(status.body.lastSyncs[0]).toMatchObject({ trigger: 'manual', errors: failed.body.errors, created: { contributions: imported } });

    ha.state.failures.length = 0;
    ha.failNext(/\/orders\?/, 1, 503); // once, then fine
    const resumed = await sync().expect(200);
    expect(resumed.body.errors).toEqual([]);
    expect(resumed.body.created.contributions).toBe(45 - imported);
    expect(await count(MEMBER, { lastName: { $startsWith: 'Nouveau' } })).toBe(45);
  });

  it('renews an access token that expires in the middle (refresh token, rotated)', async () => {
    ha.state.orders.push(
      makeOrder({
        date: new Date(),
        payer: { firstName: 'Olivia', lastName: 'Marchand', email: 'olivia@exemple.org' },
        items: [{ amount: 2500 }],
      })
    );
    // the window holds three pages (the 45 orders above and this one): the token expires after the first
    ha.expireTokensAfter(1);
    const grants = ha.state.tokenGrants.length;
    const requests = ha.state.requests.length;
    const res = await sync().expect(200);
    expect(res.body.errors).toEqual([]);
    expect(res.body.created.members).toBe(1);
    expect(ha.state.tokenGrants.slice(grants)).toEqual(['refresh_token']);
    // the second page was asked twice: refused (401), then with the new token
    const pages = ha.state.requests.slice(requests).filter((r) => r.path.endsWith('/orders'));
    expect(pages.length).toBe(4 + 1);
  });

  it('notifications: the order is read from HelloAsso and imported once; an unknown order changes nothing', async () => {
    const order = makeOrder({
      date: new Date(),
      payer: { firstName: 'Rose', lastName: 'Fontaine', email: 'rose@exemple.org' },
      items: [{ amount: 2500 }],
    });
    ha.state.orders.push(order);
    const members = await count(MEMBER);
    await app
      .http()
      .post('/api/helloasso/notifications')
      .send({ eventType: 'Order', data: { id: 987654321 } })
      .expect(200);
    expect(await count(MEMBER)).toBe(members);
    // the notification's content is never trusted: only its order id
    await app
      .http()
      .post('/api/helloasso/notifications')
      .send({ eventType: 'Order', data: { id: order.id, payer: { firstName: 'Faux', lastName: 'Nom' } } })
      .expect(200);
    expect(await count(MEMBER, { lastName: 'Fontaine' })).toBe(1);
    expect(await count(MEMBER, { lastName: 'Nom' })).toBe(0);
    await app
      .http()
      .post('/api/helloasso/notifications')
      .send({ eventType: 'Payment', data: { id: order.payments[0].id, order: { id: order.id } } })
      .expect(200);
    await app.http().post('/api/helloasso/notifications').send('pas du json').expect(200);
    expect((await sync().expect(200)).body.created).toEqual({ members: 0, contributions: 0, donors: 0, donations: 0, participations: 0 });
    expect(await count(CONTRIBUTION, { member: { lastName: 'Fontaine' } })).toBe(1);
    const status = await app.admin('get', '/back-office/helloasso/status', treasurer).expect(200);
    expect(status.body.lastSyncs.length).toBeLessThanOrEqual(10);
    expect(
      status.body.lastSyncs.some(
        (s: { trigger: string; errors: string[] }) =>
          s.trigger === 'notification' && s.errors.some((e: string) => /987654321 est inconnue/.test(e))
      )
    ).toBe(true);
  });

  it('an e-mail held by someone else is a doubt: the treasurer can create a new record (without that e-mail)', async () => {
    ha.state.orders.push(
      makeOrder({
        date: new Date(),
        payer: { firstName: 'Claire', lastName: 'Martin', email: 'claire.martin@exemple.org' },
        items: [
          {
            amount: 2500,
            user: { firstName: 'Lucie', lastName: 'Martin' },
            customFields: [{ name: 'E-mail de l’adhérent', type: 'Email', answer: 'claire.martin@exemple.org' }],
          },
        ],
      })
    );
    const res = await sync().expect(200);
    expect(res.body).toMatchObject({ created: { members: 0, contributions: 0 }, toReview: 1 });
    const [review] = (await app.admin('get', '/back-office/helloasso/reviews', treasurer).expect(200)).body.reviews;
    expect(review.reason).toMatch(/claire\.martin@exemple\.org est celui de .*Claire/);
    expect(review.candidates.map((c: Json) => c.documentId)).toEqual([ref.claire.documentId]);
    const done = await app
      .admin('post', `/back-office/helloasso/reviews/${review.id}/resolve`, treasurer)
      .send({ createMember: true })
      .expect(200);
    expect(done.body).toMatchObject({ created: { members: 1, contributions: 1 }, errors: [] });
    const lucie = await app.strapi.db.query(MEMBER).findOne({ where: { firstName: 'Lucie', lastName: 'Martin' } });
    expect(lucie.email).toBeNull();
    expect(await count(CONTRIBUTION, { member: { id: lucie.id } })).toBe(1);
  });

  it('refuses a second synchronisation while one is running (409), and says when HelloAsso is not configured or refuses the credentials', async () => {
    const running = await app.strapi.db
      .query('api::helloasso-sync.helloasso-sync')
      .create({ data: { trigger: 'cron', state: 'running', startedAt: new Date() } });
    const busy = await sync().expect(409);
    expect(busy.body.error.message).toMatch(/déjà en cours/);
    await app.strapi.db
      .query('api::helloasso-sync.helloasso-sync')
      .update({ where: { id: running.id }, data: { state: 'done', finishedAt: new Date() } });

    const id = process.env.HELLOASSO_CLIENT_ID;
    process.env.HELLOASSO_CLIENT_ID = 'mauvais-identifiant';
    try {
      const status = await app.admin('get', '/back-office/helloasso/status', treasurer).expect(200);
      expect(status.body).toMatchObject({ configured: true, connected: false, error: expect.stringMatching(/refuse les identifiants/) });
      const res = await sync().expect(200);
      expect(res.body.errors).toEqual([expect.stringMatching(/refuse les identifiants/)]);
    } finally {
      process.env.HELLOASSO_CLIENT_ID = id;
    }
    // HelloAsso down (nothing listens): a few tries, then a French sentence, nothing written
    const api = process.env.HELLOASSO_API_URL;
    process.env.HELLOASSO_API_URL = 'http://127.0.0.1:1/v5';
    try {
      const res = await sync().expect(200);
      expect(res.body).toMatchObject({
        created: { members: 0, contributions: 0 },
        errors: [expect.stringMatching(/HelloAsso est injoignable/)],
      });
    } finally {
      process.env.HELLOASSO_API_URL = api;
    }
    const slug = process.env.HELLOASSO_ORGANIZATION_SLUG;
    process.env.HELLOASSO_ORGANIZATION_SLUG = '';
    try {
      const res = await sync().expect(400);
      expect(res.body.error.message).toMatch(/n’est pas configuré/);
      expect((await app.admin('get', '/back-office/helloasso/status', treasurer)).body).toMatchObject({
        configured: false,
        connected: false,
      });
    } finally {
      process.env.HELLOASSO_ORGANIZATION_SLUG = slug;
    }
    // and everything goes on afterwards
    expect((await sync().expect(200)).body.errors).toEqual([]);
  });
});
