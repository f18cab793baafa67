import type { Strapi, Values } from '../types';
import { associationIdentity, createReport, endToBuffer, heading, paragraph, table, type AssociationIdentity } from '../pdf/document';
import { formatCentsAsEuros, typo } from '../pdf/typography';
import { formatCents, neutralise, type CsvFormat } from '../exports/format';
import { csvStream } from '../exports/engine';
import { workbookStream, type Sheet, type SheetColumn } from '../exports/xlsx';
import { xlsxCell } from '../exports/format';
import { formatDate } from '../../contract/format';
import { enumLabel } from '../../contract/labels';
import type { BudgetRow, IncomeStatement, StatementGroup, SubsidyReport } from './statements';

/**
 * The statements of statements.ts as files: PDF for print (the association's header, DejaVu, French
 * typography), CSV for French spreadsheets (BOM, `;`) and XLSX (amounts as numbers in euros). Every
 * figure is the statement's own: nothing is summed again here.
 */

const eurosOf = formatCentsAsEuros;
const once = <T extends object>(rows: T[]) =>
  async function* () {
    yield rows;
  };
/** A column reading `key` of the row objects, written as a cell of the given type. */
const column = (header: string, key: string, type: Parameters<typeof xlsxCell>[0]): SheetColumn => {
  const cell = xlsxCell(type);
  return { header, numFmt: cell.numFmt, value: (row: Values) => cell.value(row[key]) };
};
const identityLine = (identity: AssociationIdentity) =>
  [identity.name, identity.rna ? `RNA ${identity.rna}` : '', identity.siren ? `SIREN ${identity.siren}` : ''].filter(Boolean).join(' — ');

// ---------------------------------------------------------------------------------------------
// Compte de résultat
// ---------------------------------------------------------------------------------------------

export const resultWord = (cents: number) => (cents >= 0 ? 'excédent' : 'déficit');
const period = (s: IncomeStatement) => `Exercice ${s.name} — du ${formatDate(s.start)} au ${formatDate(s.end)}`;
const resultSentence = (s: IncomeStatement) =>
  `L\u2019exercice ${s.name} se solde par un ${resultWord(s.totals.result.current)} de ${eurosOf(Math.abs(s.totals.result.current))} ` +
  `(exercice ${s.previousName} : ${resultWord(s.totals.result.previous)} de ${eurosOf(Math.abs(s.totals.result.previous))}).`;
const CASH_BASIS =
  'Comptabilité de trésorerie : les recettes et les dépenses à la date de leur encaissement ou de leur paiement ; les virements entre les comptes de l\u2019association n\u2019y figurent pas.';
/** A difference between the change in cash and the result: opening balances that are not the previous closing ones. */
const cashGap = (s: IncomeStatement) => s.balanceTotals.end - s.balanceTotals.start - s.totals.result.current;

/** The statement's rows, one per category and one subtotal per heading of the chart, for the CSV and the XLSX. */
const statementRows = (s: IncomeStatement) => {
  const rows: Array<{ section: string; number: string; name: string; current?: number; previous?: number }> = [];
  const side = (section: string, groups: StatementGroup[], total: { current: number; previous: number }) => {
    for (const g of groups) {
      for (const l of g.lines) rows.push({ section, number: l.number, name: l.name, current: l.current, previous: l.previous });
      rows.push({ section, number: g.code, name: `Total ${g.code} ${g.name}`, current: g.current, previous: g.previous });
    }
    rows.push({ section, number: '', name: `Total des ${section.toLowerCase()}`, ...total });
  };
  side('Charges', s.expenses, s.totals.expense);
  side('Produits', s.incomes, s.totals.income);
  rows.push({
    section: 'Résultat',
    number: '',
    name: `Résultat : ${resultWord(s.totals.result.current)} (produits − charges)`,
    ...s.totals.result,
  });
  return rows;
};

export const incomeStatementCsv = async (strapi: Strapi, s: IncomeStatement, format: CsvFormat) => {
  const identity = await associationIdentity(strapi);
  const money = (c: number | undefined) => (c === undefined ? '' : formatCents(c, format));
  const rows: Array<Record<string, string>> = [
    { section: 'Association', number: '', name: identity.name, current: '', previous: '' },
    { section: 'Période', number: '', name: period(s), current: '', previous: '' },
    ...statementRows(s).map((r) => ({
      section: r.section,
      number: r.number,
      name: r.name,
      current: money(r.current),
      previous: money(r.previous),
    })),
    // cash at the end of each year: the previous year's column holds this year's start (its opening balance)
    ...s.balances.map((b) => ({
      section: 'Trésorerie',
      number: '',
      name: `${b.name} : solde de fin d\u2019exercice`,
      current: money(b.end),
      previous: money(b.start),
    })),
  ];
  const header = [
    ['section', 'Rubrique'],
    ['number', 'Compte'],
    ['name', 'Libellé'],
    ['current', `Exercice ${s.name} (€)`],
    ['previous', `Exercice ${s.previousName} (€)`],
  ];
  rows.push({
    section: 'Trésorerie',
    number: '',
    name: 'Total : solde de fin d\u2019exercice',
    current: money(s.balanceTotals.end),
    previous: money(s.balanceTotals.start),
  });
  const fields = header.map(([key, label]) => ({
    label,
    value: (row: Record<string, unknown>) => {
      const v = String(row[key] ?? '');
      if (v === '') return undefined;
      return key === 'name' || key === 'section' ? neutralise(v) : v;
    },
  }));
  return csvStream(fields, format, once(rows));
};

