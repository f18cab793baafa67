import { startStrapi, TestApp, DB_CLIENT, cm } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import { flat, pdftotext } from '../outputs/pdf-tools';
import { download } from '../exports/helpers';
import { configureReceipts } from '../receipts/helpers';
import { latestScaleYear, mileageAmount } from '../../src/back-office/expense-claims/mileage-scale';

/**
 * Expense claims (src/back-office/expense-claims/): mileage priced from the official scale, the total
 * computed by the server, the steps (submit → approve → reimburse | waive, or refuse), exactly one
 * expense entry or one donation « abandon de frais » (which the receipts module can receipt), double
 * actions refused, bad input refused in French with nothing written, rights, the printable PDF.
 * Runs on SQLite and PostgreSQL.
 */
const CLAIM = 'api::expense-claim.expense-claim';
const ENTRY = 'api::ledger-entry.ledger-entry';
const DONATION = 'api::donation.donation';
const DONOR = 'api::donor.donor';
const MEMBER = 'api::member.member';
const CATEGORY = 'api::ledger-category.ledger-category';
const FISCAL_YEAR = 'api::fiscal-year.fiscal-year';

/** An 8×8 PNG: the photo of a receipt, or of the signed waiver. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGNQcGjAihiGlgQAygM4AbBvOSMAAAAASUVORK5CYII=', 'base64');

describe('the kilometre scale (no Strapi)', () => {
  it('prices a trip at km × the rate of its year, in cents, electric +20 %', () => {
    expect(mileageAmount({ km: 120, vehicle: 'car', fiscalPower: 5, year: 2024 })).toEqual({
      scaleYear: 2024,
      rate: 0.636,
      cents: 7632,
      note: null,
    });
    // 3 CV and less, 7 CV and more share the end bands
    expect(mileageAmount({ km: 10, vehicle: 'car', fiscalPower: 2, year: 2023 }).cents).toBe(529);
    expect(mileageAmount({ km: 10, vehicle: 'car', fiscalPower: 11, year: 2023 }).cents).toBe(697);
    expect(mileageAmount({ km: 100, vehicle: 'car', fiscalPower: 4, electric: true, year: 2024 })).toMatchObject({
      rate: 0.7272,
      cents: 7272,
    });
    expect(mileageAmount({ km: 10, vehicle: 'motorcycle', fiscalPower: 4, year: 2024 }).cents).toBe(468);
    expect(mileageAmount({ km: 10, vehicle: 'moped', year: 2024 }).cents).toBe(315);
    // a year not published yet: the latest known, said in a note
    const later = mileageAmount({ km: 120, vehicle: 'car', fiscalPower: 5, year: 2031 });
    expect(later).toMatchObject({ scaleYear: latestScaleYear(), cents: 7632 });
    expect(later.note).toMatch(/Barème kilométrique 2031 pas encore connu .* barème 2024 appliqué/);
    expect(() => mileageAmount({ km: 10, vehicle: 'car', fiscalPower: 0, year: 2024 })).toThrow(/puissance fiscale/);
  });
});

/** A refusal's body, as the errors middleware writes it. */
interface Refusal {
  error: { message: string; details: { errors: Array<{ path: string[] }> } };
}
type Row = Record<string, unknown>;

