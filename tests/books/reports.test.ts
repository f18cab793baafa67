import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import ExcelJS from 'exceljs';
import { startStrapi, TestApp, DB_CLIENT, cm } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import { download, parseCsv } from '../exports/helpers';

/**
 * The books' statements (src/back-office/books/statements.ts): the compte de résultat of a fiscal year
 * beside the previous one, built from entries whose amounts break float sums; the subsidy's financial
 * report (Cerfa n° 15059) whose totals are its linked entries; the financial report's new books
 * section; the rights; the dashboard's books figures. Files read back as a person's tools read them:
 * pdftotext, exceljs, a CSV parser. SQLite and PostgreSQL.
 */
const ENTRY = 'api::ledger-entry.ledger-entry';
const ACCOUNT = 'api::cash-account.cash-account';
const CATEGORY = 'api::ledger-category.ledger-category';
const SUBSIDY = 'api::subsidy.subsidy';

/** The text of a PDF as pdftotext reads it, with its spaces (narrow and non-breaking ones too) made plain. */
const pdfText = (bytes: Buffer) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'books-pdf-')), 'report.pdf');
  fs.writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'])
    .toString('utf8')
    .replace(/[\u00a0\u202f]/g, ' ');
};

const workbook = async (bytes: Buffer) => {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  return book;
};
/** The row of a sheet whose cells include all of `texts`, as its values (index 1 = column A). */
const rowWith = (sheet: ExcelJS.Worksheet, ...texts: string[]) => {
  let found: ExcelJS.Row | undefined;
  sheet.eachRow((row) => {
    const values = (row.values as unknown[]).map((v) => String(v ?? ''));
    if (!found && texts.every((t) => values.includes(t))) found = row;
  });
  return found;
};

