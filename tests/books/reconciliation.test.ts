import fs from 'fs';
import path from 'path';
import { startStrapi, TestApp, DB_CLIENT, cm } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import { readStatement } from '../../src/back-office/books/reconciliation/read';

/**
 * Bank reconciliation (src/back-office/books/reconciliation/): statements of French banks as they export
 * them (hand-written fixtures in tests/books/fixtures/bank-statements/, Windows-1252 with header lines,
 * Débit/Crédit or one signed Montant, OFX 1 SGML and OFX 2 XML), imported without duplicates, matched
 * with the books' entries (proposals, the closest or the one whose reference the bank shows, ambiguous
 * ones left to a person), entries created from operations, balances book vs reconciled vs statement,
 * rights and closed years. Runs on SQLite and PostgreSQL.
 */
const ENTRY = 'api::ledger-entry.ledger-entry';
const ACCOUNT = 'api::cash-account.cash-account';
const CATEGORY = 'api::ledger-category.ledger-category';
const LINE = 'api::bank-statement-line.bank-statement-line';
const STATEMENT = 'api::bank-statement.bank-statement';
const BASE = '/back-office/books/reconciliation';
const FIXTURES = path.join(__dirname, 'fixtures', 'bank-statements');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

/** What the routes answer, as the tests read it. */
interface EntryView {
  documentId: string;
  days: number;
  byReference: boolean;
  direction: string;
}
interface LineView {
  documentId: string;
  date: string;
  label: string;
  status: string;
  entry: EntryView | null;
  proposals: EntryView[];
  unambiguous: boolean;
}
type Data = Record<string, unknown>;
type Answer = { status: number; body: { error?: { message: string; details: { errors: Array<{ path: string[] }> } } } };
/** the Document Service's input, checked at run time by the write rules (as the application's DocumentData) */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Strapi types document inputs from the generated schemas
type DocumentData = any;

