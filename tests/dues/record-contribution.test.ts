import { startStrapi, TestApp, cm, DB_CLIENT } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import type { Saved } from '../helpers/types';

/**
 * « Enregistrer une cotisation » (src/back-office/dues/record.ts): the treasurer records a new member
 * and their payment; the quote explains the period and warns when it is unusually short (an annual
 * membership paid in the last month of the fiscal year: the next fiscal year is offered) or already
 * paid; the recording goes through every contribution rule and answers the new « payée jusqu’au ».
 * Bad input is refused in French naming the field, a role without the right gets a 403, and a refused
 * request writes nothing. Runs on SQLite and PostgreSQL.
 */
describe(`recording a payment (${DB_CLIENT})`, () => {
  let app: TestApp;
  let treasurer: string;
  const MEMBER = 'api::member.member';
  const CONTRIBUTION = 'api::contribution.contribution';
  const TYPE = 'api::membership-type.membership-type';
  const docs = (uid: string) => app.strapi.documents(uid);
  let annual: Saved;
  let rolling: Saved;
  const contributions = () => app.strapi.db.query(CONTRIBUTION).count();
  const quote = (body: object, token = treasurer) => app.admin('post', '/back-office/dues/contributions/quote', token).send(body);
  const record = (body: object, token = treasurer) => app.admin('post', '/back-office/dues/contributions', token).send(body);

  beforeAll(async () => {
    app = await startStrapi();
    await docs('api::association.association').create({ data: { name: 'Les Amis du Quartier', fiscalYearStartMonth: 1 } });
    annual = await docs(TYPE).create({ data: { name: 'Adhésion annuelle', amount: 20 } });
    rolling = await docs(TYPE).create({ data: { name: 'Adhésion 12 mois', amount: 25, durationMonths: 12 } });
    await docs(TYPE).create({ data: { name: 'Ancienne formule', amount: 5, active: false } });
    treasurer = await loginAs(app, 'asso-treasurer');
  }, 300_000);
  afterAll(() => app?.stop());

  it('lets the treasurer create a new member in the content manager, then gives the dialog its lists in French', async () => {
    const created = await app
      .admin('post', cm(MEMBER), treasurer)
      .send({ firstName: 'Claire', lastName: 'Martin', email: 'claire@exemple.org' });
    expect(created.status).toBe(201);
    expect(created.body.data.memberNumber).toBe(1);
    const updated = await app.admin('put', cm(MEMBER, created.body.data.documentId), treasurer).send({ city: 'Lyon' });
    expect(updated.status).toBe(200);

    const form = await app.admin('get', '/back-office/dues/contribution-form', treasurer);
    expect(form.status).toBe(200);
    // active types only, with their amounts (the dialog pre-fills the amount)
    expect(form.body.data.membershipTypes).toEqual([
      { documentId: rolling.documentId, name: 'Adhésion 12 mois', amount: 25, durationMonths: 12 },
      { documentId: annual.documentId, name: 'Adhésion annuelle', amount: 20, durationMonths: null },
    ]);
    expect(form.body.data.paymentMethods).toEqual(
      expect.arrayContaining([
        { value: 'cheque', label: 'Chèque' },
        { value: 'transfer', label: 'Virement' },
      ])
    );
    expect(form.body.data.today).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const found = await app.admin('get', '/back-office/dues/members?search=mart', treasurer);
    expect(found.body.data).toEqual([{ documentId: created.body.data.documentId, name: 'Martin Claire (n° 1)', duesPaidUntil: null }]);
  });

  it('warns that an annual membership paid in December covers one month, offers the next fiscal year, and records it', async () => {
    const claire = await app.strapi.db.query(MEMBER).findOne({ where: { lastName: 'Martin' } });
    const before = await contributions();
    const q = await quote({ member: claire.documentId, membershipType: annual.documentId, paidAt: '2026-12-10', paymentMethod: 'cheque' });
    expect(q.status).toBe(200);
    expect(q.body.data).toMatchObject({ periodStart: '2026-12-10', periodEnd: '2026-12-31', days: 22, duesPaidUntilAfter: '2026-12-31' });
    expect(q.body.data.warnings).toHaveLength(1);
    const warning = q.body.data.warnings[0];
    expect(warning.code).toBe('short_period');
    expect(warning.message).toContain('ne couvrirait que 22 jours (du 10/12/2026 au 31/12/2026)');
    expect(warning.message).toContain('l’exercice 2027 (du 01/01/2027 au 31/12/2027)');
    expect(warning.suggestion).toEqual({ periodStart: '2027-01-01', periodEnd: '2027-12-31', label: 'Compter pour l’exercice 2027' });
    // a quote writes nothing
    expect(await contributions()).toBe(before);

    // the same payment counted for the next fiscal year: no warning
    const next = await quote({
      member: claire.documentId,
      membershipType: annual.documentId,
      paidAt: '2026-12-10',
      periodStart: '2027-01-01',
    });
    expect(next.body.data).toMatchObject({ periodStart: '2027-01-01', periodEnd: '2027-12-31', warnings: [] });

    // recorded without an amount: the membership type's
    const res = await record({
      member: claire.documentId,
      membershipType: annual.documentId,
      paidAt: '2026-12-10',
      periodStart: '2027-01-01',
      paymentMethod: 'cheque',
      reference: 'CHQ-0042',
    });
    expect(res.status).toBe(201);
    expect(res.body.data.contribution).toMatchObject({
      amount: 20,
      paidAt: '2026-12-10',
      periodStart: '2027-01-01',
      periodEnd: '2027-12-31',
      paymentMethod: 'cheque',
      paymentMethodLabel: 'Chèque',
      reference: 'CHQ-0042',
    });
    expect(res.body.data.member).toEqual({ documentId: claire.documentId, name: 'Claire Martin', duesPaidUntil: '2027-12-31' });
    expect(res.body.data.message).toBe('Cotisation enregistrée : Claire Martin est à jour jusqu’au 31/12/2027.');
    // the member's record says so too (the one rule of duesPaidUntil)
    expect((await app.strapi.db.query(MEMBER).findOne({ where: { documentId: claire.documentId } })).duesPaidUntil).toBe('2027-12-31');
    expect(await contributions()).toBe(before + 1);
  });

  it('warns when the member is already covered and offers to start the day after', async () => {
    const claire = await app.strapi.db.query(MEMBER).findOne({ where: { lastName: 'Martin' } });
    const q = await quote({ member: claire.documentId, membershipType: rolling.documentId, paidAt: '2027-06-15' });
    expect(q.body.data).toMatchObject({ periodStart: '2027-06-15', periodEnd: '2028-06-14', duesPaidUntilAfter: '2028-06-14' });
    expect(q.body.data.warnings).toEqual([
      {
        code: 'already_covered',
        message:
          'Claire Martin est déjà à jour jusqu’au 31/12/2027 : la période du 15/06/2027 au 31/12/2027 serait payée deux fois. Faire commencer la période le 01/01/2028 ?',
        suggestion: { periodStart: '2028-01-01', periodEnd: '2028-12-31', label: 'Commencer le 01/01/2028' },
      },
    ]);
    // a fiscal year that starts in September is named by its two years
    await app.strapi.db.query('api::association.association').updateMany({ where: {}, data: { fiscalYearStartMonth: 9 } });
    try {
      const september = await quote({
        member: claire.documentId,
        membershipType: annual.documentId,
        paidAt: '2028-08-20',
        periodStart: '2028-08-20',
      });
      expect(september.body.data.warnings[0].suggestion).toEqual({
        periodStart: '2028-09-01',
        periodEnd: '2029-08-31',
        label: 'Compter pour l’exercice 2028-2029',
      });
    } finally {
      await app.strapi.db.query('api::association.association').updateMany({ where: {}, data: { fiscalYearStartMonth: 1 } });
    }
  });

  it('refuses bad input in French, naming the field, and writes nothing', async () => {
    const claire = await app.strapi.db.query(MEMBER).findOne({ where: { lastName: 'Martin' } });
    const before = await contributions();
    const base = { member: claire.documentId, membershipType: annual.documentId, paidAt: '2027-03-01', paymentMethod: 'cash' };
    const cases: Array<[object, string, RegExp]> = [
      [{ ...base, member: undefined }, 'member', /^Adhérent : ce champ est obligatoire\.$/],
      [{ ...base, member: 'inconnu' }, 'member', /^Adhérent : adhérent introuvable\.$/],
      [{ ...base, membershipType: undefined }, 'membershipType', /^Type d’adhésion : ce champ est obligatoire\.$/],
      [{ ...base, paidAt: '31/12/2026' }, 'paidAt', /^Payée le : « 31\/12\/2026 » n’est pas une date valide/],
      [{ ...base, periodStart: '2027-02-30' }, 'periodStart', /^Début de période : « 2027-02-30 » n’est pas une date valide/],
      [{ ...base, amount: -5 }, 'amount', /^Montant \(€\) : doit être supérieur ou égal à 0\.$/],
      [{ ...base, amount: 12.345 }, 'amount', /^Montant \(€\) : deux décimales au maximum/],
      [
        { ...base, paymentMethod: 'bitcoin' },
        'paymentMethod',
        /^Moyen de paiement : valeur « bitcoin » inconnue ; valeurs possibles : .*cheque \(Chèque\)/,
      ],
      [{ ...base, reference: 'CHQ-0042' }, 'reference', /^Référence : la valeur « CHQ-0042 » est déjà utilisée\.$/],
    ];
    for (const [body, field, message] of cases) {
      const res = await record(body);
      expect([field, res.status]).toEqual([field, 400]);
      expect(res.body.error.message).toMatch(message);
      expect(res.body.error.details.errors[0].path).toEqual([field]);
    }
    expect(await contributions()).toBe(before);
  });

  it('is refused to the roles that may not create contributions, and to nobody signed in; nothing is written', async () => {
    const claire = await app.strapi.db.query(MEMBER).findOne({ where: { lastName: 'Martin' } });
    const before = await contributions();
    const body = { member: claire.documentId, membershipType: annual.documentId, paidAt: '2027-03-01', paymentMethod: 'cash' };
    for (const role of ['asso-secretary', 'asso-volunteer-manager', 'asso-communication'] as const) {
      const token = await loginAs(app, role);
      expect([role, (await record(body, token)).status]).toEqual([role, 403]);
      expect([role, (await quote(body, token)).status]).toEqual([role, 403]);
      expect([role, (await app.admin('get', '/back-office/dues/contribution-form', token)).status]).toEqual([role, 403]);
    }
    expect((await app.http().post('/back-office/dues/contributions').send(body)).status).toBe(401);
    // the super admin may
    expect((await record({ ...body, amount: 0 }, app.adminToken)).status).toBe(201);
    expect(await contributions()).toBe(before + 1);
  });

  it('tells a role that may not record a payment which roles may (roles someone holds), in French', async () => {
    const secretary = await loginAs(app, 'asso-secretary');
    const res = await app.admin('get', `/back-office/access/creators?uid=${CONTRIBUTION}`, secretary);
    expect(res.status).toBe(200);
    // Strapi's default « Author » and « Editor » roles hold the right but nobody has them: not named
    expect(res.body.data).toEqual({
      uid: CONTRIBUTION,
      displayName: 'Cotisation',
      writtenByTheBackOffice: false,
      roles: ['Super Admin', 'Trésorier·ère'],
    });
    const log = await app.admin(
      'get',
      '/back-office/access/creators?uid=api::mission-message-delivery.mission-message-delivery',
      secretary
    );
    expect(log.body.data).toMatchObject({ writtenByTheBackOffice: true, roles: [] });
    const bad = await app.admin('get', '/back-office/access/creators?uid=admin::user', secretary);
    expect([bad.status, bad.body.error.message]).toEqual([400, 'Type de contenu : inconnu.']);
    expect((await app.http().get(`/back-office/access/creators?uid=${CONTRIBUTION}`)).status).toBe(401);
  });
});
