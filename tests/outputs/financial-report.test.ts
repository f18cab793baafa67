import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { adminWithRights, download, parseCsv } from '../exports/helpers';
import { AMOUNT, cents, downloadPdf, expectEmbeddedFontsOnly, flat, pdfjsText, pdftotext } from './pdf-tools';
import type { Saved } from '../helpers/types';

/**
 * The financial report adds up: every total is the sum of the rows shown (summed here from the CSV
 * parsed back and from the PDF's text read by pdftotext), the « Écart » (réel − prévu) only
 * compares missions held or with an actual budget, a grand total of receipts closes the receipts
 * part, and the CSV has the BOM of every export. A past fiscal year (2025: every mission held) and a
 * future one (2099: missions to come, a long table). SQLite and PostgreSQL.
 */
describe(`financial report adds up (${DB_CLIENT})`, () => {
  let app: TestApp;
  const create = (uid: string, data: Record<string, unknown>) => app.strapi.documents(uid).create({ data });

  beforeAll(async () => {
    app = await startStrapi();
    await create('api::association.association', { name: 'Œuvre d’art — Les Amis de Łódź', fiscalYearStartMonth: 1 });
    const annual = await create('api::membership-type.membership-type', { name: 'Annuelle', amount: 20 });
    const solidarity = await create('api::membership-type.membership-type', { name: 'Adhésion « Solidarité »', amount: 5 });
    const zoe = await create('api::member.member', { firstName: 'Ζωή', lastName: 'Παπαδοπούλου' });
    const dmitri = await create('api::member.member', { firstName: 'Дмитрий', lastName: 'Иванов' });
    const dues: Array<[Saved, Saved, number, string, string]> = [
      [zoe, annual, 0.1, '2025-01-01', 'cash'],
      [dmitri, annual, 0.2, '2025-12-31', 'cheque'],
      [zoe, solidarity, 0.7, '2025-06-15', 'card'],
      [dmitri, null, 1234.56, '2025-03-03', 'transfer'], // no membership type: « Non renseigné »
      [zoe, annual, 99, '2024-12-31', 'cash'], // another year
    ];
    for (const [member, type, amount, paidAt, paymentMethod] of dues) {
      await create('api::contribution.contribution', {
        member: member.documentId,
        membershipType: type?.documentId ?? null,
        amount,
        paidAt,
        paymentMethod,
      });
    }
    const donorA = await create('api::donor.donor', { kind: 'individual', lastName: 'Παπαδοπούλου', firstName: 'Ζωή' });
    const donorB = await create('api::donor.donor', { kind: 'company', companyName: 'Œuvre d’art SARL' });
    for (const [donor, amount, receivedAt, method, nature] of [
      [donorA, 0.1, '2025-02-01', 'transfer', 'cash'],
      [donorA, 0.2, '2025-09-01', 'cash', 'cash'],
      [donorB, 1000.01, '2025-11-11', 'cheque', 'in_kind'],
    ] as Array<[Saved, number, string, string, string]>) {
      await create('api::donation.donation', { donor: donor.documentId, amount, receivedAt, method, nature });
    }
    const town = await create('api::partner.partner', { name: 'Mairie de Łódź', kind: 'public_body' });
    const greek = await create('api::partner.partner', { name: 'Ζωή Παπαδοπούλου', kind: 'other' });
    const russian = await create('api::partner.partner', { name: 'Дмитрий Иванов', kind: 'other' });
    const subsidies: Array<[Saved, string, string, number | null, number | null, number | null]> = [
      [town, 'Animations', 'paid', 1000.1, 800.2, 400.1],
      [town, 'Projet en préparation', 'draft', 5000, null, null], // not counted: never sent
      [greek, 'Œuvre d’art', 'reported', 300.3, 300.3, 300.3],
      [russian, 'Minibus', 'refused', 0.7, 100, null], // requested counts, granted does not
      [russian, 'Fête', 'granted', 0.2, 0.1, null],
    ];
    for (const [funder, title, status, amountRequested, amountGranted, amountReceived] of subsidies) {
      await create('api::subsidy.subsidy', {
        title,
        funder: funder.documentId,
        fiscalYear: 2025,
        status,
        amountRequested,
        amountGranted,
        amountReceived,
      });
    }
    const missions: Array<[string, string, string, number | null, number | null]> = [
      // 2025: all held (their dates are past)
      ['Atelier vélo Łódź ≥ 2 €', '2025-03-10T09:00:00.000Z', 'done', 100.1, 99.95],
      ['Œuvre d’art', '2025-04-10T09:00:00.000Z', 'planned', 50, null], // held, nothing spent entered: compared with 0
      ['Fête imprévue', '2025-05-10T09:00:00.000Z', 'confirmed', null, 20.2],
      ['Sans budget', '2025-06-10T09:00:00.000Z', 'done', null, null],
      ['Kermesse annulée', '2025-07-10T09:00:00.000Z', 'cancelled', 70, null], // not in the report
      // 2099: to come
      ['Salon Ζωή 2099', '2099-03-01T09:00:00.000Z', 'planned', 300, null], // not compared
      ['Acompte versé', '2099-04-01T09:00:00.000Z', 'confirmed', 200, 50.5], // an actual budget: compared
      ['Bilan déjà saisi', '2099-05-01T09:00:00.000Z', 'planned', null, 0.3],
    ];
    // a long table in 2099: 70 more missions to come
    for (let i = 1; i <= 70; i++)
      missions.push([
        `Mission n°${i} — Дмитрий`,
        `2099-06-${String((i % 28) + 1).padStart(2, '0')}T08:00:00.000Z`,
        'planned',
        i + 0.01,
        null,
      ]);
    for (const [title, startAt, status, budgetPlanned, budgetActual] of missions) {
      await create('api::mission.mission', { title, kind: 'mission', startAt, status, budgetPlanned, budgetActual });
    }
  }, 300_000);
  afterAll(() => app?.stop());

  // ---- CSV ---------------------------------------------------------------------------------------

  const csv = async (year: number, token?: string) => {
    const res = await download(app, `/back-office/reports/financial.csv?year=${year}`, token);
    expect(res.status).toBe(200);
    return parseCsv(res.body);
  };
  const toCents = (v: string | undefined) => (v === undefined || v === '' ? 0 : cents(`${v} €`)!);
  const sumOf = (rows: Array<Record<string, string>>) => rows.reduce((t, r) => t + toCents(r['Montant (€)']), 0);
  const countOf = (rows: Array<Record<string, string>>) => rows.reduce((t, r) => t + Number(r['Nombre'] || 0), 0);

  it('has the UTF-8 BOM like every other export (and none in ?format=iso, like them)', async () => {
    const fr = await download(app, '/back-office/reports/financial.csv?year=2025');
    expect([...fr.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const members = await download(app, '/back-office/exports/members.csv');
    expect([...members.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const iso = await download(app, '/back-office/reports/financial.csv?year=2025&format=iso');
    expect(iso.body[0]).toBe('R'.charCodeAt(0));
    expect(parseCsv(iso.body, ',').header).toEqual(['Rubrique', 'Détail', 'Nombre', 'Montant (€)']);
  });

  it('CSV: each total is the sum of its rows (dues, donations, subsidies by definition, missions)', async () => {
    const { rows } = await csv(2025);
    const section = (name: string) => rows.filter((r) => r['Rubrique'] === name);
    const total = (name: string, detail = 'Total') => section(name).find((r) => r['Détail'] === detail)!;
    const startingWith = (name: string, prefix: string) => section(name).filter((r) => r['Détail'].startsWith(prefix));

    for (const [name, groups] of [
      ['Cotisations', ['Type d’adhésion : ', 'Moyen de paiement : ']],
      ['Dons', ['Nature : ', 'Moyen de paiement : ']],
    ] as const) {
      for (const prefix of groups) {
        expect(sumOf(startingWith(name, prefix))).toBe(toCents(total(name)['Montant (€)']));
        expect(countOf(startingWith(name, prefix))).toBe(Number(total(name)['Nombre']));
      }
    }
    expect(total('Cotisations')['Montant (€)']).toBe('1235,56');
    expect(section('Cotisations').map((r) => r['Détail'])).toContain('Type d’adhésion : Adhésion « Solidarité »');
    expect(total('Dons')['Montant (€)']).toBe('1000,31');

    // subsidies: the rows whose amount counts (not marked) add up to the total, and so do the funders
    for (const name of ['Subventions demandées', 'Subventions accordées', 'Subventions reçues']) {
      const all = section(name);
      const totalRow = all.find((r) => r['Détail'].startsWith('Total ('))!;
      const funders = all.filter((r) => r['Détail'].startsWith('Financeur : '));
      const counted = all.filter(
        (r) => r !== totalRow && !funders.includes(r) && r['Montant (€)'] !== '' && !r['Détail'].endsWith('non compté dans le total')
      );
      expect(sumOf(counted)).toBe(toCents(totalRow['Montant (€)']));
      expect(counted.length).toBe(Number(totalRow['Nombre']));
      expect(sumOf(funders)).toBe(toCents(totalRow['Montant (€)']));
    }
    expect(section('Subventions demandées').find((r) => r['Détail'].startsWith('Total ('))!['Montant (€)']).toBe('1301,30');
    expect(section('Subventions reçues').find((r) => r['Détail'].startsWith('Total ('))!['Montant (€)']).toBe('700,40');

    // missions: planned and actual totals are the sums of the rows
    for (const name of ['Budget prévu des missions', 'Budget réel des missions']) {
      const missionRows = section(name).filter((r) => r['Détail'] !== 'Total');
      expect(missionRows).toHaveLength(4);
      expect(sumOf(missionRows)).toBe(toCents(total(name)['Montant (€)']));
    }
    expect(total('Budget prévu des missions')['Montant (€)']).toBe('150,10');
    expect(total('Budget réel des missions')['Montant (€)']).toBe('120,15');
    expect(rows.some((r) => r['Détail'].includes('Kermesse'))).toBe(false);
  });

  it('CSV: the grand total of receipts (dues + donations + subsidies received) closes the receipts part', async () => {
    const { rows } = await csv(2025);
    const receipts = rows.filter((r) => r['Rubrique'] === 'Total des recettes');
    expect(receipts.map((r) => [r['Détail'], r['Nombre'], r['Montant (€)']])).toEqual([
      ['Cotisations', '4', '1235,56'],
      ['Dons', '3', '1000,31'],
      ['Subventions reçues (quel que soit le statut)', '2', '700,40'],
      ['Total (cotisations + dons + subventions reçues (quel que soit le statut))', '', '2936,27'],
    ]);
    // each part is its section's total, and the grand total their sum
    const sectionTotal = (name: string, detail: (d: string) => boolean) =>
      rows.find((r) => r['Rubrique'] === name && detail(r['Détail']))!['Montant (€)'];
    expect(receipts[0]['Montant (€)']).toBe(sectionTotal('Cotisations', (d) => d === 'Total'));
    expect(receipts[1]['Montant (€)']).toBe(sectionTotal('Dons', (d) => d === 'Total'));
    expect(receipts[2]['Montant (€)']).toBe(sectionTotal('Subventions reçues', (d) => d.startsWith('Total (')));
    expect(sumOf(receipts.slice(0, 3))).toBe(toCents(receipts[3]['Montant (€)']));
    // after the last subsidy line, before the missions
    const at = rows.indexOf(receipts[0]);
    expect(rows.slice(0, at).some((r) => r['Rubrique'].startsWith('Budget'))).toBe(false);
    expect(rows[at - 1]['Rubrique']).toBe('Subventions reçues');
    expect(rows.slice(at + 4).every((r) => !/^(Cotisations|Dons|Subventions)/.test(r['Rubrique']))).toBe(true);
  });

  it('CSV: « Écart » = réel − prévu for missions held or with an actual budget only, its total the sum of those', async () => {
    for (const [year, expected] of [
      [2025, { compared: 4, total: '-29,95' }], // -0,15 - 50,00 + 20,20 + 0,00
      [2099, { compared: 2, total: '-149,20' }], // -149,50 + 0,30; the 71 missions to come without actual are not compared
    ] as const) {
      const { rows } = await csv(year);
      const planned = new Map(
        rows
          .filter((r) => r['Rubrique'] === 'Budget prévu des missions' && r['Détail'] !== 'Total')
          .map((r) => [r['Détail'], toCents(r['Montant (€)'])])
      );
      const actual = new Map(
        rows
          .filter((r) => r['Rubrique'] === 'Budget réel des missions' && r['Détail'] !== 'Total')
          .map((r) => [r['Détail'], toCents(r['Montant (€)'])])
      );
      const difference = rows.filter((r) => r['Rubrique'] === 'Écart des missions');
      expect(difference[0]['Détail']).toMatch(/^Écart = réel − prévu, pour les missions passées ou dont le budget réel est saisi/);
      const total = difference[difference.length - 1];
      expect(total['Détail']).toBe('Total (missions comparées)');
      const lines = difference.slice(1, -1);
      expect(lines).toHaveLength(planned.size);
      const compared = lines.filter((r) => r['Montant (€)'] !== '');
      for (const r of lines) {
        if (r['Montant (€)'] === '') {
          expect(r['Détail']).toMatch(/ — non comparé \(mission à venir sans budget réel\)$/);
          const mission = r['Détail'].replace(/ — non comparé.*$/, '');
          expect(rows.find((x) => x['Rubrique'] === 'Budget réel des missions' && x['Détail'] === mission)!['Montant (€)']).toBe('');
        } else {
          expect(toCents(r['Montant (€)'])).toBe(actual.get(r['Détail'])! - planned.get(r['Détail'])!);
        }
      }
      expect(compared).toHaveLength(expected.compared);
      expect(total['Nombre']).toBe(String(expected.compared));
      expect(total['Montant (€)']).toBe(expected.total);
      expect(sumOf(compared)).toBe(toCents(total['Montant (€)']));
    }
  });

  it('CSV: without the right to one receipts section, no grand total (a partial sum would read as the total), and it says why', async () => {
    const token = await adminWithRights(app, 'Sans subventions', {
      actions: ['api::back-office.reports.read'],
      read: {
        'api::contribution.contribution': true,
        'api::membership-type.membership-type': true,
        'api::donation.donation': true,
        'api::donor.donor': true,
      },
    });
    const { rows } = await csv(2025, token);
    expect(rows.filter((r) => r['Rubrique'] === 'Total des recettes').map((r) => [r['Détail'], r['Montant (€)']])).toEqual([
      ['Non calculé : rubrique absente de ce bilan (Subventions).', ''],
    ]);
  });

  // ---- PDF ---------------------------------------------------------------------------------------

  const linesOf = (text: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  const pdfLines = (pdf: Buffer) => linesOf(pdftotext(pdf, { layout: true }));
  const ROW = new RegExp(`^(.+?)\\s{2,}(\\d{2}/\\d{2}/\\d{4})\\s+(${AMOUNT}|—)\\s+(${AMOUNT}|—)\\s+(${AMOUNT}|—)$`);
  const TOTAL = new RegExp(`^Total\\s+(${AMOUNT}|—)\\s+(${AMOUNT}|—)\\s+(${AMOUNT}|—)$`);
  const missionTable = (lines: string[]) => {
    const rows = lines
      .map((l) => ROW.exec(l))
      .filter(Boolean)
      .map((m) => ({ title: m![1], planned: cents(m![3]), actual: cents(m![4]), difference: cents(m![5]), differenceText: m![5] }));
    const total = lines
      .map((l) => TOTAL.exec(l))
      .filter(Boolean)
      .pop()!;
    return { rows, total: { planned: cents(total[1]), actual: cents(total[2]), difference: cents(total[3]) } };
  };
  const sum = (values: Array<number | null>) => values.reduce<number>((t, v) => t + (v ?? 0), 0);

  it('PDF: the mission totals are the sums of the rows printed, the « Écart » compares only what can be, and says its convention', async () => {
    for (const [year, count, compared] of [
      [2025, 4, 4],
      [2099, 73, 2],
    ] as const) {
      const pdf = await downloadPdf(app, `/back-office/reports/financial.pdf?year=${year}`);
      expectEmbeddedFontsOnly(pdf);
      const { rows, total } = missionTable(pdfLines(pdf));
      expect(rows).toHaveLength(count);
      expect(sum(rows.map((r) => r.planned))).toBe(total.planned);
      expect(sum(rows.map((r) => r.actual))).toBe(total.actual);
      expect(sum(rows.map((r) => r.difference))).toBe(total.difference);
      for (const r of rows) {
        if (r.differenceText === '—') expect(r.actual).toBeNull();
        else expect(r.difference).toBe((r.actual ?? 0) - (r.planned ?? 0));
      }
      expect(rows.filter((r) => r.differenceText !== '—')).toHaveLength(compared);
      expect(flat(pdftotext(pdf))).toContain(
        'Écart = réel − prévu, pour les missions passées ou dont le budget réel est saisi ; « — » : mission à venir sans budget réel, hors du total de l’écart.'
      );
    }
    const { rows, total } = missionTable(pdfLines(await downloadPdf(app, '/back-office/reports/financial.pdf?year=2025')));
    expect(rows.map((r) => r.title)).toEqual(['Atelier vélo Łódź ≥ 2 €', 'Œuvre d’art', 'Fête imprévue', 'Sans budget']);
    expect(total).toEqual({ planned: 15010, actual: 12015, difference: -2995 });
  });

  it('PDF: the long missions table repeats its header on every page it runs onto', async () => {
    const pdf = await downloadPdf(app, '/back-office/reports/financial.pdf?year=2099');
    const { numpages } = await pdfjsText(pdf);
    expect(numpages).toBeGreaterThanOrEqual(3);
    let continued = 0;
    for (let page = 2; page <= numpages; page++) {
      const lines = linesOf(pdftotext(pdf, { layout: true, pages: [page, page] }));
      if (!lines.some((l) => ROW.test(l))) continue;
      continued += 1;
      expect(lines[0].split(/\s{2,}/)).toEqual(['Mission', 'Date', 'Prévu', 'Réel', 'Écart']);
      expect(ROW.test(lines[1])).toBe(true);
    }
    expect(continued).toBeGreaterThanOrEqual(2);
  });

  it('PDF: receipts, dues, donations and funders add up, with the grand total of receipts after the subsidies', async () => {
    const pdf = await downloadPdf(app, '/back-office/reports/financial.pdf?year=2025');
    const lines = pdfLines(pdf);
    const amountsOf = (line: string) => [...line.matchAll(new RegExp(AMOUNT, 'g'))].map((m) => cents(m[0])!);
    const lineOf = (start: string) => lines.find((l) => l.startsWith(start))!;
    const block = (header: string) => {
      const at = lines.findIndex((l) => l.startsWith(header));
      const out: string[] = [];
      for (const l of lines.slice(at + 1)) {
        if (!amountsOf(l).length) break;
        out.push(l);
      }
      return out;
    };
    const at = lines.findIndex((l) => l === 'Total des recettes');
    expect(at).toBeGreaterThan(lines.findIndex((l) => l.startsWith('Par financeur')));
    expect(at).toBeLessThan(lines.findIndex((l) => l.startsWith('Budgets des missions')));
    const parts = ['Cotisations', 'Dons', 'Subventions reçues (quel que soit le statut)'].map(
      (p) => amountsOf(lines.slice(at).find((l) => l.startsWith(p))!)[0]
    );
    const grand = amountsOf(lines.slice(at + 1).find((l) => l.startsWith('Total des recettes'))!)[0];
    expect(parts).toEqual([123556, 100031, 70040]);
    expect(grand).toBe(sum(parts));
    expect(amountsOf(lineOf('Total des cotisations'))[0]).toBe(parts[0]);
    expect(amountsOf(lineOf('Total des dons'))[0]).toBe(parts[1]);

    // by membership type / payment method: the rows add up to the total of the dues
    expect(sum(block('Par type d’adhésion').map((l) => amountsOf(l)[0]))).toBe(parts[0]);
    expect(sum(block('Par moyen de paiement').map((l) => amountsOf(l)[0]))).toBe(parts[0]);
    expect(
      block('Par type d’adhésion')
        .map((l) => l.split(/\s{2,}/)[0])
        .sort()
    ).toEqual(['Adhésion « Solidarité »', 'Annuelle', 'Non renseigné']);
    // by funder: requested, granted, received add up to the subsidies' totals
    const funders = block('Par financeur');
    expect(funders.map((l) => l.split(/\s{2,}/)[0]).sort()).toEqual(['Mairie de Łódź', 'Ζωή Παπαδοπούλου', 'Дмитрий Иванов']);
    // the subsidies table's total row (requested, granted, received)
    const totals = amountsOf(lines.find((l) => /^Total\s/.test(l) && amountsOf(l).length === 3 && !l.includes('—'))!);
    expect(totals).toEqual([130130, 110060, 70040]);
    for (let k = 0; k < 3; k++) expect(sum(funders.map((l) => amountsOf(l)[k]))).toBe(totals[k]);
  });
});