describe('bank statements as the banks export them (no database)', () => {
  const read = (name: string) => readStatement(fixture(name), 20 * 1024 * 1024);
  const brief = (name: string) => read(name).operations.map((o) => [o.date, o.cents, o.label]);

  it('reads each French bank\u2019s CSV layout: header lines, Windows-1252, Débit/Crédit or a signed Montant, its closing balance', () => {
    const ca = read('credit-agricole-2024-03.csv');
    expect([ca.layout, ca.closingCents, ca.closingDate]).toEqual(['Crédit Agricole', 183130, '2024-03-31']);
    expect(ca.operations).toHaveLength(9);
    // a label over two lines of its cell, a credit with a thousands space, a debit as money out
    expect(ca.operations.find((o) => o.date === '2024-03-01')).toMatchObject({
      cents: 150000,
      label: 'VIR SEPA MAIRIE DE VILLEBOURG SUBVENTION 2024',
    });
    expect(ca.operations.find((o) => o.date === '2024-03-05')).toMatchObject({ cents: -4520, label: 'CB BUREAU VALLEE 04/03' });

    expect(read('societe-generale-2024-03.csv')).toMatchObject({
      layout: 'Société Générale',
      closingCents: 64250,
      closingDate: '2024-03-31',
    });
    expect(brief('societe-generale-2024-03.csv')).toEqual([
      ['2024-03-29', -5750, 'CARTE X4321 28/03 IMPRIMERIE DU CENTRE'],
      ['2024-03-15', 10000, 'VIR RECU 4455 DE: M DUPONT MOTIF: DON'],
    ]);
    expect(read('bnp-paribas-2024-03.csv')).toMatchObject({ layout: 'BNP Paribas', closingCents: 123456 });
    expect(brief('bnp-paribas-2024-03.csv')[1]).toEqual(['2024-03-12', 112000, 'VIR SEPA RECU /DE M. LÉON MARTIN /MOTIF COTISATION']);
    expect(read('banque-postale-2024-03.csv')).toMatchObject({
      layout: 'La Banque Postale',
      closingCents: 64218,
      closingDate: '2024-03-31',
    });
    expect(brief('banque-postale-2024-03.csv')).toEqual([
      ['2024-03-28', -4520, 'PRELEVEMENT DE EDF'],
      ['2024-03-15', 20000, 'VERSEMENT ESPECES'],
    ]);
    // Crédit Mutuel writes its debits negative and a running balance: the last one is the statement's
    expect(read('credit-mutuel-2024-03.csv')).toMatchObject({
      layout: 'Crédit Mutuel / CIC',
      closingCents: 107480,
      closingDate: '2024-03-12',
    });
    expect(brief('credit-mutuel-2024-03.csv')[0]).toEqual(['2024-03-04', -4520, 'CB BUREAU VALLEE']);
    // two-digit years, the operation number as reference, the detail column in the label, the « début » balance ignored
    const ce = read('caisse-epargne-2024-03.csv');
    expect(ce).toMatchObject({ layout: 'Caisse d\u2019Épargne / Banque Populaire', closingCents: 102230, closingDate: '2024-03-31' });
    expect(ce.operations).toEqual([
      { date: '2024-03-28', cents: -850, label: 'FRAIS TENUE DE COMPTE COTISATION OFFRE ASSO', reference: '0000123', fitId: null },
      { date: '2024-03-15', cents: 150000, label: 'VIR SEPA MAIRIE SUBVENTION', reference: '0000120', fitId: null },
    ]);
    // UTF-8, commas, dates with a time, dots as decimal marks
    expect(read('qonto-2024-03.csv')).toMatchObject({ layout: 'Qonto / Shine', closingCents: null });
    expect(brief('qonto-2024-03.csv')).toEqual([
      ['2024-03-04', -4520, 'Bureau Vallée'],
      ['2024-03-12', 12000, 'Léon Martin'],
    ]);
  });

  it('reads OFX 1 (SGML, comma or dot amounts) and OFX 2 (XML, entities, cheque numbers), with LEDGERBAL', () => {
    const sgml = read('livret-2024-03.ofx');
    expect(sgml).toMatchObject({
      format: 'ofx',
      layout: 'OFX 1 (SGML)',
      closingCents: 550375,
      closingDate: '2024-03-31',
      accountNumber: '98765432100',
    });
    expect(sgml.operations).toEqual([
      {
        date: '2024-03-26',
        cents: 50000,
        label: 'VIR DE COMPTE COURANT VIREMENT INTERNE',
        reference: 'LIV2024032601',
        fitId: 'LIV2024032601',
      },
      { date: '2024-03-31', cents: 375, label: 'INTERETS CREDITEURS', reference: 'LIV2024033101', fitId: 'LIV2024033101' },
    ]);
    const xml = read('ofx2-2024-03.ofx');
    expect(xml).toMatchObject({ layout: 'OFX 2 (XML)', closingCents: -1250, accountNumber: '12345678901' });
    expect(xml.operations.map((o) => [o.date, o.cents, o.label, o.reference])).toEqual([
      ['2024-03-15', -7500, 'CHEQUE CHQ 0001234', '0001234'],
      ['2024-03-18', 6250, 'REMISE ESPECES Buvette & tombola', 'X-0002'],
    ]);
  });

  it('refuses, in French, what is not a statement', () => {
    const text = (s: string) => () => readStatement(Buffer.from(s, 'utf-8'), 1024 * 1024);
    expect(text('Nom;Prénom;E-mail\nDupont;Jean;jean@example.org\n')).toThrow(
      /^format de relevé non reconnu : .*« Date », « Libellé » et soit « Débit » et « Crédit », soit un « Montant »/
    );
    expect(text('')).toThrow(/^le fichier est vide/);
    expect(text('Date;Libellé;Montant\n')).toThrow(/aucune opération/);
    expect(text('Date;Libellé;Montant\n31/02/2024;X;-1,00\n')).toThrow(/^ligne 2, Date : « 31\/02\/2024 » n'est pas une date/);
    expect(text('Date;Libellé;Montant\n01/02/2024;X;douze\n')).toThrow(/^ligne 2, Montant : « douze » n'est pas/);
    expect(() => readStatement(Buffer.from('%PDF-1.4\n\x00\x01\x02binary'), 1024)).toThrow(/relevé PDF/);
    expect(() => readStatement(Buffer.alloc(2048, 'a'), 1024)).toThrow(/trop volumineux/);
  });
});

describe(`bank reconciliation (${DB_CLIENT})`, () => {
  let app: TestApp;
  let treasurer: string;
  const category: Record<string, string> = {};
  let main: string;
  let livret: string;
  let sg: string;
  const entries: Record<string, string> = {};

  const link = (documentId: string) => ({ connect: [{ documentId }] });
  const upload = (account: string, name: string, bytes: Buffer = fixture(name), token = treasurer) =>
    app.admin('post', `${BASE}/statements`, token).field('account', account).attach('file', bytes, { filename: name });
  const lines = async (account: string, status?: string) => {
    const res = await app.admin('get', `${BASE}/lines`, treasurer).query({ account, ...(status ? { status } : {}) });
    expect(res.status).toBe(200);
    return res.body.data as { counts: Record<string, number>; lines: LineView[] };
  };
  const lineWith = async (account: string, label: RegExp, date?: string) => {
    const found = (await lines(account)).lines.filter((l) => label.test(l.label) && (!date || l.date === date));
    expect(found.length).toBeGreaterThan(0);
    return found[0];
  };
  const balance = async (account: string, date: string) => {
    const res = await app.admin('get', `${BASE}/balances`, treasurer).query({ account, date });
    expect(res.status).toBe(200);
    return res.body.data.accounts[0];
  };
  const entry = async (key: string, data: Data) => {
    const created = await app.strapi.documents(ENTRY).create({ data: { paymentMethod: 'card', ...data } as DocumentData });
    entries[key] = created.documentId;
  };
  const counts = async () => ({
    statements: await app.strapi.db.query(STATEMENT).count(),
    lines: await app.strapi.db.query(LINE).count(),
    entries: await app.strapi.db.query(ENTRY).count(),
  });
  const expectRefused = (res: Answer, field: string, message: RegExp) => {
    expect({ status: res.status, message: res.body.error?.message }).toEqual({ status: 400, message: expect.stringMatching(message) });
    expect(res.body.error?.details.errors[0].path).toEqual([field]);
  };

  beforeAll(async () => {
    app = await startStrapi({ env: { IMPORT_MAX_MB: '1' } });
    treasurer = await loginAs(app, 'asso-treasurer');
    for (const c of await app.strapi.db.query(CATEGORY).findMany({})) category[c.number] = c.documentId;
    const account = async (name: string, extra: Data) =>
      (await app.strapi.documents(ACCOUNT).create({ data: { name, kind: 'bank', ...extra } as DocumentData })).documentId;
    main = await account('Crédit Agricole', { iban: 'FR7630006000011234567890189', openingBalances: [{ fiscalYear: 2024, amount: 1000 }] });
    livret = await account('Livret A', { openingBalances: [{ fiscalYear: 2024, amount: 5000 }] });
    sg = await account('Société Générale', { openingBalances: [{ fiscalYear: 2024, amount: 600 }] });
    const expense = (date: string, label: string, amount: number, extra: Data = {}) => ({
      date,
      label,
      amount,
      direction: 'expense',
      category: link(category['606']),
      cashAccount: link(main),
      ...extra,
    });
    await entry('bureauVallee', expense('2024-03-04', 'Fournitures Bureau Vallée', 45.2));
    await entry('bureauVallee2', expense('2024-03-08', 'Fournitures (deuxième achat)', 45.2));
    await entry('chequesRef', {
      ...expense('2024-03-10', 'Remise de chèques : cotisations', 120, { direction: 'income', category: link(category['756']) }),
      paymentMethod: 'cheque',
      reference: '1234567',
    });
    await entry(
      'cheques2',
      expense('2024-03-11', 'Cotisations en chèques (autre remise)', 120, { direction: 'income', category: link(category['756']) })
    );
    await entry('phone18', expense('2024-03-18', 'Forfait téléphone mars', 30, { category: link(category['626']) }));
    await entry('phone22', expense('2024-03-22', 'Forfait téléphone (doublon ?)', 30, { category: link(category['626']) }));
    await entry('toLivret', {
      date: '2024-03-25',
      label: 'Mise de côté sur le livret',
      amount: 500,
      direction: 'transfer',
      cashAccount: link(main),
      toCashAccount: link(livret),
      paymentMethod: 'transfer',
    });
    await entry('imprimerie', expense('2024-03-28', 'Affiches', 57.5, { cashAccount: link(sg), category: link(category['623']) }));
    await entry('donDupont', {
      ...expense('2024-03-15', 'Don de M. Dupont', 100, { direction: 'income', cashAccount: link(sg), category: link(category['754']) }),
      paymentMethod: 'transfer',
    });
  }, 300_000);
  afterAll(() => app?.stop());

  it('imports a Crédit Agricole statement once: the same file or an overlapping one adds no operation twice', async () => {
    const before = await counts();
    const first = await upload(main, 'credit-agricole-2024-03.csv');
    expect(first.status).toBe(201);
    expect(first.body.data.statement).toMatchObject({
      layout: 'Crédit Agricole',
      format: 'csv',
      firstDate: '2024-03-01',
      lastDate: '2024-03-29',
      lineCount: 9,
      newLineCount: 9,
      duplicateCount: 0,
      closingBalance: 183130,
      closingDate: '2024-03-31',
    });
    expect(first.body.data.statement.importedBy).toMatch(/asso-treasurer@test\.local/);
    // the two coffees of the same day stay two operations
    expect((await lines(main)).lines.filter((l) => /CAFE DU COMMERCE/.test(l.label))).toHaveLength(2);

    const again = await upload(main, 'credit-agricole-2024-03.csv');
    expect(again.status).toBe(200);
    expect(again.body.data.alreadyImported).toBe(true);
    const overlapping = await upload(main, 'credit-agricole-2024-03-20-to-04-05.csv');
    expect(overlapping.status).toBe(201);
    expect(overlapping.body.data.statement).toMatchObject({ lineCount: 6, newLineCount: 2, duplicateCount: 4, closingBalance: 206890 });
    const after = await counts();
    expect([after.statements - before.statements, after.lines - before.lines, after.entries - before.entries]).toEqual([2, 11, 0]);
    expect((await lines(main)).counts).toEqual({ unmatched: 11, matched: 0, ignored: 0 });
  });

  it('refuses a file that is not a statement, or another account\u2019s OFX, with a French 400 naming the field, writing nothing', async () => {
    const before = await counts();
    expectRefused(
      await upload(main, 'adherents.csv', Buffer.from('Nom;Prénom;E-mail\nDupont;Jean;j@example.org\n')),
      'file',
      /^Fichier « adherents\.csv » : format de relevé non reconnu/
    );
    expectRefused(await upload(main, 'vide.csv', Buffer.alloc(0)), 'file', /^Fichier.*vide/);
    expectRefused(await upload(main, 'photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3])), 'file', /binaire/);
    const big = Buffer.from(`Date;Libellé;Montant\n${'01/03/2024;CB CAFE;-2,50\n'.repeat(50_000)}`);
    expectRefused(await upload(main, 'gros.csv', big), 'file', /trop volumineux.*1 Mo/);
    // the livret's OFX (account n° 98765432100) on the current account (IBAN …12345678901…)
    expectRefused(await upload(main, 'livret-2024-03.ofx'), 'account', /^Compte : ce relevé est celui du compte n° 98765432100/);
    expectRefused(
      await app.admin('post', `${BASE}/statements`, treasurer).attach('file', fixture('qonto-2024-03.csv'), { filename: 'q.csv' }),
      'account',
      /^Compte : choisissez le compte/
    );
    expect(await counts()).toEqual(before);
  });

  it('proposes the closest entry or the one whose reference the bank shows, leaves ties to a person, accepts the sure ones at once', async () => {
    const { lines: all } = await lines(main);
    const byLabel = (re: RegExp) => all.find((l) => re.test(l.label));
    // 45,20 € on 05/03: the purchase of 04/03 (1 day) before the one of 08/03 (3 days)
    const vallee = byLabel(/BUREAU VALLEE/);
    expect(vallee.proposals.map((p: EntryView) => [p.documentId, p.days])).toEqual([
      [entries.bureauVallee, 1],
      [entries.bureauVallee2, 3],
    ]);
    expect(vallee.unambiguous).toBe(true);
    // 120 € on 12/03: the remittance n° 1234567 (2 days) before the closer one without reference (1 day)
    const cheques = byLabel(/REMISE CHEQUES N 1234567/);
    expect(cheques.proposals.map((p: EntryView) => [p.documentId, p.byReference])).toEqual([
      [entries.chequesRef, true],
      [entries.cheques2, false],
    ]);
    expect(cheques.unambiguous).toBe(true);
    // 30 € on 20/03: two entries two days away, one on each side: a person chooses
    const phone = byLabel(/FREE MOBILE/);
    expect(phone.proposals.map((p: EntryView) => p.documentId).sort()).toEqual([entries.phone18, entries.phone22].sort());
    expect(phone.unambiguous).toBe(false);
    // a transfer is proposed on the account the money leaves
    expect(byLabel(/VIR VERS LIVRET A/).proposals[0]).toMatchObject({ documentId: entries.toLivret, direction: 'transfer' });
    expect(byLabel(/FRAIS TENUE/).proposals).toEqual([]);

    const accepted = await app.admin('post', `${BASE}/accept`, treasurer).send({ account: main });
    expect(accepted.status).toBe(200);
    expect(accepted.body.data).toEqual({ matched: 3, left: 8 });
    const after = await lines(main);
    expect(after.counts).toMatchObject({ matched: 3, unmatched: 8 });
    const matched = after.lines.filter((l) => l.status === 'matched').map((l) => l.entry.documentId);
    expect(matched.sort()).toEqual([entries.bureauVallee, entries.chequesRef, entries.toLivret].sort());
    const reconciled = await app.strapi.db.query(ENTRY).findOne({ where: { documentId: entries.bureauVallee } });
    expect(reconciled.reconciledAt).toBe('2024-03-05');
    // the ambiguous one is confirmed by a person
    const confirmed = await app.admin('post', `${BASE}/lines/${phone.documentId}/match`, treasurer).send({ entry: entries.phone18 });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.data).toMatchObject({ status: 'matched', entry: { documentId: entries.phone18 } });
  });

  it('never matches an entry twice, nor an entry of another amount; a transfer matches one operation on each account', async () => {
    const coffee = await lineWith(main, /CAFE DU COMMERCE/);
    const wrong = await app.admin('post', `${BASE}/lines/${coffee.documentId}/match`, treasurer).send({ entry: entries.bureauVallee2 });
    expectRefused(wrong, 'entry', /^Écriture : montants différents : l’opération du 15\/03\/2024 est de -2,50\s€/);
    // a second purchase of 45,20 € (generic layout) cannot take the entry the first one matched
    const generic = await upload(main, 'releve.csv', Buffer.from('Date;Libellé;Montant\n06/04/2024;CB BUREAU VALLEE 05/04;-45,20\n'));
    expect(generic.body.data.statement).toMatchObject({ layout: 'Générique (Date, Libellé, Débit/Crédit ou Montant)', newLineCount: 1 });
    const second = await lineWith(main, /BUREAU VALLEE 05\/04/);
    const twice = await app.admin('post', `${BASE}/lines/${second.documentId}/match`, treasurer).send({ entry: entries.bureauVallee });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/déjà rapprochée d’une autre opération de ce compte/);
    // the livret's statement (OFX SGML): the same transfer, seen from the account that receives it
    const ofx = await upload(livret, 'livret-2024-03.ofx');
    expect(ofx.status).toBe(201);
    expect(ofx.body.data.statement).toMatchObject({ layout: 'OFX 1 (SGML)', newLineCount: 2, closingBalance: 550375 });
    const incoming = await lineWith(livret, /VIR DE COMPTE COURANT/);
    expect(incoming.proposals.map((p: EntryView) => p.documentId)).toEqual([entries.toLivret]);
    const other = await app.admin('post', `${BASE}/lines/${incoming.documentId}/match`, treasurer).send({ entry: entries.toLivret });
    expect(other.status).toBe(200);
    // the same transfer cannot be matched a second time on the current account
    const free = await lineWith(main, /FREE MOBILE/);
    expect(free.status).toBe('matched');
    const vir = await lineWith(main, /VIR VERS LIVRET A/);
    expect(vir.status).toBe('matched');
    const lines2 = await app.strapi.db.query(LINE).findMany({ where: { entry: { documentId: entries.toLivret } } });
    expect(lines2).toHaveLength(2);
  });

  it('creates the missing entries from operations, through the books\u2019 rules (voucher required from 150 €), matched at once', async () => {
    const fees = await lineWith(main, /FRAIS TENUE/);
    const noCategory = await app.admin('post', `${BASE}/lines/${fees.documentId}/create-entry`, treasurer).send({});
    expectRefused(noCategory, 'category', /^Catégorie : choisissez la catégorie/);
    const wrongKind = await app
      .admin('post', `${BASE}/lines/${fees.documentId}/create-entry`, treasurer)
      .send({ category: category['756'] });
    expectRefused(wrongKind, 'category', /est une catégorie de recettes/);
    const created = await app.admin('post', `${BASE}/lines/${fees.documentId}/create-entry`, treasurer).send({ category: category['627'] });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      status: 'matched',
      entry: { amount: 850, direction: 'expense', category: '627 Services bancaires', date: '2024-03-28' },
    });

    // 200 € needs its invoice: refused without it, nothing written; accepted with it
    const leroy = await lineWith(main, /LEROY MERLIN/);
    const before = await counts();
    expectRefused(
      await app.admin('post', `${BASE}/lines/${leroy.documentId}/create-entry`, treasurer).send({ category: category['606'] }),
      'voucher',
      /^Justificatif : obligatoire à partir de 150/
    );
    expect(await counts()).toEqual(before);
    expect((await lineWith(main, /LEROY MERLIN/)).status).toBe('unmatched');
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGNQcGjAihiGlgQAygM4AbBvOSMAAAAASUVORK5CYII=',
      'base64'
    );
    const file = await app.admin('post', '/upload', treasurer).attach('files', png, { filename: 'facture.png', contentType: 'image/png' });
    expect(file.status).toBe(201);
    const withVoucher = await app
      .admin('post', `${BASE}/lines/${leroy.documentId}/create-entry`, treasurer)
      .send({ category: category['606'], label: 'Peinture pour la salle', voucher: file.body[0].id });
    expect(withVoucher.status).toBe(201);
    expect(withVoucher.body.data.entry).toMatchObject({ label: 'Peinture pour la salle', amount: 20000 });

    // the subsidy (income) and the two coffees
    const subsidy = await lineWith(main, /MAIRIE DE VILLEBOURG/);
    // a proof is needed from 150 € for incomes too: the subsidy's notification letter
    const letter = await app
      .admin('post', '/upload', treasurer)
      .attach('files', png, { filename: 'notification.png', contentType: 'image/png' });
    const sub = await app
      .admin('post', `${BASE}/lines/${subsidy.documentId}/create-entry`, treasurer)
      .send({ category: category['74'], voucher: letter.body[0].id });
    expect(sub.status).toBe(201);
    expect(sub.body.data.entry).toMatchObject({ direction: 'income', amount: 150000 });
    for (const coffee of (await lines(main, 'unmatched')).lines.filter((l) => /CAFE/.test(l.label))) {
      const res = await app.admin('post', `${BASE}/lines/${coffee.documentId}/create-entry`, treasurer).send({ category: category['625'] });
      expect(res.status).toBe(201);
    }
    // a reconciled entry keeps what the bank confirmed until the match is undone
    const entryId = created.body.data.entry.documentId;
    const change = await app.admin('put', cm(ENTRY, entryId), treasurer).send({ amount: 9 });
    expectRefused(change, 'amount', /rapprochée d’une opération du relevé bancaire/);
    const del = await app.admin('delete', cm(ENTRY, entryId), treasurer);
    expect(del.status).toBe(400);
    const label = await app.admin('put', cm(ENTRY, entryId), treasurer).send({ label: 'Frais de tenue de compte (mars)' });
    expect(label.status).toBe(200);
  });

  it('gives the reconciled balance next to the book balance and the statement\u2019s own, which agree once all is reconciled', async () => {
    const march = await balance(main, '2024-03-31');
    // the book: 1 000 + 1 500 + 120 + 120 − 45,20 × 2 − 30 × 2 − 500 − 8,50 − 200 − 2,50 × 2
    expect(march.balance).toBe(187610);
    // the bank confirmed all but the second remittance of cheques, the second purchase and the second phone bill
    expect(march.reconciled).toBe(183130);
    expect(march.unreconciledCount).toBe(3);
    expect(march.statement).toEqual({
      date: '2024-03-31',
      balance: 183130,
      fileName: 'credit-agricole-2024-03.csv',
      reconciledThen: 183130,
    });
    const livretBalance = await balance(livret, '2024-03-31');
    expect([livretBalance.balance, livretBalance.reconciled, livretBalance.statement.balance]).toEqual([550000, 550000, 550375]);
    // the books' own route gives the same numbers
    const all = await app.admin('get', '/back-office/books/balances', treasurer).query({ date: '2024-03-31' });
    expect(all.body.data.accounts.find((a: { documentId: string }) => a.documentId === main)).toMatchObject({
      balance: 187610,
      reconciled: 183130,
    });

    // a third layout (signed Montant), matched in one action
    const res = await upload(sg, 'societe-generale-2024-03.csv');
    expect(res.status).toBe(201);
    expect((await app.admin('post', `${BASE}/accept`, treasurer).send({ account: sg })).body.data).toEqual({ matched: 2, left: 0 });
    expect(await balance(sg, '2024-03-31')).toMatchObject({
      balance: 64250,
      reconciled: 64250,
      statement: { balance: 64250, reconciledThen: 64250 },
    });
  });

  it('lets an operation be ignored, restored and unmatched', async () => {
    const interest = await lineWith(livret, /INTERETS/);
    const ignored = await app.admin('post', `${BASE}/lines/${interest.documentId}/ignore`, treasurer);
    expect(ignored.body.data.status).toBe('ignored');
    expect(
      (await app.admin('post', `${BASE}/lines/${interest.documentId}/match`, treasurer).send({ entry: entries.toLivret })).status
    ).toBe(409);
    expect((await app.admin('post', `${BASE}/lines/${interest.documentId}/unmatch`, treasurer)).body.data.status).toBe('unmatched');
    const phone = await lineWith(main, /FREE MOBILE/);
    const undone = await app.admin('post', `${BASE}/lines/${phone.documentId}/unmatch`, treasurer);
    expect(undone.body.data).toMatchObject({ status: 'unmatched', entry: null });
    expect((await app.strapi.db.query(ENTRY).findOne({ where: { documentId: entries.phone18 } })).reconciledAt).toBeNull();
    expect((await app.admin('post', `${BASE}/lines/${phone.documentId}/match`, treasurer).send({ entry: entries.phone18 })).status).toBe(
      200
    );
  });

  it('keeps the reconciliation to the treasurer (and the president): a secretary gets 403', async () => {
    const secretary = await loginAs(app, 'asso-secretary');
    expect((await app.admin('get', BASE, secretary)).status).toBe(403);
    expect((await app.admin('get', `${BASE}/lines`, secretary).query({ account: main })).status).toBe(403);
    const before = await counts();
    expect((await upload(sg, 'qonto-2024-03.csv', undefined, secretary)).status).toBe(403);
    const line = await lineWith(main, /BOULANGERIE/);
    expect(
      (await app.admin('post', `${BASE}/lines/${line.documentId}/create-entry`, secretary).send({ category: category['606'] })).status
    ).toBe(403);
    expect(await counts()).toEqual(before);
    expect((await app.admin('get', cm(LINE), secretary)).status).toBe(403);
    const home = await app.admin('get', BASE, treasurer);
    expect(home.status).toBe(200);
    expect(home.body).toMatchObject({ maxMb: 1 });
    expect((await app.admin('get', BASE, app.adminToken)).status).toBe(200);
  });

  it('once the year is closed: no entry created in it, no match undone, nothing written', async () => {
    expect((await app.admin('post', '/back-office/books/fiscal-years/2024/close', treasurer)).status).toBe(200);
    const before = await counts();
    const bakery = await lineWith(main, /BOULANGERIE/);
    expectRefused(
      await app.admin('post', `${BASE}/lines/${bakery.documentId}/create-entry`, treasurer).send({ category: category['606'] }),
      'date',
      /^Date : l’exercice 2024 .* est clos/
    );
    const phone = await lineWith(main, /FREE MOBILE/);
    expectRefused(
      await app.admin('post', `${BASE}/lines/${phone.documentId}/unmatch`, treasurer),
      'date',
      /est clos : ce rapprochement .* ne se défait plus/
    );
    expect(await counts()).toEqual(before);
    expect((await lineWith(main, /FREE MOBILE/)).status).toBe('matched');
  });
});