export const incomeStatementPdf = async (strapi: Strapi, s: IncomeStatement) => {
  const identity = await associationIdentity(strapi);
  const doc = createReport(identity, { title: 'Compte de résultat', subtitle: period(s) });
  const w = doc.page.width - 100;
  const widths = [w * 0.6, w * 0.2, w * 0.2];
  paragraph(doc, CASH_BASIS);
  const side = (title: string, groups: StatementGroup[], total: { current: number; previous: number }) => {
    heading(doc, title);
    const rows: Array<Array<string>> = [];
    for (const g of groups) {
      rows.push([`${g.code} — ${g.name}`, eurosOf(g.current), eurosOf(g.previous)]);
      for (const l of g.lines) rows.push([`      ${l.number} ${l.name}`, eurosOf(l.current), eurosOf(l.previous)]);
    }
    if (!groups.length) rows.push(['Aucune écriture', eurosOf(0), eurosOf(0)]);
    rows.push([`Total des ${title.toLowerCase()}`, eurosOf(total.current), eurosOf(total.previous)]);
    table(doc, ['Compte', `Exercice ${s.name}`, `Exercice ${s.previousName}`], rows, widths);
  };
  side('Charges', s.expenses, s.totals.expense);
  side('Produits', s.incomes, s.totals.income);
  heading(doc, 'Résultat');
  table(
    doc,
    ['', `Exercice ${s.name}`, `Exercice ${s.previousName}`],
    [
      ['Total des produits', eurosOf(s.totals.income.current), eurosOf(s.totals.income.previous)],
      ['Total des charges', eurosOf(s.totals.expense.current), eurosOf(s.totals.expense.previous)],
      [
        typo(`Résultat : ${resultWord(s.totals.result.current)} (produits − charges)`),
        eurosOf(s.totals.result.current),
        eurosOf(s.totals.result.previous),
      ],
    ],
    widths
  );
  paragraph(doc, resultSentence(s), { size: 10 });
  heading(doc, 'Trésorerie');
  table(
    doc,
    ['Compte', `Au début (${formatDate(s.start)})`, `À la fin (${formatDate(s.end)})`],
    [
      ...s.balances.map((b) => [b.name, eurosOf(b.start), eurosOf(b.end)]),
      ['Total', eurosOf(s.balanceTotals.start), eurosOf(s.balanceTotals.end)],
    ],
    widths
  );
  const gap = cashGap(s);
  paragraph(
    doc,
    gap === 0
      ? 'La trésorerie a varié du montant du résultat : les virements entre comptes ne changent pas le total.'
      : `La variation de la trésorerie diffère du résultat de ${eurosOf(gap)} : un solde d\u2019ouverture saisi pour l\u2019exercice n\u2019est pas le solde de fin de l\u2019exercice précédent.`
  );
  return endToBuffer(doc, identity);
};

export const incomeStatementXlsx = async (strapi: Strapi, s: IncomeStatement) => {
  const identity = await associationIdentity(strapi);
  const title = [identityLine(identity), `Compte de résultat — ${period(s)}`, CASH_BASIS];
  const rows = statementRows(s);
  const result = rows.pop()!;
  const expenseTotal = rows.findIndex((r) => r.section === 'Charges' && r.number === '' && r.name.startsWith('Total des'));
  const incomeTotal = rows.length - 1;
  const totals = [rows[expenseTotal], rows[incomeTotal], result];
  const body = rows.filter((_, i) => i !== expenseTotal && i !== incomeTotal);
  const sheets: Sheet[] = [
    {
      name: 'Compte de résultat',
      title,
      columns: [
        column('Rubrique', 'section', 'text'),
        column('Compte', 'number', 'text'),
        column('Libellé', 'name', 'text'),
        column(`Exercice ${s.name} (€)`, 'current', 'cents'),
        column(`Exercice ${s.previousName} (€)`, 'previous', 'cents'),
      ],
      batches: once(body),
      footer: totals,
    },
    {
      name: 'Trésorerie',
      title: [identityLine(identity), `Trésorerie — ${period(s)}`],
      columns: [
        column('Compte', 'name', 'text'),
        column('Type', 'kind', 'text'),
        column(`Au début (${formatDate(s.start)}) (€)`, 'start', 'cents'),
        column(`À la fin (${formatDate(s.end)}) (€)`, 'end', 'cents'),
      ],
      batches: once(s.balances.map((b) => ({ ...b, kind: enumLabel('api::cash-account.cash-account', 'kind', b.kind) }))),
      footer: [{ name: 'Total', start: s.balanceTotals.start, end: s.balanceTotals.end }],
    },
  ];
  return workbookStream(sheets);
};

