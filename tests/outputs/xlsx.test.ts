import fs from 'fs';
import os from 'os';
import path from 'path';
import { execFileSync } from 'child_process';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import { adminWithRights, download, parseCsv } from '../exports/helpers';
import type { Json } from '../helpers/types';

/**
 * Excel workbooks of the exports and of the financial report: each downloaded through the admin
 * route, read back with ExcelJS's reader and opened by LibreOffice Calc (headless, converted to a
 * flat ODS whose cells carry LibreOffice's own types): postal codes, phones and references keep their
 * leading zeros as text, amounts are numbers in euros, dates are real dates showing the right day
 * (Paris time for instants), the header row is frozen with the filter on; same columns, rows and
 * rights as the CSV. SQLite and PostgreSQL.
 */
describe(`Excel exports (${DB_CLIENT})`, () => {
  let app: TestApp;
  const MEMBER = 'api::member.member';
  const docs = (uid: string) => app.strapi.documents(uid);
  const today = DateTime.now().setZone('Europe/Paris').toISODate();
  const DATASETS = ['members', 'contributions', 'donations', 'donors', 'subsidies', 'partners', 'missions', 'participations'];
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const EURO = '#,##0.00 "€"';
  const files: Record<string, Buffer> = {};
  let calc: Record<string, FodsBook> = {};

  beforeAll(async () => {
    app = await startStrapi();
    await docs('api::association.association').create({
      data: { name: 'Les Amis du Quartier', rna: 'W751234567', fiscalYearStartMonth: 1 },
    });
    const pole = await docs('api::pole.pole').create({ data: { name: 'Animation' } });
    const annual = await docs('api::membership-type.membership-type').create({ data: { name: 'Annuelle', amount: 20 } });
    const ain = await docs(MEMBER).create({
      data: {
        firstName: 'Zoé',
        lastName: 'Ain',
        email: 'zoe@example.org',
        phone: '0612345678',
        postalCode: '01000',
        city: 'Bourg-en-Bresse',
        birthDate: '1990-01-31',
        joinedAt: '2026-03-01',
        isVolunteer: true,
        poles: [pole.documentId],
        notes: '=1+1',
      },
    });
    await docs(MEMBER).create({
      data: { firstName: 'Luc', lastName: 'Corse', postalCode: '02100', phone: '+33 6 00 00 00 00', joinedAt: '2025-12-31' },
    });
    await docs('api::contribution.contribution').create({
      data: {
        member: ain.documentId,
        membershipType: annual.documentId,
        amount: 1234.5,
        paidAt: '2026-03-01',
        paymentMethod: 'cheque',
        reference: '0001234',
      },
    });
    await docs('api::contribution.contribution').create({
      data: { member: ain.documentId, membershipType: annual.documentId, amount: 0.1, paidAt: '2026-01-01', paymentMethod: 'cash' },
    });
    const donor = await docs('api::donor.donor').create({
      data: { kind: 'individual', lastName: 'Généreux', postalCode: '01000', phone: '0478000000', member: ain.documentId },
    });
    await docs('api::donation.donation').create({
      data: { donor: donor.documentId, amount: 0.1, receivedAt: '2026-03-01', method: 'transfer', nature: 'cash', reference: 'DON-000042' },
    });
    await docs('api::donation.donation').create({
      data: { donor: donor.documentId, amount: 0.2, receivedAt: '2026-01-15', method: 'cheque', nature: 'cash' },
    });
    const town = await docs('api::partner.partner').create({
      data: { name: 'Ville de Bourg', kind: 'public_body', phone: '0474000000', since: '2020-01-01' },
    });
    await docs('api::subsidy.subsidy').create({
      data: {
        title: 'Fête',
        funder: town.documentId,
        fiscalYear: 2026,
        amountRequested: 1000,
        amountGranted: 800.5,
        amountReceived: 300,
        status: 'granted',
        reportDueAt: '2026-03-01',
      },
    });
    // 28 February 23:30 UTC is 1 March 00:30 in Paris: the day shown must be the 1st
    const mission = await docs('api::mission.mission').create({
      data: {
        title: 'Collecte',
        startAt: '2026-02-28T23:30:00.000Z',
        status: 'done',
        pole: pole.documentId,
        budgetPlanned: 100,
        budgetActual: 99.9,
        capacity: 10,
      },
    });
    await docs('api::participation.participation').create({
      data: { mission: mission.documentId, member: ain.documentId, status: 'attended', hours: 2.5 },
    });
    await docs('api::participation.participation').create({
      data: { mission: mission.documentId, lastName: 'Visiteur', firstName: 'Victor', phone: '0699999999', status: 'confirmed' },
    });

    for (const name of DATASETS) {
      const res = await download(app, `/back-office/exports/${name}.csv?format=xlsx`);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
      files[name] = res.body;
    }
    const report = await download(app, '/back-office/reports/financial.csv?year=2026&format=xlsx');
    expect(report.status).toBe(200);
    files.report = report.body;
    calc = libreOffice(files);
  }, 300_000);
  afterAll(() => app?.stop());

  const workbook = async (body: Buffer) => {
    const wb = new ExcelJS.Workbook();
    // ExcelJS types the buffer as its own `Buffer` (an ArrayBuffer), which Node's Buffer no longer satisfies
    await wb.xlsx.load(body as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
    return wb;
  };
  /** The sheet's rows as arrays of cells (1-based columns dropped), from row `from`. */
  const rowsOf = (ws: ExcelJS.Worksheet, from = 1) => {
    const rows: ExcelJS.Cell[][] = [];
    for (let r = from; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      rows.push(Array.from({ length: ws.columnCount }, (_, i) => row.getCell(i + 1)));
    }
    return rows;
  };
  const table = async (body: Buffer, headerRow = 1) => {
    const ws = (await workbook(body)).worksheets[0];
    const [header, ...rows] = rowsOf(ws, headerRow);
    const names = header.map((c) => String(c.value ?? ''));
    return {
      ws,
      header: names,
      rows: rows.filter((r) => r.some((c) => c.value !== null)).map((r) => Object.fromEntries(names.map((h, i) => [h, r[i]]))),
    };
  };
  const utcDay = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

  it('answers every export as a workbook: Content-Type, file name, one sheet with the CSV\u2019s columns and rows', async () => {
    for (const name of DATASETS) {
      const res = await download(app, `/back-office/exports/${name}.csv?format=xlsx`);
      expect(res.headers['content-type']).toBe(XLSX);
      expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="[a-z]+-${today}\\.xlsx"$`));
      const csv = parseCsv((await download(app, `/back-office/exports/${name}.csv`)).body);
      const { ws, header, rows } = await table(res.body);
      expect({ name, header }).toEqual({ name, header: csv.header });
      expect({ name, rows: rows.length }).toEqual({ name, rows: csv.rows.length });
      // frozen header row, filter over the header and every row
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.autoFilter).toBe(`A1:${ws.getColumn(header.length).letter}${rows.length + 1}`);
      // sensible widths: at least the header's, within reason
      header.forEach((h, i) => expect(ws.getColumn(i + 1).width).toBeGreaterThanOrEqual(Math.min(50, Math.max(10, h.length))));
      header.forEach((_, i) => expect(ws.getColumn(i + 1).width).toBeLessThanOrEqual(50));
    }
    // the .xlsx path is the same file; a CSV flavour asked for with it, or an unknown format, is a 400
    const same = await download(app, '/back-office/exports/members.xlsx');
    expect(same.status).toBe(200);
    expect(same.headers['content-type']).toBe(XLSX);
    expect((await app.admin('get', '/back-office/exports/members.xlsx?format=iso')).status).toBe(400);
    expect((await app.admin('get', '/back-office/exports/members.csv?format=excel')).status).toBe(400);
  });

  it('keeps leading zeros as text, writes dates as real dates of the right day and Oui/Non (ExcelJS reader)', async () => {
    const { rows } = await table(files.members);
    const zoe = rows.find((r) => r['Nom'].value === 'Ain')!;
    expect(zoe['Code postal']).toMatchObject({ type: ExcelJS.ValueType.String, value: '01000' });
    expect(zoe['Téléphone']).toMatchObject({ type: ExcelJS.ValueType.String, value: '0612345678' });
    // the member number names, it does not count: text, like a reference
    const { memberNumber } = await app.strapi.db.query(MEMBER).findOne({ where: { lastName: 'Ain' } });
    expect(zoe['N° d’adhérent']).toMatchObject({ type: ExcelJS.ValueType.String, value: String(memberNumber) });
    expect(zoe['Date d’adhésion'].type).toBe(ExcelJS.ValueType.Date);
    expect(zoe['Date d’adhésion'].value).toEqual(utcDay('2026-03-01'));
    expect(zoe['Date d’adhésion'].numFmt).toBe('dd/mm/yyyy');
    expect(zoe['Date de naissance'].value).toEqual(utcDay('1990-01-31'));
    expect(zoe['Bénévole'].value).toBe('Oui');
    expect(rows.find((r) => r['Nom'].value === 'Corse')!['Bénévole'].value).toBe('Non');
    // text typed by people stays a string cell as typed: a spreadsheet never runs a string cell
    expect(zoe['Notes']).toMatchObject({ type: ExcelJS.ValueType.String, value: '=1+1' });
    expect(rows.find((r) => r['Nom'].value === 'Corse')!['Code postal'].value).toBe('02100');
  });

  it('writes amounts as numbers in euros and references as text (ExcelJS reader)', async () => {
    const contributions = (await table(files.contributions)).rows;
    const cheque = contributions.find((r) => r['Référence'].value === '0001234')!;
    expect(cheque['Référence'].type).toBe(ExcelJS.ValueType.String);
    expect(cheque['Montant (€)']).toMatchObject({ type: ExcelJS.ValueType.Number, value: 1234.5, numFmt: EURO });
    expect(cheque['Payée le'].value).toEqual(utcDay('2026-03-01'));
    expect(contributions.find((r) => r['Référence'].value === null)!['Montant (€)'].value).toBe(0.1);

    const donors = (await table(files.donors)).rows;
    expect(donors[0]['Code postal'].value).toBe('01000');
    expect(donors[0]['Téléphone'].value).toBe('0478000000');
    expect(donors[0]['Total des dons (€)']).toMatchObject({ type: ExcelJS.ValueType.Number, value: 0.3, numFmt: EURO });
    expect(donors[0]['Nombre de dons']).toMatchObject({ type: ExcelJS.ValueType.Number, value: 2 });
    expect(donors[0]['Dernier don le'].value).toEqual(utcDay('2026-03-01'));
    expect(donors[0]['N° d’adhérent lié'].type).toBe(ExcelJS.ValueType.String);

    const donations = (await table(files.donations)).rows;
    expect(donations.find((r) => r['Référence'].value === 'DON-000042')!['Montant (€)']).toMatchObject({ value: 0.1, numFmt: EURO });

    const subsidy = (await table(files.subsidies)).rows[0];
    expect(subsidy['Montant accordé (€)'] ?? subsidy[Object.keys(subsidy).find((k) => /accordé/i.test(k))!]).toMatchObject({
      value: 800.5,
      numFmt: EURO,
    });
    expect(subsidy[Object.keys(subsidy).find((k) => /bilan/i.test(k))!].value).toEqual(utcDay('2026-03-01'));
  });

  it('shows instants at their Paris time: a mission at 23:30 UTC on 28 February is on 1 March at 00:30', async () => {
    const mission = (await table(files.missions)).rows[0];
    const start = mission[Object.keys(mission).find((k) => /^Début/.test(k))!];
    expect(start.type).toBe(ExcelJS.ValueType.Date);
    expect(start.value).toEqual(new Date('2026-03-01T00:30:00.000Z'));
    expect(start.numFmt).toBe('dd/mm/yyyy hh:mm');
    const budget = mission[Object.keys(mission).find((k) => /réel/i.test(k))!];
    expect(budget).toMatchObject({ value: 99.9, numFmt: EURO });
    const participation = (await table(files.participations)).rows.find((r) => r['Nom'].value === 'Visiteur')!;
    expect(participation['Téléphone'].value).toBe('0699999999');
    expect(participation['Début de la mission'].value).toEqual(new Date('2026-03-01T00:30:00.000Z'));
  });

  it('opens in LibreOffice Calc with the same types: text with leading zeros, numbers in euros, dates of the right day, frozen header and filter', () => {
    const members = calc.members.sheets['Adhérents'];
    const header = members[0].map((c) => c.text);
    const zoe = members.find((r) => r[header.indexOf('Nom')]?.text === 'Ain')!;
    const cell = (name: string) => zoe[header.indexOf(name)];
    expect(cell('Code postal')).toMatchObject({ type: 'string', text: '01000' });
    expect(cell('Téléphone')).toMatchObject({ type: 'string', text: '0612345678' });
    expect(cell('N° d’adhérent').type).toBe('string');
    expect(cell('Date d’adhésion')).toMatchObject({ type: 'date', value: '2026-03-01', text: '01/03/2026' });
    expect(cell('Notes')).toMatchObject({ type: 'string', text: '=1+1' });
    // frozen header row and filter buttons over the header and the rows, in every sheet Calc opens
    for (const name of DATASETS) {
      const [sheet, view] = Object.entries(calc[name].views)[0];
      const rows = calc[name].sheets[sheet].filter((r) => r.some((c) => c.type !== 'empty')).length;
      expect({ name, view }).toEqual({
        name,
        view: { frozenRows: 1, filter: [1, rows, 1, calc[name].sheets[sheet][0].filter((c) => c.type !== 'empty').length] },
      });
    }

    const contributions = calc.contributions.sheets['Cotisations'];
    const ch = contributions[0].map((c) => c.text);
    const cheque = contributions.find((r) => r[ch.indexOf('Référence')]?.text === '0001234')!;
    expect(cheque[ch.indexOf('Référence')].type).toBe('string');
    expect(cheque[ch.indexOf('Montant (€)')]).toMatchObject({ type: 'float', value: '1234.5' });
    expect(cheque[ch.indexOf('Montant (€)')].text).toMatch(/^1[\s,.\u00a0\u202f]?234[.,]50\s?€$/);
    expect(cheque[ch.indexOf('Payée le')]).toMatchObject({ type: 'date', value: '2026-03-01', text: '01/03/2026' });

    const missions = calc.missions.sheets['Missions et événements'];
    const mh = missions[0].map((c) => c.text);
    const start = missions[1][mh.findIndex((h) => /^Début/.test(h))];
    expect(start).toMatchObject({ type: 'date', value: '2026-03-01T00:30:00', text: '01/03/2026 00:30' });
  });

  it('gives the financial report as a workbook: one sheet per table, amounts in euros, totals after the table', async () => {
    const res = await download(app, '/back-office/reports/financial.xlsx?year=2026');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX);
    expect(res.headers['content-disposition']).toBe('attachment; filename="bilan-financier-2026.xlsx"');
    expect((await download(app, '/back-office/reports/financial.csv?year=2026&format=xlsx')).headers['content-disposition']).toBe(
      'attachment; filename="bilan-financier-2026.xlsx"'
    );
    expect((await app.admin('get', '/back-office/reports/financial.xlsx?year=2026&format=iso')).status).toBe(400);

    const wb = await workbook(files.report);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Cotisations et dons', 'Subventions', 'Missions', 'Comptabilité']);
    const summary = wb.getWorksheet('Cotisations et dons')!;
    expect(summary.getCell('A1').value).toBe('Les Amis du Quartier — RNA W751234567');
    expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
    expect(summary.getRow(4).values).toEqual([undefined, 'Rubrique', 'Détail', 'Nombre', 'Montant (€)']);
    const line = (detail: string, section = 'Cotisations') =>
      rowsOf(summary, 5).find((r) => r[0].value === section && r[1].value === detail)!;
    expect(line('Total')[2].value).toBe(2);
    expect(line('Total')[3]).toMatchObject({ value: 1234.6, numFmt: EURO });
    expect(line('Total', 'Dons')[3].value).toBe(0.3);
    expect(summary.autoFilter).toMatch(/^A4:D\d+$/);

    const subsidies = rowsOf(wb.getWorksheet('Subventions')!);
    const fete = subsidies.find((r) => r[1].value === 'Fête')!;
    expect(fete[4]).toMatchObject({ value: 800.5, numFmt: EURO });
    expect(fete[6].value).toEqual(utcDay('2026-03-01'));
    expect(subsidies.find((r) => r[0].value === 'Total')![4]).toMatchObject({ value: 800.5, numFmt: EURO });

    // the books: income and expenses of the year's entries, each total a number in euros
    const books = rowsOf(wb.getWorksheet('Comptabilité')!);
    const totals = books.filter((r) => r[2].value === 'Total');
    expect(totals.map((r) => r[0].value)).toHaveLength(2);
    for (const total of totals) expect(total[4]).toMatchObject({ value: expect.any(Number), numFmt: EURO });
    const missions = rowsOf(wb.getWorksheet('Missions')!);
    const collecte = missions.find((r) => r[0].value === 'Collecte')!;
    expect(collecte[1].value).toEqual(new Date('2026-03-01T00:30:00.000Z'));
    expect(collecte[3]).toMatchObject({ value: 100, numFmt: EURO });
    expect(missions.find((r) => /^Total/.test(String(r[0].value)))![4].value).toBe(99.9);

    // LibreOffice reads the same: the total is a number, the subsidy's due date a date
    const calcSummary = calc.report.sheets['Cotisations et dons'];
    const total = calcSummary.find((r) => r[0]?.text === 'Cotisations' && r[1]?.text === 'Total')!;
    expect(total[3]).toMatchObject({ type: 'float', value: '1234.6' });
    expect(calc.report.views['Cotisations et dons']).toMatchObject({ frozenRows: 4, filter: [4, expect.any(Number), 1, 4] });
    expect(calc.report.views['Subventions']).toMatchObject({ frozenRows: 5, filter: [5, 6, 1, 8] });
    const calcFete = calc.report.sheets['Subventions'].find((r) => r[1]?.text === 'Fête')!;
    expect(calcFete[6]).toMatchObject({ type: 'date', value: '2026-03-01', text: '01/03/2026' });
  });

  it('closes the report\u2019s first sheet with the total of receipts, the report\u2019s own figures in euros', async () => {
    const wb = await workbook(files.report);
    const block = rowsOf(wb.getWorksheet('Cotisations et dons')!).filter((r) => r[0].value === 'Total des recettes');
    expect(block.map((r) => r[1].value)).toEqual([
      'Cotisations',
      'Dons',
      expect.stringMatching(/^Subventions reçues/),
      expect.stringMatching(/^Total \(cotisations \+ dons \+ subventions reçues/),
    ]);
    expect(block.map((r) => r[3].value)).toEqual([1234.6, 0.3, 300, 1534.9]);
    for (const r of block) expect(r[3].numFmt).toBe(EURO);
    // the total is the sum of the three lines above it (cents, to avoid float noise)
    const cents = block.map((r) => Math.round(Number(r[3].value) * 100));
    expect(cents[3]).toBe(cents[0] + cents[1] + cents[2]);
    expect(block.map((r) => r[2].value)).toEqual([2, 2, 1, null]);
    // LibreOffice reads numbers too
    const calcTotal = calc.report.sheets['Cotisations et dons'].find(
      (r) => r[0]?.text === 'Total des recettes' && /^Total/.test(r[1]?.text ?? '')
    )!;
    expect(calcTotal[3]).toMatchObject({ type: 'float', value: '1534.9' });

    // a role that may not read the subsidies (or the dues) gets the « Non calculé » line, no partial sum
    const noSubsidies = await adminWithRights(app, 'Recettes sans subventions', {
      actions: ['api::back-office.reports.read'],
      read: {
        'api::contribution.contribution': true,
        'api::membership-type.membership-type': true,
        'api::donation.donation': true,
        'api::donor.donor': true,
      },
    });
    for (const [session, missing] of [
      [noSubsidies, 'Subventions'],
      [await loginAs(app, 'asso-partnerships'), 'Cotisations'],
    ] as const) {
      const mine = await workbook((await download(app, '/back-office/reports/financial.xlsx?year=2026', session)).body);
      const lines = rowsOf(mine.worksheets[0]).filter((r) => r[0].value === 'Total des recettes');
      expect(lines.map((r) => [r[1].value, r[3].value])).toEqual([
        [expect.stringMatching(new RegExp(`^Non calculé : .*\\(${missing}\\)\\.$`)), null],
      ]);
    }
  });

  it('gives the missions\u2019 difference « réel − prévu » in euros, only for compared missions, its convention and its total', async () => {
    // missions still to come: one with its actual budget entered (compared), one without (not compared)
    const soon = DateTime.now().setZone('Europe/Paris').plus({ days: 2 }).set({ hour: 10 });
    const startAt = soon.toUTC().toISO();
    await docs('api::mission.mission').create({
      data: { title: 'Atelier', startAt, status: 'planned', budgetPlanned: 40, budgetActual: 55.5 },
    });
    await docs('api::mission.mission').create({ data: { title: 'Braderie', startAt, status: 'planned', budgetPlanned: 30 } });
    const wb = await workbook((await download(app, `/back-office/reports/financial.xlsx?year=${soon.year}`)).body);
    const ws = wb.getWorksheet('Missions')!;
    const all = rowsOf(ws);
    expect(
      all.some(
        (r) =>
          r[0].value ===
          'Écart = réel − prévu, pour les missions passées ou dont le budget réel est saisi ; « — » : mission à venir sans budget réel, hors du total de l’écart.'
      )
    ).toBe(true);
    const h = all.findIndex((r) => r[0].value === 'Mission');
    expect(all[h].map((c) => c.value)).toEqual([
      'Mission',
      'Début',
      'Statut',
      'Budget prévu (€)',
      'Budget réel (€)',
      'Écart réel − prévu (€)',
      'Remarque',
    ]);
    const rows = all.slice(h + 1).filter((r) => r[0].value !== null && !/^Total/.test(String(r[0].value)));
    const byTitle = (t: string) => rows.find((r) => r[0].value === t)!;
    expect(byTitle('Atelier')[5]).toMatchObject({ value: 15.5, numFmt: EURO });
    expect(byTitle('Atelier')[6].value).toBeNull();
    expect(byTitle('Braderie')[5].value).toBeNull();
    expect(byTitle('Braderie')[6].value).toBe('— non comparé (mission à venir sans budget réel)');
    const compared = rows.filter((r) => r[5].value !== null);
    const total = all.find((r) => /^Total/.test(String(r[0].value)))!;
    expect(total[0].value).toBe(`Total (${rows.length} missions)`);
    expect(total[5]).toMatchObject({ numFmt: EURO });
    // the total of the difference is the sum of the compared rows of the sheet, and says how many
    expect(Math.round(Number(total[5].value) * 100)).toBe(compared.reduce((t, r) => t + Math.round(Number(r[5].value) * 100), 0));
    expect(total[6].value).toBe(
      `écart sur ${compared.length} mission${compared.length > 1 ? 's' : ''} comparée${compared.length > 1 ? 's' : ''}`
    );
    expect(Math.round(Number(total[3].value) * 100)).toBe(rows.reduce((t, r) => t + Math.round(Number(r[3].value ?? 0) * 100), 0));
    // the same figures as the CSV
    const csv = parseCsv((await download(app, `/back-office/reports/financial.csv?year=${soon.year}`)).body);
    const csvTotal = csv.rows.find((r: Json) => r['Rubrique'] === 'Écart des missions' && r['Détail'] === 'Total (missions comparées)');
    expect(csvTotal?.['Nombre']).toBe(String(compared.length));
  });

  it('follows the CSV\u2019s rights: same 403 for a role refused, same columns for a role limited to some fields', async () => {
    const communication = await loginAs(app, 'asso-communication');
    for (const url of [
      '/back-office/exports/members.csv',
      '/back-office/exports/members.csv?format=xlsx',
      '/back-office/exports/members.xlsx',
    ]) {
      const res = await app.admin('get', url, communication);
      expect({ url, status: res.status, message: res.body.error?.message }).toEqual({
        url,
        status: 403,
        message: 'Vous n’avez pas le droit de consulter les adhérents : export refusé.',
      });
    }
    expect((await app.admin('get', '/back-office/reports/financial.csv?year=2026&format=xlsx', communication)).status).toBe(403);
    expect((await app.admin('get', '/back-office/reports/financial.xlsx?year=2026', communication)).status).toBe(403);

    // the treasurer may export the members: the same columns as the CSV
    const treasurer = await loginAs(app, 'asso-treasurer');
    const csv = parseCsv((await download(app, '/back-office/exports/members.csv', treasurer)).body);
    const xlsx = await table((await download(app, '/back-office/exports/members.csv?format=xlsx', treasurer)).body);
    expect(xlsx.header).toEqual(csv.header);

    const limited = await adminWithRights(app, 'Accueil xlsx', {
      actions: ['api::back-office.exports.read'],
      read: { [MEMBER]: ['memberNumber', 'lastName', 'postalCode'] },
    });
    const mine = await table((await download(app, '/back-office/exports/members.csv?format=xlsx&postalCode=01000', limited)).body);
    expect(mine.header).toEqual(['N° d’adhérent', 'Nom', 'Code postal']);
    expect(mine.rows.map((r) => r['Nom'].value)).toEqual(['Ain']);
    const refused = await app.admin('get', '/back-office/exports/members.csv?format=xlsx&city=Lyon', limited);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/Filtre « city »/);

    // the partnerships manager's report leaves out the dues, like the CSV
    const partnerships = await loginAs(app, 'asso-partnerships');
    const wb = await workbook((await download(app, '/back-office/reports/financial.csv?year=2026&format=xlsx', partnerships)).body);
    const sections = new Set(rowsOf(wb.getWorksheet('Cotisations et dons')!, 5).map((r) => r[0].value));
    expect(sections.has('Cotisations')).toBe(false);
    expect(sections.has('Dons')).toBe(true);
  });
});

// ---------- LibreOffice Calc, headless: each workbook converted to a flat ODS, read back ----------

interface FodsCell {
  type: string;
  value?: string;
  text: string;
}
interface FodsBook {
  sheets: Record<string, FodsCell[][]>;
  /** what Calc shows once the file is open (calc-view.py): rows frozen at the top, filter area [first row, last row, first column, last column] */
  views: Record<string, { frozenRows: number; filter: number[] | null }>;
}

const decode = (s: string) =>
  s
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
const attr = (attrs: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(attrs)?.[1];

const parseFods = (xml: string): FodsBook['sheets'] => {
  const sheets: Record<string, FodsCell[][]> = {};
  for (const t of xml.matchAll(/<table:table table:name="([^"]*)"[^>]*>([\s\S]*?)<\/table:table>/g)) {
    const rows: FodsCell[][] = [];
    for (const r of t[2].matchAll(/<table:table-row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/table:table-row>)/g)) {
      const cells: FodsCell[] = [];
      for (const c of (r[2] ?? '').matchAll(/<table:table-cell\b([^>]*?)(?:\/>|>([\s\S]*?)<\/table:table-cell>)/g)) {
        const repeat = Math.min(Number(attr(c[1], 'table:number-columns-repeated') ?? 1), 64);
        const cell: FodsCell = {
          type: attr(c[1], 'office:value-type') ?? 'empty',
          value: attr(c[1], 'office:value') ?? attr(c[1], 'office:date-value'),
          text: [...(c[2] ?? '').matchAll(/<text:p[^>]*>([\s\S]*?)<\/text:p>/g)].map((p) => decode(p[1])).join('\n'),
        };
        for (let i = 0; i < repeat; i++) cells.push(cell);
      }
      const repeat = Number(attr(r[1], 'table:number-rows-repeated') ?? 1);
      for (let i = 0; i < (repeat > 64 ? 1 : repeat); i++) rows.push(cells);
    }
    sheets[decode(t[1])] = rows;
  }
  return sheets;
};

const libreOffice = (files: Record<string, Buffer>): Record<string, FodsBook> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xlsx-calc-'));
  try {
    const inputs = Object.entries(files).map(([name, body]) => {
      const file = path.join(dir, `${name}.xlsx`);
      fs.writeFileSync(file, body);
      return file;
    });
    // a profile of its own: other LibreOffice processes on the machine do not lock it
    execFileSync(
      'soffice',
      [
        `-env:UserInstallation=file://${dir}/profile`,
        '--headless',
        '--norestore',
        '--convert-to',
        'fods',
        '--outdir',
        path.join(dir, 'out'),
        ...inputs,
      ],
      {
        timeout: 180_000,
        stdio: 'ignore',
      }
    );
    // a converted file keeps no view (frozen rows): Calc itself, through its UNO bridge, says what it shows
    const views = JSON.parse(
      execFileSync('/usr/bin/python3', [path.join(__dirname, 'calc-view.py'), path.join(dir, 'profile-view'), ...inputs], {
        timeout: 180_000,
        encoding: 'utf8',
      })
    );
    return Object.fromEntries(
      Object.keys(files).map((name) => [
        name,
        { sheets: parseFods(fs.readFileSync(path.join(dir, 'out', `${name}.fods`), 'utf8')), views: views[`${name}.xlsx`] },
      ])
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