describe(`expense claims (${DB_CLIENT})`, () => {
  let app: TestApp;
  let treasurer: string;
  let volunteers: string;
  let bank: string;
  let member: string;
  const link = (documentId: string) => ({ connect: [{ documentId }] });
  const upload = async (bytes: Buffer, filename: string, contentType: string) => {
    const res = await app.admin('post', '/upload').attach('files', bytes, { filename, contentType });
    expect(res.status).toBe(201);
    return res.body[0].id as number;
  };
  const count = (uid: string) => app.strapi.db.query(uid).count();
  const step = (documentId: string, action: string, body: Record<string, unknown> = {}, token = treasurer) =>
    app.admin('post', `/back-office/expense-claims/${documentId}/${action}`, token).send(body);
  let receiptPhoto: number;
  /** A claim as the content manager sends it: a meal paid 42,50 € and a 120 km trip by a 5 CV car in 2024. */
  const claimData = (data: Record<string, unknown> = {}) => ({
    member: link(member),
    purpose: 'Collecte alimentaire de mars',
    lines: [
      { kind: 'expense', date: '2024-03-09', what: 'Repas des bénévoles', amount: 42.5, voucher: receiptPhoto },
      { kind: 'mileage', date: '2024-03-10', what: 'Lyon – Villefranche aller-retour', km: 120, vehicle: 'car', fiscalPower: 5 },
    ],
    ...data,
  });
  const createClaim = async (data: Record<string, unknown> = {}, token = volunteers) => {
    const res = await app.admin('post', cm(CLAIM), token).send(claimData(data));
    expect({ status: res.status, body: res.status === 201 ? null : res.body }).toEqual({ status: 201, body: null });
    return res.body.data.documentId as string;
  };
  const stored = (documentId: string) =>
    app.strapi.db.query(CLAIM).findOne({ where: { documentId }, populate: { lines: true, ledgerEntry: true, donation: true } });
  /** The refusal a person sees: 400, French, the field named. */
  const expectRefused = (res: { status: number; body: Refusal }, path: string[], message: RegExp) => {
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(path);
    expect(res.body.error.message).toMatch(message);
  };

  beforeAll(async () => {
    app = await startStrapi();
    treasurer = await loginAs(app, 'asso-treasurer');
    volunteers = await loginAs(app, 'asso-volunteer-manager');
    bank = (await app.strapi.db.query('api::cash-account.cash-account').findOne({ where: { name: 'Compte courant' } })).documentId;
    member = (
      await app.strapi.documents(MEMBER).create({
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
    receiptPhoto = await upload(PNG, 'ticket-repas.png', 'image/png');
  }, 300_000);
  afterAll(() => app?.stop());

  it('prices the lines on the server: mileage from the scale, the total in cents, whatever the form sends', async () => {
    const documentId = await createClaim({ total: 9999, status: 'reimbursed', number: 'NF-1999-9999' });
    const claim = await stored(documentId);
    expect(claim).toMatchObject({ status: 'draft', number: null });
    expect(Number(claim.total)).toBe(118.82); // 42,50 € + 120 km × 0,636 €/km
    const trip = claim.lines.find((l: Row) => l.kind === 'mileage');
    expect({ amount: Number(trip.amount), rate: Number(trip.rate), scaleYear: trip.scaleYear }).toEqual({
      amount: 76.32,
      rate: 0.636,
      scaleYear: 2024,
    });
    // a typed amount on a mileage line is replaced by the scale's
    const res = await app.admin('put', cm(CLAIM, documentId), volunteers).send(
      claimData({
        lines: [{ kind: 'mileage', date: '2024-05-02', what: 'Lyon – Vienne', km: 50, vehicle: 'car', fiscalPower: 4, amount: 500 }],
      })
    );
    expect(res.status).toBe(200);
    expect(Number((await stored(documentId)).total)).toBe(30.3);
  });

  it('refuses each bad claim with a French 400 naming the line and field, and writes nothing', async () => {
    const text = await upload(Buffer.from('pas une facture'), 'notes.txt', 'text/plain');
    const before = await count(CLAIM);
    const line = { kind: 'expense', date: '2024-03-09', what: 'Timbres', amount: 12 };
    const trip = { kind: 'mileage', date: '2024-03-10', what: 'Lyon – Bron', km: 20, vehicle: 'car', fiscalPower: 5 };
    const cases: Array<[Record<string, unknown>, string[], RegExp]> = [
      [{ ...line, amount: 0 }, ['lines', '0', 'amount'], /^Lignes, ligne 1 — Montant \(€\) : doit être un montant supérieur à 0/],
      [{ ...line, amount: -5 }, ['lines', '0', 'amount'], /supérieur à 0/],
      [{ ...line, date: undefined }, ['lines', '0', 'date'], /^Lignes, ligne 1 — Date : obligatoire/],
      [{ ...line, voucher: text }, ['lines', '0', 'voucher'], /Justificatif : « notes\.txt » n’est ni une image ni un PDF/],
      [
        { ...trip, fiscalPower: 0 },
        ['lines', '0', 'fiscalPower'],
        /Puissance fiscale \(CV\) : « 0 » n’est pas une puissance fiscale connue/,
      ],
      [{ ...trip, fiscalPower: undefined }, ['lines', '0', 'fiscalPower'], /puissance fiscale connue/],
      [{ ...trip, km: -3 }, ['lines', '0', 'km'], /Kilomètres : .* supérieur à 0/],
      [{ ...trip, vehicle: undefined }, ['lines', '0', 'vehicle'], /Véhicule : obligatoire pour un trajet/],
    ];
    for (const [bad, path, message] of cases) {
      expectRefused(await app.admin('post', cm(CLAIM), volunteers).send(claimData({ lines: [bad] })), path, message);
    }
    // the second line named as « ligne 2 »
    expectRefused(
      await app.admin('post', cm(CLAIM), volunteers).send(claimData({ lines: [line, { ...line, amount: 0 }] })),
      ['lines', '1', 'amount'],
      /ligne 2/
    );
    expect(await count(CLAIM)).toBe(before);
    // an empty draft cannot be submitted, and takes no number
    const empty = await createClaim({ lines: [] });
    expectRefused(await step(empty, 'submit', {}, volunteers), ['lines'], /ajoutez au moins une dépense ou un trajet/);
    expect((await stored(empty)).number).toBeNull();
  });

  it('walks a claim through submit, approve and reimburse: exactly one expense entry, then read-only', async () => {
    const documentId = await createClaim();
    // the volunteer manager enters and submits, but does not approve nor pay
    const submitted = await step(documentId, 'submit', {}, volunteers);
    expect(submitted.status).toBe(200);
    const year = new Date().getFullYear();
    expect(submitted.body.data).toMatchObject({ status: 'submitted', number: expect.stringMatching(new RegExp(`^NF-${year}-\\d{4}$`)) });
    const number = submitted.body.data.number as string;
    expect(submitted.body.data.submittedAt).toBeTruthy();
    expect((await step(documentId, 'approve', {}, volunteers)).status).toBe(403);
    expect((await step(documentId, 'reimburse', { cashAccount: bank }, volunteers)).status).toBe(403);
    // a second submission is refused, the number kept
    expect((await step(documentId, 'submit', {}, volunteers)).status).toBe(409);
    // not approved yet: no reimbursement
    const early = await step(documentId, 'reimburse', { cashAccount: bank });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/est « Soumise » : on rembourse seulement une note « Approuvée »/);

    const approved = await step(documentId, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body.data).toMatchObject({ status: 'approved', approvedBy: expect.stringContaining('asso-treasurer@test.local') });
    // approved: frozen for the content manager, and a numbered claim is never deleted
    const edit = await app.admin('put', cm(CLAIM, documentId), treasurer).send({ purpose: 'Autre chose' });
    expect(edit.status).toBe(409);
    expect((await app.admin('delete', cm(CLAIM, documentId), treasurer)).status).toBe(409);

    const entries = await count(ENTRY);
    const paid = await step(documentId, 'reimburse', { cashAccount: bank, date: '2026-04-02' });
    expect({ status: paid.status, body: paid.status === 200 ? null : paid.body }).toEqual({ status: 200, body: null });
    expect(await count(ENTRY)).toBe(entries + 1);
    const entry = await app.strapi.db
      .query(ENTRY)
      .findOne({ where: { expenseClaim: { documentId } }, populate: { category: true, cashAccount: true, voucher: true } });
    expect(entry).toMatchObject({
      date: '2026-04-02',
      direction: 'expense',
      origin: 'expense_claim',
      reference: number,
      category: { number: '625' },
      cashAccount: { documentId: bank },
      voucher: { mime: 'application/pdf' },
    });
    expect(Number(entry.amount)).toBe(118.82);
    expect(await stored(documentId)).toMatchObject({ status: 'reimbursed', paidOn: '2026-04-02', number, ledgerEntry: { id: entry.id } });

    // a second reimbursement, or a waiver after it, is refused and writes nothing
    expect((await step(documentId, 'reimburse', { cashAccount: bank })).status).toBe(409);
    expect((await step(documentId, 'waive')).status).toBe(409);
    expect((await step(documentId, 'refuse', { reason: 'Trop tard' })).status).toBe(409);
    expect(await count(ENTRY)).toBe(entries + 1);
    expect((await app.admin('put', cm(CLAIM, documentId), treasurer).send({ notes: 'x' })).status).toBe(409);

    // the reimbursement's entry stays the claim's: not deleted, its amount unchanged; its label may be corrected
    expect((await app.admin('delete', cm(ENTRY, entry.documentId), treasurer)).status).toBe(409);
    const amount = await app.admin('put', cm(ENTRY, entry.documentId), treasurer).send({ amount: 1 });
    expect(amount.status).toBe(409);
    expect(amount.body.error.message).toMatch(/remboursement d’une note de frais : son champ « Montant \(€\) » ne change pas/);
    expect((await app.admin('put', cm(ENTRY, entry.documentId), treasurer).send({ label: 'Remboursement Inès' })).status).toBe(200);
    expect(await count(ENTRY)).toBe(entries + 1);
    // no entry is tied to a claim by hand
    const manual = await app.admin('post', cm(ENTRY), treasurer).send({
      date: '2026-04-02',
      label: 'Essai',
      amount: 5,
      direction: 'expense',
      category: link((await app.strapi.db.query(CATEGORY).findOne({ where: { number: '625' } })).documentId),
      cashAccount: link(bank),
      expenseClaim: link(documentId),
    });
    expect(manual.status).toBe(201);
    expect(await app.strapi.db.query(ENTRY).count({ where: { expenseClaim: { documentId } } })).toBe(1);
  });

  it('two reimbursements at the same moment make one entry', async () => {
    const documentId = await createClaim();
    await step(documentId, 'submit');
    await step(documentId, 'approve');
    const entries = await count(ENTRY);
    const results = await Promise.all([
      step(documentId, 'reimburse', { cashAccount: bank, date: '2026-04-03' }),
      step(documentId, 'reimburse', { cashAccount: bank, date: '2026-04-03' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await count(ENTRY)).toBe(entries + 1);
  });

  it('records a waiver as exactly one donation « abandon de frais » that the receipts module can receipt', async () => {
    const documentId = await createClaim();
    await step(documentId, 'submit');
    await step(documentId, 'approve');
    const signed = await upload(PNG, 'renonciation-signee.png', 'image/png');
    const [donations, entries, donors] = [await count(DONATION), await count(ENTRY), await count(DONOR)];
    // a waiver that is not an image nor a PDF: refused, nothing written
    const text = await upload(Buffer.from('signé'), 'signature.txt', 'text/plain');
    expectRefused(await step(documentId, 'waive', { waiverDocument: text }), ['waiverDocument'], /n’est ni une image ni un PDF/);
    expect((await stored(documentId)).status).toBe('approved');

    const res = await step(documentId, 'waive', { waiverDocument: signed, date: '2026-04-05' });
    expect({ status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ status: 200, body: null });
    expect(await count(DONATION)).toBe(donations + 1);
    expect(await count(ENTRY)).toBe(entries); // no money moved
    expect(await count(DONOR)).toBe(donors + 1); // the member had no donor yet
    const claim = await stored(documentId);
    expect(claim.status).toBe('waived');
    const donation = await app.strapi.db.query(DONATION).findOne({
      where: { id: claim.donation.id },
      populate: { donor: { populate: { member: true } }, waiverDocument: true, expenseDocuments: true },
    });
    expect(donation).toMatchObject({
      nature: 'waived_expenses',
      receivedAt: '2026-04-05',
      reference: claim.number,
      donor: { lastName: 'Moreau', firstName: 'Inès', city: 'Lyon', member: { documentId: member } },
      waiverDocument: { id: signed },
    });
    expect(Number(donation.amount)).toBe(118.82);
    // the receipt's vouchers and the claim's PDF
    expect(donation.expenseDocuments.map((f: Row) => f.id)).toContain(receiptPhoto);
    expect(donation.expenseDocuments.some((f: Row) => f.mime === 'application/pdf')).toBe(true);

    // a second waiver or a reimbursement: 409, nothing written
    expect((await step(documentId, 'waive', { waiverDocument: signed })).status).toBe(409);
    expect((await step(documentId, 'reimburse', { cashAccount: bank })).status).toBe(409);
    expect(await count(DONATION)).toBe(donations + 1);

    // a second waived claim of the same member: the same donor
    const other = await createClaim();
    await step(other, 'submit');
    await step(other, 'approve');
    expect((await step(other, 'waive', { date: '2026-04-06' })).status).toBe(200);
    expect(await count(DONOR)).toBe(donors + 1);

    // the tax receipt for the first one
    await configureReceipts(app);
    const receipt = await app.admin('post', '/back-office/receipts/generate', treasurer).send({ donation: donation.documentId });
    expect({ status: receipt.status, body: receipt.status === 201 ? null : receipt.body }).toEqual({ status: 201, body: null });
    expect(receipt.body.data?.[0] ?? receipt.body[0]).toMatchObject({ number: expect.any(String) });
  });

  it('refuses a claim with its reason; a refused claim is neither paid nor waived', async () => {
    const documentId = await createClaim();
    await step(documentId, 'submit');
    expectRefused(await step(documentId, 'refuse', {}), ['reason'], /^Motif du refus : obligatoire/);
    const refused = await step(documentId, 'refuse', { reason: 'Dépense hors mission' });
    expect(refused.status).toBe(200);
    expect(refused.body.data).toMatchObject({ status: 'refused', refusalReason: 'Dépense hors mission' });
    expect((await step(documentId, 'reimburse', { cashAccount: bank })).status).toBe(409);
    expect((await step(documentId, 'waive')).status).toBe(409);
  });

  it('applies the closed fiscal year: no reimbursement nor waiver dated in it, nothing written', async () => {
    await app.strapi.documents(FISCAL_YEAR).create({ data: { year: 2023 } });
    const documentId = await createClaim();
    await step(documentId, 'submit');
    await step(documentId, 'approve');
    const [entries, donations] = [await count(ENTRY), await count(DONATION)];
    const paid = await step(documentId, 'reimburse', { cashAccount: bank, date: '2023-06-01' });
    expect(paid.status).toBe(400);
    expect(paid.body.error.message).toMatch(/exercice 2023 .* est clos/);
    const waived = await step(documentId, 'waive', { date: '2023-06-01' });
    expectRefused(waived, ['date'], /exercice 2023 .* est clos/);
    expect([await count(ENTRY), await count(DONATION)]).toEqual([entries, donations]);
    expect((await stored(documentId)).status).toBe('approved');
    // bad parameters of the reimbursement: the field named
    expectRefused(await step(documentId, 'reimburse', {}), ['cashAccount'], /^Compte : /);
    expectRefused(await step(documentId, 'reimburse', { cashAccount: bank, date: '02/04/2026' }), ['date'], /n’est pas une date valide/);
    const income = (await app.strapi.db.query(CATEGORY).findOne({ where: { number: '756' } })).documentId;
    const wrong = await step(documentId, 'reimburse', { cashAccount: bank, category: income });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/catégorie de recettes/);
    expect(await count(ENTRY)).toBe(entries);
  });

  it('lets only the treasurer and the volunteer manager read claims; communication and partnerships cannot', async () => {
    const documentId = await createClaim();
    for (const role of ['asso-communication', 'asso-partnerships', 'asso-secretary'] as const) {
      const token = await loginAs(app, role);
      expect((await app.admin('get', '/back-office/expense-claims', token)).status).toBe(403);
      expect((await app.admin('get', cm(CLAIM), token)).status).toBe(403);
      expect((await download(app, `/back-office/expense-claims/${documentId}/pdf`, token)).status).toBe(403);
      expect((await step(documentId, 'submit', {}, token)).status).toBe(403);
    }
    const list = await app.admin('get', '/back-office/expense-claims', volunteers);
    expect(list.status).toBe(200);
    expect(list.body.data.find((c: Row) => c.documentId === documentId)).toMatchObject({
      member: 'Moreau Inès',
      status: 'draft',
      totalCents: 11882,
    });
    expect((await app.admin('get', '/back-office/expense-claims/options', volunteers)).status).toBe(403);
    const options = await app.admin('get', '/back-office/expense-claims/options', treasurer);
    expect(options.body.data.categories.find((c: Row) => c.isDefault)).toMatchObject({ name: '625 Déplacements et réceptions' });
    // content-API: nothing
    expect((await app.http().get('/api/expense-claims')).status).toBe(404);
  });

  it('prints the claim: lines, mileage detail with the scale year, total, the waiver text and signature lines', async () => {
    const documentId = await createClaim();
    await step(documentId, 'submit');
    const number = (await stored(documentId)).number;
    const res = await download(app, `/back-office/expense-claims/${documentId}/pdf`, volunteers);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = flat(pdftotext(res.body));
    expect(text).toContain(`Note de frais ${number}`);
    expect(text).toContain('Moreau Inès');
    expect(text).toContain('Repas des bénévoles');
    expect(text).toMatch(/120 km × 0,636 €\/km \(barème 2024, voiture 5 CV\)/);
    expect(text).toMatch(/76,32 ?€/);
    expect(text).toMatch(/Total : 118,82 ?€/);
    expect(text).toMatch(/Je soussigné·e Moreau Inès, demeurant 12 rue Mercière, 69002 Lyon, renonce au remboursement des frais ci-dessus/);
    expect(text).toMatch(/les laisse à l’association .* à titre de don/);
    expect(text).toMatch(/Fait à _+, le/);
    expect(text).toMatch(/Date et signature du ou de la bénévole : _+/);
    expect(text).toMatch(/Visa de la trésorerie : _+/);
    expect(text).toMatch(/Signature \(précédée de la mention « lu et approuvé »\) : _+/);
  });
});