// ---------------------------------------------------------------------------------------------
// Compte rendu financier de subvention (Cerfa n° 15059)
// ---------------------------------------------------------------------------------------------

export const CERFA = 'Cerfa n° 15059';
const percent = (actual: number, planned: number) => (planned === 0 ? '—' : `${Math.round((actual * 100) / planned)}\u202f%`);
const subsidyTitle = (r: SubsidyReport) =>
  [r.subsidy.funder, r.subsidy.title, r.subsidy.fiscalYear ? `exercice ${r.subsidy.fiscalYear}` : null].filter(Boolean).join(' — ');
const TO_FILL = '(à compléter dans la fiche de la subvention)';
const ATTESTATION =
  'Je soussigné(e) ……………………………………, représentant(e) légal(e) de l\u2019association, certifie exactes les informations du présent compte rendu.';

/** Contributions in kind (86, 87) are planned only: no cash entry realises them, their actual is left blank. */
const isInKind = (number: string) => /^8[67]/.test(number);

/** The rows of one table of the form: each heading, its detail lines, the total. */
const budgetTableRows = (rows: BudgetRow[]) =>
  rows.flatMap((row) => [
    { kind: 'heading' as const, number: row.code, label: row.name, planned: row.planned, actual: row.actual },
    ...row.details.map((d) => ({ kind: 'detail' as const, number: d.number, label: d.label, planned: d.planned, actual: d.actual })),
  ]);

const subsidyRows = (r: SubsidyReport) => {
  const rows: Array<{ table: string; number: string; label: string; planned: number; actual: number | null; difference: number | null }> =
    [];
  const add = (tableName: string, list: ReturnType<typeof budgetTableRows>) =>
    list.forEach((l) =>
      rows.push({
        table: tableName,
        number: l.number,
        label: l.label,
        planned: l.planned,
        actual: isInKind(l.number) ? null : l.actual,
        difference: isInKind(l.number) ? null : l.actual - l.planned,
      })
    );
  add('Charges', budgetTableRows(r.charges));
  const totals = (name: string, t: { planned: number; actual: number }) => ({
    table: name,
    number: '',
    label: `Total des ${name.toLowerCase()}`,
    planned: t.planned,
    actual: t.actual,
    difference: t.actual - t.planned,
  });
  rows.push(totals('Charges', r.totals.charges));
  add('Charges', budgetTableRows([r.inKind.charges]));
  add('Produits', budgetTableRows(r.produits));
  rows.push(totals('Produits', r.totals.produits));
  add('Produits', budgetTableRows([r.inKind.produits]));
  return rows;
};

