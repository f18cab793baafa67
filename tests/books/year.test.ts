import type { Response } from 'supertest';
import { startStrapi, TestApp, DB_CLIENT, cm } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import { download, parseCsv } from '../exports/helpers';

/**
 * A whole year of books as the treasurer keeps them: dues, donations (one refunded), a subsidy payment,
 * the rent paid for the subsidised action, one expense claim reimbursed and one waived. The compte de
 * résultat, the subsidy's financial report and the balances agree with each other and with what was
 * recorded; once the year is closed, no path changes it. SQLite and PostgreSQL.
 */
const ENTRY = 'api::ledger-entry.ledger-entry';
const ACCOUNT = 'api::cash-account.cash-account';
const CATEGORY = 'api::ledger-category.ledger-category';
const CONTRIBUTION = 'api::contribution.contribution';
const DONATION = 'api::donation.donation';
const SUBSIDY = 'api::subsidy.subsidy';
const CLAIM = 'api::expense-claim.expense-claim';

/** An 8×8 PNG: the photo of a receipt. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGNQcGjAihiGlgQAygM4AbBvOSMAAAAASUVORK5CYII=', 'base64');

describe(`a year of books (${DB_CLIENT})`, () => {
  let app: TestApp;
  let treasurer: string;
  let bank: string;
  let member: string;
  let subsidy: string;
  let contribution: string;
  const category: Record<string, string> = {};
  const link = (documentId: string) => ({ connect: [{ documentId }] });
  const created = (res: Response) => {
    expect({ status: res.status, body: res.status === 201 || res.status === 200 ? null : res.body }).toEqual({
      status: res.status === 200 ? 200 : 201,
      body: null,
    });
    return res.body.data.documentId as string;
  };
  const step = (documentId: string, action: string, body: Record<string, unknown> = {}) =>
    app.admin('post', `/back-office/expense-claims/${documentId}/${action}`, treasurer).send(body);
  /** A claim: a meal of 42,50 € and a 120 km trip by a 5 CV car, approved. */
  const approvedClaim = async (voucher: number) => {
    const documentId = created(
      await app.admin('post', cm(CLAIM), treasurer).send({
        member: link(member),
        purpose: 'Fête de quartier',
        lines: [
          { kind: 'expense', date: '2025-06-20', what: 'Repas des bénévoles', amount: 42.5, voucher },
          { kind: 'mileage', date: '2025-06-21', what: 'Lyon – Villefranche aller-retour', km: 120, vehicle: 'car', fiscalPower: 5 },
        ],
      })
    );
    expect((await step(documentId, 'submit')).status).toBe(200);
    expect((await step(documentId, 'approve')).status).toBe(200);
    return documentId;
  };
  /** The compte de résultat's CSV line: [this year, previous year]. */
  const statement = async () => {
    const res = await download(app, '/back-office/books/income-statement.csv?year=2025', treasurer);
    expect(res.status).toBe(200);
    const { rows } = parseCsv(res.body);
    return (section: string, label: string) => {
      const r = rows.find((x) => x['Rubrique'] === section && x['Libellé'] === label);
      return r ? r['Exercice 2025 (€)'] : undefined;
    };
  };
  const expectRefused = (res: Response, message: RegExp) => {
    expect({ status: res.status, message: res.body?.error?.message }).toEqual({ status: 400, message: expect.stringMatching(message) });
  };

  beforeAll(async () => {
    // vouchers have their own tests: not asked here
    app = await startStrapi({ env: { BOOKS_VOUCHER_REQUIRED_ABOVE: '1000000' } });
    treasurer = await loginAs(app, 'asso-treasurer');
    for (const c of await app.strapi.db.query(CATEGORY).findMany({})) category[c.number] = c.documentId;
    // the current account created at first start, with 1 000 € on 1 January 2025: the books start then
    bank = (await app.strapi.db.query(ACCOUNT).findOne({ where: { kind: 'bank' } })).documentId;
    created(await app.admin('put', cm(ACCOUNT, bank), treasurer).send({ openingBalances: [{ fiscalYear: 2025, amount: 1000 }] }));
    member = (
      await app.strapi.documents('api::member.member').create({
        data: {
          firstName: 'Inès',
          lastName: 'Moreau',
          email: 'ines@exemple.org',
          address: '12 rue Mercière',
          postalCode: '69002',
          city: 'Lyon',
        },
      })
    ).documentId;
    const donor = (
      await app.strapi.documents('api::donor.donor').create({ data: { kind: 'individual', firstName: 'Jean', lastName: 'Martin' } })
    ).documentId;
    const funder = (await app.strapi.documents('api::partner.partner').create({ data: { name: 'Mairie de Lyon', kind: 'public_body' } }))
      .documentId;

    contribution = created(
      await app
        .admin('post', cm(CONTRIBUTION), treasurer)
        .send({ member: link(member), amount: 30, paidAt: '2025-02-10', paymentMethod: 'cheque' })
    );
    created(
      await app
        .admin('post', cm(DONATION), treasurer)
        .send({ donor: link(donor), amount: 200, receivedAt: '2025-03-01', method: 'transfer', nature: 'cash' })
    );
    const refunded = created(
      await app
        .admin('post', cm(DONATION), treasurer)
        .send({ donor: link(donor), amount: 50, receivedAt: '2025-03-05', method: 'transfer', nature: 'cash' })
    );
    created(await app.admin('put', cm(DONATION, refunded), treasurer).send({ refunded: true }));
    subsidy = created(
      await app.admin('post', cm(SUBSIDY), treasurer).send({
        funder: link(funder),
        title: 'Fête de quartier',
        fiscalYear: 2025,
        status: 'paid',
        amountGranted: 1200,
        amountReceived: 1200,
        receivedAt: '2025-04-01',
        budgetLines: [
          { number: '613', label: 'Location de la salle', planned: 500 },
          { number: '74', label: 'Subvention de la mairie', planned: 1200 },
        ],
      })
    );
    created(
      await app.admin('post', cm(ENTRY), treasurer).send({
        date: '2025-04-10',
        label: 'Location de la salle des fêtes',
        amount: 400,
        direction: 'expense',
        category: link(category['613']),
        cashAccount: link(bank),
        paymentMethod: 'transfer',
        subsidy: link(subsidy),
      })
    );
    const upload = await app.admin('post', '/upload').attach('files', PNG, { filename: 'ticket.png', contentType: 'image/png' });
    expect(upload.status).toBe(201);
    const voucher = upload.body[0].id as number;
    const reimbursed = await approvedClaim(voucher);
    expect((await step(reimbursed, 'reimburse', { cashAccount: bank, date: '2025-07-01' })).status).toBe(200);
    const waived = await approvedClaim(voucher);
    expect((await step(waived, 'waive', { date: '2025-07-02' })).status).toBe(200);
  }, 300_000);
  afterAll(() => app?.stop());

  it('gives a result equal to the income minus the expenses, each recorded once, the refund and the waiver left out of the cash', async () => {
    const line = await statement();
    // dues 30 + donation 200 (the refunded 50 is gone) + subsidy 1 200
    expect(line('Produits', 'Total des produits')).toBe('1430,00');
    // rent 400 + the reimbursed claim 118,82 (42,50 + 120 km × 0,636); the waived claim moved no money
    expect(line('Charges', 'Total des charges')).toBe('518,82');
    expect(line('Résultat', 'Résultat : excédent (produits − charges)')).toBe('911,18');
    // the bank's balance at the year's end: opening + result, all on the one account
    const balances = await app.admin('get', '/back-office/books/balances?date=2025-12-31', treasurer);
    expect(balances.status).toBe(200);
    expect(balances.body.data.total).toBe(100000 + 91118);
    // the waived claim is exactly one donation « abandon de frais », of the claim's total
    const waivers = await app.strapi.db.query(DONATION).findMany({ where: { nature: 'waived_expenses' } });
    expect(waivers.map((d) => Number(d.amount))).toEqual([118.82]);
  });

  it('reports the subsidy with exactly its linked entries', async () => {
    const res = await download(app, `/back-office/books/subsidies/${subsidy}/report.csv`, treasurer);
    expect(res.status).toBe(200);
    const { rows } = parseCsv(res.body);
    const total = (table: string) => rows.find((r) => r['Tableau'] === table && r['Libellé'] === `Total des ${table.toLowerCase()}`);
    expect(total('Charges')?.['Réalisation (€)']).toBe('400,00');
    expect(total('Produits')?.['Réalisation (€)']).toBe('1200,00');
  });

  it('closes the year, after which no path changes it', async () => {
    const close = await app.admin('post', '/back-office/books/fiscal-years/2025/close', treasurer);
    expect(close.status).toBe(200);
    const before = await statement();
    const entries = await app.strapi.db.query(ENTRY).count();
    // a new entry in the closed year, a dues payment of that year changed, an entry of that year deleted
    expectRefused(
      await app.admin('post', cm(ENTRY), treasurer).send({
        date: '2025-12-30',
        label: 'Oubli',
        amount: 10,
        direction: 'expense',
        category: link(category['606']),
        cashAccount: link(bank),
      }),
      /clos/
    );
    expectRefused(await app.admin('put', cm(CONTRIBUTION, contribution), treasurer).send({ amount: 35 }), /clos/);
    const rent = await app.strapi.db.query(ENTRY).findOne({ where: { label: 'Location de la salle des fêtes' } });
    expect((await app.admin('delete', cm(ENTRY, rent.documentId), treasurer)).status).toBe(400);
    expect(await app.strapi.db.query(ENTRY).count()).toBe(entries);
    const after = await statement();
    for (const [section, label] of [
      ['Produits', 'Total des produits'],
      ['Charges', 'Total des charges'],
    ]) {
      expect(after(section, label)).toBe(before(section, label));
    }
  });
});