describe(`books statements (${DB_CLIENT})`, () => {
  let app: TestApp;
  let treasurer: string;
  let subsidyId: string;
  const category: Record<string, string> = {};
  let bank: string;
  let cashBox: string;
  const docs = (uid: string) => app.strapi.documents(uid);
  const entry = (data: Record<string, unknown>) => docs(ENTRY).create({ data: { cashAccount: bank, paymentMethod: 'transfer', ...data } });

  beforeAll(async () => {
    // vouchers are the books' own test: none asked here
    app = await startStrapi({ env: { BOOKS_VOUCHER_REQUIRED_ABOVE: '1000000' } });
    treasurer = await loginAs(app, 'asso-treasurer');
    await docs('api::association.association').create({
      data: { name: 'Les Amis du Quartier', rna: 'W691234567', fiscalYearStartMonth: 1 },
    });
    for (const c of await app.strapi.db.query(CATEGORY).findMany({})) category[c.number] = c.documentId;
    category['6061'] = (
      await docs(CATEGORY).create({ data: { number: '6061', name: 'Fournitures non stockables', kind: 'expense' } })
    ).documentId;
    bank = (await docs(ACCOUNT).create({ data: { name: 'Banque', kind: 'bank', openingBalances: [{ fiscalYear: 2024, amount: 1000 }] } }))
      .documentId;
    cashBox = (
      await docs(ACCOUNT).create({ data: { name: 'Caisse', kind: 'cash', openingBalances: [{ fiscalYear: 2024, amount: 50.5 }] } })
    ).documentId;
    const town = await docs('api::partner.partner').create({ data: { name: 'Mairie de Lyon', kind: 'public_body' } });
    subsidyId = (
      await docs(SUBSIDY).create({
        data: {
          title: 'Fête de quartier',
          funder: town.documentId,
          fiscalYear: 2025,
          amountRequested: 1500,
          amountGranted: 1200,
          amountReceived: 1200,
          status: 'paid',
          actionDescription: 'Une fête ouverte à tous, 300 participants.',
          differencesExplanation: 'La salle a coûté moins que prévu.',
          budgetLines: [
            { number: '606', label: 'Fournitures', planned: 50 },
            { number: '613', label: 'Location de la salle', planned: 300 },
            { number: '74', label: 'Subvention de la Mairie de Lyon', planned: 1500 },
            { number: '756', label: 'Cotisations', planned: 50.5 },
            { number: '864', label: 'Personnel bénévole', planned: 400 },
            { number: '870', label: 'Bénévolat', planned: 400 },
          ],
        },
      })
    ).documentId;
    // the previous fiscal year
    await entry({ date: '2024-03-01', label: 'Cotisations 2024', amount: 100.1, direction: 'income', category: category['756'] });
    await entry({ date: '2024-11-30', label: 'Loyer', amount: 40, direction: 'expense', category: category['613'] });
    // the year: 0.10 + 0.20 (float trap), a donation, the subsidy's payment, expenses, a transfer
    await entry({ date: '2025-01-01', label: 'Cotisation', amount: 0.1, direction: 'income', category: category['756'] });
    await entry({ date: '2025-12-31', label: 'Cotisation', amount: 0.2, direction: 'income', category: category['756'] });
    await entry({ date: '2025-02-10', label: 'Don de M. Martin', amount: 500, direction: 'income', category: category['754'] });
    await entry({
      date: '2025-04-01',
      label: 'Subvention fête',
      amount: 1200,
      direction: 'income',
      category: category['74'],
      subsidy: subsidyId,
    });
    await entry({ date: '2025-05-02', label: 'Gobelets', amount: 0.7, direction: 'expense', category: category['606'] });
    await entry({
      date: '2025-06-20',
      label: 'Guirlandes',
      amount: 30,
      direction: 'expense',
      category: category['6061'],
      subsidy: subsidyId,
    });
    await entry({
      date: '2025-06-21',
      label: 'Salle des fêtes',
      amount: 250,
      direction: 'expense',
      category: category['613'],
      subsidy: subsidyId,
    });
    await entry({ date: '2025-09-30', label: 'Frais bancaires', amount: 12.34, direction: 'expense', category: category['627'] });
    await entry({ date: '2025-07-01', label: 'Dépôt', amount: 300, direction: 'transfer', toCashAccount: cashBox, subsidy: subsidyId });
    // the next fiscal year: in neither column
    await entry({ date: '2026-01-05', label: 'Cotisation', amount: 25, direction: 'income', category: category['756'] });
    await entry({ date: '2026-01-06', label: 'Timbres', amount: 5.5, direction: 'expense', category: category['626'] });
  }, 300_000);
  afterAll(() => app?.stop());

  it('gives the compte de résultat in a CSV: categories in the chart’s order, the previous year beside, the result, transfers left out', async () => {
    const res = await download(app, '/back-office/books/income-statement.csv?year=2025', treasurer);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="compte-de-resultat-2025.csv"');
    const { bom, header, rows } = parseCsv(res.body);
    expect(bom).toBe(true);
    expect(header).toEqual(['Rubrique', 'Compte', 'Libellé', 'Exercice 2025 (€)', 'Exercice 2024 (€)']);
    const line = (section: string, name: string) => rows.find((r) => r['Rubrique'] === section && r['Libellé'] === name);
    const amounts = (section: string, name: string) => {
      const r = line(section, name);
      return r && [r['Exercice 2025 (€)'], r['Exercice 2024 (€)']];
    };
    expect(amounts('Charges', 'Achats (fournitures, petit matériel)')).toEqual(['0,70', '0,00']);
    expect(amounts('Charges', 'Fournitures non stockables')).toEqual(['30,00', '0,00']);
    expect(amounts('Charges', 'Total 60 Achats')).toEqual(['30,70', '0,00']);
    expect(amounts('Charges', 'Total 61 Services extérieurs')).toEqual(['250,00', '40,00']);
    expect(amounts('Charges', 'Total des charges')).toEqual(['293,04', '40,00']);
    expect(amounts('Produits', 'Cotisations')).toEqual(['0,30', '100,10']);
    expect(amounts('Produits', 'Total 74 Subventions d’exploitation')).toEqual(['1200,00', '0,00']);
    expect(amounts('Produits', 'Total des produits')).toEqual(['1700,30', '100,10']);
    // result = produits − charges, for both years
    expect(amounts('Résultat', 'Résultat : excédent (produits − charges)')).toEqual(['1407,26', '60,10']);
    // the charges come first, in the chart's order (60 before 61 before 62), then the produits (74, 75)
    const order = rows.filter((r) => r['Libellé'].startsWith('Total ') && /^\d+$/.test(r['Compte'])).map((r) => r['Compte']);
    expect(order).toEqual(['60', '61', '62', '74', '75']);
    // a transfer is neither an income nor an expense; the next year's entries are in neither column
    expect(rows.some((r) => Object.values(r).includes('300,00'))).toBe(false);
    expect(rows.some((r) => /Frais postaux/.test(r['Libellé']))).toBe(false);
    // cash: start = 2024 opening + 2024 result, end = start + 2025 result (transfers move money between accounts only)
    const total = rows.find((r) => r['Rubrique'] === 'Trésorerie' && r['Libellé'].startsWith('Total'));
    expect([total!['Exercice 2025 (€)'], total!['Exercice 2024 (€)']]).toEqual(['2517,86', '1110,60']);
  });

  it('prints the compte de résultat in a PDF with the association, both years, the result and the cash balances', async () => {
    const res = await download(app, '/back-office/books/income-statement.pdf?year=2025', treasurer);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = pdfText(res.body);
    const flat = text.replace(/\s+/g, ' ');
    for (const expected of [
      'Les Amis du Quartier',
      'RNA W691234567',
      'Compte de résultat',
      'Exercice 2025 — du 01/01/2025 au 31/12/2025',
      'Exercice 2024',
      '60 — Achats',
      '6061 Fournitures non stockables',
      'Total des charges 293,04 € 40,00 €',
      'Total des produits 1 700,30 € 100,10 €',
      'Résultat : excédent (produits − charges) 1 407,26 € 60,10 €',
      'se solde par un excédent de 1 407,26 €',
      'Banque',
      'Caisse',
      'Total 1 110,60 € 2 517,86 €',
    ]) {
      expect(flat).toContain(expected);
    }
    // French typography: the apostrophe and the non-breaking space before the colon
    expect(res.body.includes(Buffer.from("l'exercice"))).toBe(false);
  });

  it('writes the compte de résultat in Excel with amounts as numbers in euros', async () => {
    const res = await download(app, '/back-office/books/income-statement.xlsx?year=2025', treasurer);
    expect(res.status).toBe(200);
    const book = await workbook(res.body);
    const sheet = book.getWorksheet('Compte de résultat')!;
    const result = rowWith(sheet, 'Résultat', 'Résultat : excédent (produits − charges)')!;
    expect(result.getCell(4).value).toBe(1407.26);
    expect(result.getCell(5).value).toBe(60.1);
    expect(result.getCell(4).numFmt).toContain('€');
    expect(rowWith(sheet, 'Charges', 'Total des charges')!.getCell(4).value).toBe(293.04);
    expect(rowWith(sheet, '6061', 'Fournitures non stockables')!.getCell(4).value).toBe(30);
    const cash = book.getWorksheet('Trésorerie')!;
    expect(rowWith(cash, 'Total')!.getCell(4).value).toBe(2517.86);
  });

  it('gives a subsidy’s financial report (Cerfa n° 15059) whose totals are its linked entries', async () => {
    // the entries linked to the subsidy, summed apart: 1200 of income, 30 + 250 of expenses (the transfer is neither)
    const res = await download(app, `/back-office/books/subsidies/${subsidyId}/report.csv`, treasurer);
    expect(res.status).toBe(200);
    const { header, rows } = parseCsv(res.body);
    expect(header).toEqual(['Tableau', 'Compte', 'Libellé', 'Prévision (€)', 'Réalisation (€)', 'Écart (€)']);
    const line = (table: string, label: string) => {
      const r = rows.find((x) => x['Tableau'] === table && x['Libellé'] === label);
      return r && [r['Prévision (€)'], r['Réalisation (€)'], r['Écart (€)']];
    };
    expect(line('Charges', 'Total des charges')).toEqual(['350,00', '280,00', '-70,00']);
    expect(line('Produits', 'Total des produits')).toEqual(['1550,50', '1200,00', '-350,50']);
    // 6061 is under the planned line 606; the form's rows are all there, empty or not
    expect(line('Charges', 'Fournitures')).toEqual(['50,00', '30,00', '-20,00']);
    expect(line('Charges', 'Charges de personnel')).toEqual(['0,00', '0,00', '0,00']);
    // contributions in kind: planned only, out of the totals
    expect(line('Charges', 'Personnel bénévole')).toEqual(['400,00', '', '']);
    expect(line('Produits', 'Bénévolat')).toEqual(['400,00', '', '']);

    const pdf = await download(app, `/back-office/books/subsidies/${subsidyId}/report.pdf`, treasurer);
    expect(pdf.status).toBe(200);
    const flat = pdfText(pdf.body).replace(/\s+/g, ' ');
    for (const expected of [
      'Compte rendu financier de subvention',
      'Cerfa n° 15059 — Mairie de Lyon — Fête de quartier — exercice 2025',
      'Une fête ouverte à tous, 300 participants.',
      'La salle a coûté moins que prévu.',
      '74 — Subventions d’exploitation 1 500,00 € 1 200,00 €',
      'Total des charges 350,00 € 280,00 €',
      '864 Personnel bénévole 400,00 € — — —',
      'les 3 écritures de la comptabilité liées à cette subvention (recettes 1 200,00 €, dépenses 280,00 €)',
      'certifie exactes les informations du présent compte rendu',
    ]) {
      expect(flat).toContain(expected);
    }

    const xlsx = await download(app, `/back-office/books/subsidies/${subsidyId}/report.xlsx`, treasurer);
    const sheet = (await workbook(xlsx.body)).worksheets[0];
    const charges = rowWith(sheet, 'Charges', 'Total des charges')!;
    expect([charges.getCell(4).value, charges.getCell(5).value, charges.getCell(6).value]).toEqual([350, 280, -70]);
    expect(charges.getCell(5).numFmt).toContain('€');
    expect(rowWith(sheet, 'Produits', 'Total des produits')!.getCell(5).value).toBe(1200);
  });

  it('refuses a budget line that is not an account of charges or produits, with a French 400 naming the field', async () => {
    const res = await app
      .admin('put', cm(SUBSIDY, subsidyId), treasurer)
      .send({ budgetLines: [{ number: '512', label: 'Banque', planned: 10 }] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^Budget prévisionnel de l’action.* : « 512 » n’est pas un compte de charges ou de produits/);
    const stored = await app.strapi.db.query(SUBSIDY).findOne({ where: { documentId: subsidyId }, populate: { budgetLines: true } });
    expect(stored.budgetLines).toHaveLength(6);
  });

  it('adds the books (incomes and expenses by category, result) to the financial report', async () => {
    const res = await download(app, '/back-office/reports/financial.csv?year=2025', treasurer);
    expect(res.status).toBe(200);
    const { rows } = parseCsv(res.body);
    const line = (section: string, detail: string) => rows.find((r) => r['Rubrique'] === section && r['Détail'] === detail);
    expect(line('Comptabilité : recettes', '754 Dons')).toMatchObject({ Nombre: '1', 'Montant (€)': '500,00' });
    expect(line('Comptabilité : recettes', 'Total')).toMatchObject({ Nombre: '4', 'Montant (€)': '1700,30' });
    expect(line('Comptabilité : dépenses', 'Total')).toMatchObject({ Nombre: '4', 'Montant (€)': '293,04' });
    expect(line('Comptabilité : résultat', 'Résultat de l’exercice : excédent (recettes − dépenses)')).toMatchObject({
      'Montant (€)': '1407,26',
    });
    const xlsx = await workbook((await download(app, '/back-office/reports/financial.xlsx?year=2025', treasurer)).body);
    const books = xlsx.getWorksheet('Comptabilité')!;
    expect(rowWith(books, 'Comptabilité : résultat')!.getCell(5).value).toBe(1407.26);
  });

  it('lets the treasurer and the partnerships manager have a subsidy’s report, and only the treasurer the compte de résultat', async () => {
    const secretary = await loginAs(app, 'asso-secretary');
    const partnerships = await loginAs(app, 'asso-partnerships');
    expect((await app.admin('get', '/back-office/books/income-statement.pdf?year=2025', secretary)).status).toBe(403);
    expect((await app.admin('get', `/back-office/books/subsidies/${subsidyId}/report.pdf`, secretary)).status).toBe(403);
    expect((await app.admin('get', '/back-office/books/subsidies', secretary)).status).toBe(403);
    expect((await app.admin('get', '/back-office/books/income-statement.csv?year=2025', partnerships)).status).toBe(403);
    const report = await download(app, `/back-office/books/subsidies/${subsidyId}/report.csv`, partnerships);
    expect(report.status).toBe(200);
    expect(parseCsv(report.body).rows.some((r) => r['Libellé'] === 'Total des produits' && r['Réalisation (€)'] === '1200,00')).toBe(true);
    const list = await app.admin('get', '/back-office/books/subsidies', partnerships);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      expect.objectContaining({ documentId: subsidyId, title: 'Fête de quartier', funder: 'Mairie de Lyon', fiscalYear: 2025 }),
    ]);
    // the partnerships manager does not read the books: the financial report leaves them out, and says so
    const { rows } = parseCsv((await download(app, '/back-office/reports/financial.csv?year=2025', partnerships)).body);
    expect(rows.some((r) => r['Rubrique'].startsWith('Comptabilité'))).toBe(false);
    expect(rows.find((r) => r['Rubrique'] === 'Non inclus' && r['Détail'].startsWith('Comptabilité'))).toBeTruthy();
    // an unknown subsidy, an unknown format
    expect((await app.admin('get', '/back-office/books/subsidies/nope/report.pdf', treasurer)).status).toBe(404);
    expect((await app.admin('get', '/back-office/books/income-statement.ods', treasurer)).status).toBe(404);
    const badYear = await app.admin('get', '/back-office/books/income-statement.csv?year=20x5', treasurer);
    expect(badYear.status).toBe(400);
    expect(badYear.body.error.message).toMatch(/^Exercice : « 20x5 »/);
  });

  it('shows the current fiscal year’s incomes, expenses and result on the dashboard to who reads the books only', async () => {
    const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric' }).format(new Date()));
    // the current fiscal year's own entries (the test's fixture covers 2024 to 2026)
    await entry({ date: `${year}-01-15`, label: 'Cotisation du jour', amount: 10.05, direction: 'income', category: category['756'] });
    await entry({ date: `${year}-01-16`, label: 'Enveloppes', amount: 0.05, direction: 'expense', category: category['606'] });
    const incomes = year === 2026 ? 35.05 : 10.05;
    const expenses = year === 2026 ? 5.55 : 0.05;
    const res = await app.admin('get', '/back-office/stats', treasurer);
    expect(res.status).toBe(200);
    expect(res.body.books).toEqual({
      fiscalYear: year,
      name: String(year),
      start: `${year}-01-01`,
      end: `${year}-12-31`,
      income: incomes,
      expense: expenses,
      result: Math.round((incomes - expenses) * 100) / 100,
    });
    // entries corrected by plain SQL: an amount changed, an income turned into a transfer (counted nowhere)
    const entries = app.strapi.db.connection(app.strapi.db.metadata.get('api::ledger-entry.ledger-entry').tableName);
    await entries.clone().where({ label: 'Enveloppes' }).update({ amount: 1.05 });
    await entries.clone().where({ label: 'Cotisation du jour' }).update({ direction: 'transfer' });
    const corrected = (await app.admin('get', '/back-office/stats', treasurer).expect(200)).body.books;
    const cents = (euros: number) => Math.round(euros * 100);
    expect([cents(corrected.income), cents(corrected.expense)]).toEqual([cents(incomes) - 1005, cents(expenses) + 100]);

    const communication = await loginAs(app, 'asso-communication');
    const other = await app.admin('get', '/back-office/stats', communication);
    expect(other.status).toBe(200);
    expect(other.body.books).toBeUndefined();
    expect(JSON.stringify(other.body)).not.toContain(String(incomes));
  });
});