export const subsidyReportPdf = async (strapi: Strapi, r: SubsidyReport) => {
  const identity = await associationIdentity(strapi);
  const doc = createReport(identity, { title: 'Compte rendu financier de subvention', subtitle: `${CERFA} — ${subsidyTitle(r)}` });
  const w = doc.page.width - 100;
  const s = r.subsidy;
  table(
    doc,
    ['Subvention', ''],
    [
      ['Objet', s.title],
      ['Financeur', s.funder ?? '—'],
      ['Exercice', s.fiscalYear ? String(s.fiscalYear) : '—'],
      ['Statut', enumLabel('api::subsidy.subsidy', 'status', s.status)],
      ['Montant accordé', eurosOf(s.granted)],
      ['Montant reçu', eurosOf(s.received)],
    ],
    [w * 0.35, w * 0.65]
  );
  heading(doc, '1. Bilan qualitatif de l\u2019action réalisée');
  paragraph(doc, 'Description de l\u2019action réalisée, de ses bénéficiaires et de ses résultats :', { size: 9 });
  doc.moveDown(0.3);
  doc.fontSize(10).text(s.actionDescription?.trim() || TO_FILL, { width: w });
  heading(doc, '2. Tableau de synthèse');
  const widths = [w * 0.4, w * 0.15, w * 0.15, w * 0.15, w * 0.15];
  const budgetTable = (title: string, rows: BudgetRow[], total: { planned: number; actual: number }, inKind: BudgetRow) => {
    const line = (l: { kind: 'heading' | 'detail'; number: string; label: string; planned: number; actual: number }) => [
      l.kind === 'heading' ? `${l.number} — ${l.label}` : `      ${l.number} ${l.label}`,
      eurosOf(l.planned),
      ...(isInKind(l.number) ? ['—', '—', '—'] : [eurosOf(l.actual), eurosOf(l.actual - l.planned), percent(l.actual, l.planned)]),
    ];
    table(
      doc,
      [title, 'Prévision', 'Réalisation', 'Écart', '%'],
      [
        ...budgetTableRows(rows).map(line),
        [
          `Total des ${title.toLowerCase()}`,
          eurosOf(total.planned),
          eurosOf(total.actual),
          eurosOf(total.actual - total.planned),
          percent(total.actual, total.planned),
        ],
        ...budgetTableRows([inKind]).map(line),
      ],
      widths
    );
  };
  budgetTable('Charges', r.charges, r.totals.charges, r.inKind.charges);
  budgetTable('Produits', r.produits, r.totals.produits, r.inKind.produits);
  paragraph(
    doc,
    `Réalisation : les ${r.entries.count} écritures de la comptabilité liées à cette subvention (recettes ${eurosOf(r.entries.income)}, dépenses ${eurosOf(r.entries.expense)}). ` +
      'Écart = réalisation − prévision. Les contributions volontaires en nature (86, 87) ne font pas d\u2019écriture en argent et restent hors des totaux.'
  );
  heading(doc, '3. Données chiffrées : explication des écarts');
  doc.fontSize(10).text(s.differencesExplanation?.trim() || TO_FILL, { width: w });
  heading(doc, 'Règle de répartition des charges indirectes');
  doc.fontSize(10).text(s.indirectCostsRule?.trim() || 'Aucune charge indirecte affectée à l\u2019action.', { width: w });
  heading(doc, 'Attestation');
  paragraph(doc, ATTESTATION, { size: 10 });
  doc.moveDown(1);
  paragraph(doc, 'Fait le ………………………, à ……………………………        Signature :', { size: 10 });
  return endToBuffer(doc, identity);
};

export const subsidyReportCsv = async (strapi: Strapi, r: SubsidyReport, format: CsvFormat) => {
  const identity = await associationIdentity(strapi);
  const money = (c: number | null) => (c === null ? '' : formatCents(c, format));
  const header = [
    ['table', 'Tableau'],
    ['number', 'Compte'],
    ['label', 'Libellé'],
    ['planned', 'Prévision (€)'],
    ['actual', 'Réalisation (€)'],
    ['difference', 'Écart (€)'],
  ];
  const rows: Array<Record<string, string>> = [
    { table: 'Association', label: identity.name },
    { table: 'Subvention', label: `${CERFA} — ${subsidyTitle(r)}` },
    ...subsidyRows(r).map((row) => ({
      ...row,
      planned: money(row.planned),
      actual: money(row.actual),
      difference: money(row.difference),
    })),
  ];
  const fields = header.map(([key, label]) => ({
    label,
    value: (row: Record<string, unknown>) => {
      const v = String(row[key] ?? '');
      if (v === '') return undefined;
      return key === 'label' || key === 'table' ? neutralise(v) : v;
    },
  }));
  return csvStream(fields, format, once(rows));
};

export const subsidyReportXlsx = async (strapi: Strapi, r: SubsidyReport) => {
  const identity = await associationIdentity(strapi);
  const rows = subsidyRows(r);
  const totals = rows.filter((row) => row.number === '' && row.label.startsWith('Total des'));
  const s = r.subsidy;
  const text = (label: string, value: string | null) => `${label} : ${value?.trim() || TO_FILL}`;
  return workbookStream([
    {
      name: 'Compte rendu financier',
      title: [
        identityLine(identity),
        `Compte rendu financier de subvention (${CERFA}) — ${subsidyTitle(r)}`,
        `Montant accordé : ${eurosOf(s.granted)} ; montant reçu : ${eurosOf(s.received)}. Réalisation : ${r.entries.count} écritures liées à la subvention.`,
        text('Action réalisée', s.actionDescription),
        text('Explication des écarts', s.differencesExplanation),
      ],
      columns: [
        column('Tableau', 'table', 'text'),
        column('Compte', 'number', 'text'),
        column('Libellé', 'label', 'text'),
        column('Prévision (€)', 'planned', 'cents'),
        column('Réalisation (€)', 'actual', 'cents'),
        column('Écart (€)', 'difference', 'cents'),
      ],
      batches: once(rows.filter((row) => !totals.includes(row))),
      footer: totals,
    },
  ]);
};
