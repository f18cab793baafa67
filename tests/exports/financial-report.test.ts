import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { adminWithRights, download, parseCsv } from './helpers';
import type { Saved } from '../helpers/types';

const pdfParse = require('pdf-parse/lib/pdf-parse.js');

/**
 * Financial report of a fiscal year: totals against a fixture computed by hand, with amounts
 * that break float sums (0.10 + 0.20 + 0.70), fiscal year bounds (July to June here, Paris days),
 * CSV and PDF, rights per section. SQLite and PostgreSQL.
 */
describe(`financial report (${DB_CLIENT})`, () => {
  let app: TestApp;
  const docs = (uid: string) => app.strapi.documents(uid);

  beforeAll(async () => {
    app = await startStrapi();
    await docs('api::association.association').create({
      data: { name: 'Les Amis du Quartier', rna: 'W691234567', siren: '123456789', fiscalYearStartMonth: 7 },
    });
    const annual = await docs('api::membership-type.membership-type').create({ data: { name: 'Annuelle', amount: 20 } });
    const support = await docs('api::membership-type.membership-type').create({ data: { name: 'Soutien', amount: 50 } });
    const ana = await docs('api::member.member').create({ data: { firstName: 'Ana', lastName: 'Lopez' } });
    const ben = await docs('api::member.member').create({ data: { firstName: 'Ben', lastName: 'Roux' } });
    const dues: Array<[Saved, Saved, number, string, string]> = [
      [ana, annual, 0.1, '2025-07-01', 'cash'], // first day of the fiscal year
      [ben, annual, 0.2, '2026-06-30', 'cash'], // last day
      [ana, support, 0.7, '2025-12-31', 'cheque'],
      [ben, support, 10, '2026-01-15', 'card'],
      [ana, annual, 99.99, '2025-06-30', 'cash'], // previous fiscal year
      [ben, annual, 1, '2026-07-01', 'cash'], // next one
    ];
    for (const [member, type, amount, paidAt, paymentMethod] of dues) {
      await docs('api::contribution.contribution').create({
        data: { member: member.documentId, membershipType: type.documentId, amount, paidAt, paymentMethod },
      });
    }
    const donorA = await docs('api::donor.donor').create({ data: { kind: 'individual', lastName: 'Aimable' } });
    const donorB = await docs('api::donor.donor').create({ data: { kind: 'company', companyName: 'Garage Central' } });
    const donorC = await docs('api::donor.donor').create({ data: { kind: 'individual', lastName: 'Bénévole' } });
    const gifts: Array<[Saved, number, string, string, string]> = [
      [donorA, 0.1, '2025-08-01', 'transfer', 'cash'],
      [donorA, 0.2, '2025-09-01', 'transfer', 'cash'],
      [donorB, 1234.56, '2026-03-03', 'cheque', 'in_kind'],
      [donorC, 0.01, '2026-06-30', 'helloasso', 'waived_expenses'],
      [donorC, 500, '2026-07-01', 'transfer', 'cash'], // next fiscal year
    ];
    for (const [donor, amount, receivedAt, method, nature] of gifts) {
      await docs('api::donation.donation').create({ data: { donor: donor.documentId, amount, receivedAt, method, nature } });
    }
    const town = await docs('api::partner.partner').create({ data: { name: 'Mairie de Lyon', kind: 'public_body' } });
    const region = await docs('api::partner.partner').create({ data: { name: 'Région', kind: 'public_body' } });
    await docs('api::subsidy.subsidy').create({
      data: {
        title: 'Animations',
        funder: town.documentId,
        fiscalYear: 2025,
        amountRequested: 1000.1,
        amountGranted: 800.2,
        amountReceived: 400.1,
        status: 'paid',
        reportDueAt: '2026-09-30',
      },
    });
    await docs('api::subsidy.subsidy').create({
      data: { title: 'Équipement', funder: region.documentId, fiscalYear: 2025, amountRequested: 0.7, status: 'submitted' },
    });
    await docs('api::subsidy.subsidy').create({
      data: { title: 'Fête', funder: town.documentId, fiscalYear: 2025, amountRequested: 0.2, amountGranted: 0.1, status: 'granted' },
    });
    await docs('api::subsidy.subsidy').create({
      data: { title: 'Ancienne', funder: town.documentId, fiscalYear: 2024, amountRequested: 9999, status: 'reported' },
    });
    // listed, but out of the totals like on the dashboard: a draft never sent, an amount granted then refused
    await docs('api::subsidy.subsidy').create({
      data: { title: 'Projet en préparation', funder: town.documentId, fiscalYear: 2025, amountRequested: 5000, status: 'draft' },
    });
    await docs('api::subsidy.subsidy').create({
      data: {
        title: 'Minibus',
        funder: region.documentId,
        fiscalYear: 2025,
        amountRequested: 300.3,
        amountGranted: 100,
        status: 'refused',
      },
    });
    const missions: Array<[string, string, string, number, number | null]> = [
      ['Fête de l’été', '2025-06-30T22:30:00.000Z', 'done', 100.1, 99.95], // 1 July 00:30 in Paris: in
      ['Brocante', '2026-06-30T21:00:00.000Z', 'done', 0.2, 0.1], // 30 June 23:00 in Paris: in
      ['Kermesse annulée', '2026-01-10T10:00:00.000Z', 'cancelled', 50, null],
      ['Trop tard', '2026-06-30T22:30:00.000Z', 'planned', 7, null], // 1 July 00:30 in Paris: next year
    ];
    for (const [title, startAt, status, budgetPlanned, budgetActual] of missions) {
      await docs('api::mission.mission').create({ data: { title, startAt, status, budgetPlanned, budgetActual } });
    }
  }, 300_000); // booting on PostgreSQL on a busy CI machine can take long
  afterAll(() => app?.stop());

  const line = (rows: Array<Record<string, string>>, section: string, detail: string) =>
    rows.find((r) => r['Rubrique'] === section && r['Détail'] === detail);

  it('computes the fiscal year totals exactly to the cent, in a CSV for French spreadsheets', async () => {
    const res = await download(app, '/back-office/reports/financial.csv?year=2025');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="bilan-financier-2025.csv"');
    const { bom, header, rows } = parseCsv(res.body);
    expect(bom).toBe(true);
    expect(header).toEqual(['Rubrique', 'Détail', 'Nombre', 'Montant (€)']);
    expect(line(rows, 'Association', 'Les Amis du Quartier')).toBeTruthy();
    expect(line(rows, 'Association', 'RNA W691234567')).toBeTruthy();
    expect(line(rows, 'Période', 'Exercice 2025 — du 01/07/2025 au 30/06/2026')).toBeTruthy();

    const expectLine = (section: string, detail: string, count: string, amount: string) =>
      expect(line(rows, section, detail)).toMatchObject({ Nombre: count, 'Montant (€)': amount });
    expectLine('Cotisations', 'Total', '4', '11,00');
    expectLine('Cotisations', 'Type d’adhésion : Annuelle', '2', '0,30');
    expectLine('Cotisations', 'Type d’adhésion : Soutien', '2', '10,70');
    expectLine('Cotisations', 'Moyen de paiement : Espèces', '2', '0,30');
    expectLine('Cotisations', 'Moyen de paiement : Chèque', '1', '0,70');
    expectLine('Cotisations', 'Moyen de paiement : Carte bancaire', '1', '10,00');
    expectLine('Dons', 'Total', '4', '1234,87');
    expectLine('Dons', 'Donateurs distincts', '3', '');
    expectLine('Dons', 'Nature : En nature', '1', '1234,56');
    // money given (nature « cash ») is « Numéraire », cash as a payment method stays « Espèces »
    expectLine('Dons', 'Nature : Numéraire', '2', '0,30');
    expect(rows.some((r) => r['Détail'] === 'Nature : Espèces')).toBe(false);
    expectLine('Dons', 'Nature : Abandon de frais', '1', '0,01');
    expectLine('Dons', 'Moyen de paiement : Virement', '2', '0,30');
    // the dashboard's definitions: 1000.10 + 0.70 + 0.20 + 300.30 requested (not the draft's 5000),
    // 800.20 + 0.10 granted (not the 100 of the refused one), 400.10 received; the counts are of those amounts
    expectLine('Subventions demandées', 'Total (hors brouillons)', '4', '1301,30');
    expectLine('Subventions accordées', 'Total (statut Accordée, Versée ou Bilan rendu)', '2', '800,30');
    expectLine('Subventions reçues', 'Total (quel que soit le statut)', '1', '400,10');
    expectLine('Subventions accordées', 'Mairie de Lyon — Animations (Versée, bilan à rendre le 30/09/2026)', '', '800,20');
    expectLine('Subventions accordées', 'Mairie de Lyon — Fête (Accordée)', '', '0,10');
    expectLine('Subventions reçues', 'Mairie de Lyon — Fête (Accordée)', '', '');
    // drafts and refused subsidies are listed, their amounts marked as left out of the totals
    expectLine('Subventions demandées', 'Mairie de Lyon — Projet en préparation (Brouillon) — non compté dans le total', '', '5000,00');
    expectLine('Subventions demandées', 'Région — Minibus (Refusée)', '', '300,30');
    expectLine('Subventions accordées', 'Région — Minibus (Refusée) — non compté dans le total', '', '100,00');
    // by funder, same definitions
    expectLine('Subventions demandées', 'Financeur : Mairie de Lyon', '2', '1000,30');
    expectLine('Subventions accordées', 'Financeur : Mairie de Lyon', '2', '800,30');
    expectLine('Subventions reçues', 'Financeur : Mairie de Lyon', '1', '400,10');
    expectLine('Subventions demandées', 'Financeur : Région', '2', '301,00');
    expectLine('Subventions accordées', 'Financeur : Région', '0', '0,00');
    expectLine('Budget prévu des missions', 'Total', '2', '100,30');
    expectLine('Budget réel des missions', 'Total', '2', '100,05');
    expect(rows.some((r) => /Kermesse|Trop tard|Ancienne/.test(r['Détail']))).toBe(false);
    // the books' section (no ledger entry in this fixture: tests/books/reports.test.ts has them)
    expectLine('Comptabilité : résultat', 'Résultat de l’exercice : excédent (recettes − dépenses)', '', '0,00');
  });

  it('prints the same figures in a PDF with the association, its RNA/SIREN and the period', async () => {
    const res = await download(app, '/back-office/reports/financial.pdf?year=2025');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.body.subarray(0, 5).toString()).toBe('%PDF-');
    const { text } = await pdfParse(res.body);
    const flat = text.replace(/\s+/g, ' ');
    for (const expected of [
      'Les Amis du Quartier',
      'RNA W691234567',
      'SIREN 123456789',
      'Bilan financier',
      'Exercice 2025 — du 01/07/2025 au 30/06/2026',
      'Total des cotisations',
      '11,00 €',
      '10,70 €',
      '1 234,87 €',
      '1 301,30 €',
      '800,30 €',
      '400,10 €',
      '100,30 €',
      '100,05 €',
      'Mairie de Lyon — Animations',
      'Par financeur',
      '1 000,30 €',
      'Numéraire',
      'demandé hors brouillons',
      'Projet en préparation',
      '5 000,00 € (non compté)',
      '100,00 € (non compté)',
    ]) {
      expect(flat).toContain(expected);
    }
    expect(flat).not.toContain('Kermesse');
    expect(flat).not.toContain('300,30 € (non compté)'); // a refused application was sent: its request counts
  });

  it('validates the year, and reports an empty year with zero totals', async () => {
    const bad = await app.admin('get', '/back-office/reports/financial.csv?year=20x5');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^Paramètre « year » \(Exercice\) : /);
    const { rows } = parseCsv((await download(app, '/back-office/reports/financial.csv?year=2030')).body);
    expect(line(rows, 'Cotisations', 'Total')).toMatchObject({ Nombre: '0', 'Montant (€)': '0,00' });
    expect((await app.admin('get', '/back-office/reports/financial.ods?year=2025')).status).toBe(404);
  });

  it('neutralises names typed by people that a spreadsheet would run as formulas (another fiscal year)', async () => {
    const evil = await docs('api::partner.partner').create({ data: { name: '@SUM(1+1)', kind: 'company' } });
    await docs('api::subsidy.subsidy').create({
      data: { title: 'Projet', funder: evil.documentId, fiscalYear: 2031, amountRequested: 12.5, status: 'submitted' },
    });
    await docs('api::mission.mission').create({
      data: { title: '=HYPERLINK("http://example.com")', startAt: '2031-10-01T08:00:00.000Z', status: 'planned', budgetPlanned: 3 },
    });
    await docs('api::mission.mission').create({
      data: { title: '-2+3', startAt: '2031-10-02T08:00:00.000Z', status: 'planned', budgetPlanned: 4 },
    });
    const { rows } = parseCsv((await download(app, '/back-office/reports/financial.csv?year=2031')).body);
    const details = rows.map((r) => r['Détail']);
    expect(details).toContain("'@SUM(1+1) — Projet (Déposée)");
    expect(details).toContain('Financeur : @SUM(1+1)');
    expect(details).toContain(`'=HYPERLINK("http://example.com") (01/10/2031, Prévue)`);
    expect(details).toContain("'-2+3 (02/10/2031, Prévue)");
    expect(details.filter((d) => /^[=+\-@\t\r]/.test(d))).toEqual([]);
    expect(line(rows, 'Budget prévu des missions', 'Total')).toMatchObject({ Nombre: '2', 'Montant (€)': '7,00' });
  });

  it('includes only the sections the role may read, and refuses a role that may read none or lacks reports.read', async () => {
    const donationsOnly = await adminWithRights(app, 'Dons seulement', {
      actions: ['api::back-office.reports.read'],
      read: { 'api::donation.donation': true, 'api::donor.donor': true },
    });
    const { rows } = parseCsv((await download(app, '/back-office/reports/financial.csv?year=2025', donationsOnly)).body);
    expect(line(rows, 'Dons', 'Total')).toMatchObject({ 'Montant (€)': '1234,87' });
    expect(rows.some((r) => r['Rubrique'] === 'Cotisations' || r['Rubrique'].startsWith('Subventions'))).toBe(false);
    expect(rows.filter((r) => r['Rubrique'] === 'Non inclus').map((r) => r['Détail'])).toEqual([
      'Cotisations : vous n’avez pas le droit de les consulter',
      'Subventions : vous n’avez pas le droit de les consulter',
      'Budgets des missions : vous n’avez pas le droit de les consulter',
      'Comptabilité (recettes, dépenses et résultat) : vous n’avez pas le droit de les consulter',
    ]);

    const nothing = await adminWithRights(app, 'Bilan sans données', { actions: ['api::back-office.reports.read'] });
    const refused = await app.admin('get', '/back-office/reports/financial.pdf?year=2025', nothing);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/^Vous n’avez le droit de consulter aucune des données du bilan/);

    const noReport = await adminWithRights(app, 'Lecteur des dons', { read: { 'api::donation.donation': true } });
    expect((await app.admin('get', '/back-office/reports/financial.csv?year=2025', noReport)).status).toBe(403);
  });
});
