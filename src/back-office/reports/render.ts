import { DateTime } from 'luxon';
import type { Strapi } from '../types';
import { TZ } from '../dues/period';
import { datetimeFromDb } from '../sql';
import { associationIdentity, createReport, endToBuffer, heading, paragraph, table } from '../pdf/document';
import { formatCentsAsEuros, typo } from '../pdf/typography';
import { formatCents, neutralise, type CsvFormat } from '../exports/format';
import { csvStream } from '../exports/engine';
import { DIFFERENCE_RULE, type Breakdown, type FinancialReport } from './financial';
import { RECEIPTS_RULE, SUBSIDY_AMOUNTS, SUBSIDY_TOTAL_RULES, type SubsidyAmount } from '../stats/definitions';

/** The financial report as a file: CSV (one line per figure, for spreadsheets) or PDF (for print). */

/** The three subsidy totals: THE definitions of the dashboard (stats/definitions.ts), said in the headers. */
const SUBSIDY_SECTIONS: Record<SubsidyAmount, string> = {
  requested: 'Subventions demandées',
  granted: 'Subventions accordées',
  received: 'Subventions reçues',
};
const NOT_COUNTED = 'non compté dans le total';
const subsidyRules = `Totaux et sous-totaux comme au tableau de bord : demandé ${SUBSIDY_TOTAL_RULES.requested} ; accordé : ${SUBSIDY_TOTAL_RULES.granted} ; reçu ${SUBSIDY_TOTAL_RULES.received}.`;

const day = (iso: string | null) => (iso ? DateTime.fromISO(String(iso).slice(0, 10)).toFormat('dd/MM/yyyy') : '');
const eurosOf = formatCentsAsEuros;
const period = (r: FinancialReport) => `Exercice ${r.year} — du ${day(r.start)} au ${day(r.end)}`;

/** The grand total of receipts closes the receipts part; its rows, or why it is not given. */
export const RECEIPTS = 'Total des recettes';
export const SUBSIDIES_RECEIVED = `Subventions reçues (${SUBSIDY_TOTAL_RULES.received})`;
const receiptsMissing = (r: FinancialReport) =>
  (
    [
      [r.dues, 'Cotisations'],
      [r.donations, 'Dons'],
      [r.subsidies, 'Subventions'],
    ] as const
  )
    .filter(([section]) => !section)
    .map(([, name]) => name);
export const receiptsNotGiven = (r: FinancialReport) => {
  const missing = receiptsMissing(r);
  const s = missing.length > 1 ? 's' : '';
  return `Non calculé : rubrique${s} absente${s} de ce bilan (${missing.join(', ')}).`;
};

/** The books' section: the ledger entries of the fiscal year by category, and the result. */
export const BOOKS_INCOME = 'Comptabilité : recettes';
export const BOOKS_EXPENSE = 'Comptabilité : dépenses';
export const BOOKS_RESULT = 'Comptabilité : résultat';
export const BOOKS_RULE =
  'Recettes et dépenses des écritures de la comptabilité de l\u2019exercice, par catégorie ; les virements entre les comptes de l\u2019association n\u2019y figurent pas. Résultat = recettes − dépenses.';
export const categoryName = (l: { number: string; name: string }) => [l.number, l.name].filter(Boolean).join(' ');
export const sumCount = (lines: Array<{ count: number }>) => lines.reduce((n, l) => n + l.count, 0);
export const resultLabel = (cents: number) => `Résultat de l\u2019exercice : ${cents >= 0 ? 'excédent' : 'déficit'} (recettes − dépenses)`;

/** Missions section: its difference column says what it compares. */
const DIFFERENCE = 'Écart des missions';
export const NOT_COMPARED = 'non comparé (mission à venir sans budget réel)';

/** Rows « Rubrique ; Détail ; Nombre ; Montant » for the CSV. */
const csvRows = (r: FinancialReport, identity: { name: string; rna?: string | null; siren?: string | null }, format: CsvFormat) => {
  const money = (c: number | null) => (c === null ? '' : formatCents(c, format));
  const rows: Array<Record<string, string | number>> = [];
  const add = (section: string, detail: string, count: number | string, amount: string) =>
    rows.push({ section, detail, count: String(count), amount });
  const breakdown = (section: string, prefix: string, list: Breakdown[]) =>
    list.forEach((b) => add(section, `${prefix} : ${b.label}`, b.count, money(b.cents)));
  add('Association', identity.name, '', '');
  if (identity.rna) add('Association', `RNA ${identity.rna}`, '', '');
  if (identity.siren) add('Association', `SIREN ${identity.siren}`, '', '');
  add('Période', period(r), '', '');
  if (r.dues) {
    add('Cotisations', 'Total', r.dues.count, money(r.dues.cents));
    breakdown('Cotisations', 'Type d\u2019adhésion', r.dues.byType);
    breakdown('Cotisations', 'Moyen de paiement', r.dues.byMethod);
  }
  if (r.donations) {
    add('Dons', 'Total', r.donations.count, money(r.donations.cents));
    add('Dons', 'Donateurs distincts', r.donations.donors, '');
    breakdown('Dons', 'Nature', r.donations.byNature);
    breakdown('Dons', 'Moyen de paiement', r.donations.byMethod);
  }
  if (r.subsidies) {
    const subsidies = r.subsidies;
    // every subsidy is listed; an amount its status leaves out of the totals says so
    for (const s of subsidies.rows) {
      const detail = `${s.funder} — ${s.title} (${s.status}${s.reportDueAt ? `, bilan à rendre le ${day(s.reportDueAt)}` : ''})`;
      for (const a of SUBSIDY_AMOUNTS) {
        const amount = s[a];
        add(SUBSIDY_SECTIONS[a], amount !== null && !s.counted[a] ? `${detail} — ${NOT_COUNTED}` : detail, '', money(amount));
      }
    }
    for (const f of subsidies.byFunder)
      for (const a of SUBSIDY_AMOUNTS) add(SUBSIDY_SECTIONS[a], `Financeur : ${f.funder}`, f.count[a], money(f[a]));
    for (const a of SUBSIDY_AMOUNTS) add(SUBSIDY_SECTIONS[a], `Total (${SUBSIDY_TOTAL_RULES[a]})`, subsidies.count[a], money(subsidies[a]));
  }
  if (r.receipts) {
    add(RECEIPTS, 'Cotisations', r.dues!.count, money(r.receipts.dues));
    add(RECEIPTS, 'Dons', r.donations!.count, money(r.receipts.donations));
    add(RECEIPTS, SUBSIDIES_RECEIVED, r.subsidies!.count.received, money(r.receipts.subsidies));
    add(RECEIPTS, `Total (${RECEIPTS_RULE})`, '', money(r.receipts.total));
  } else if (r.dues || r.donations || r.subsidies) {
    add(RECEIPTS, receiptsNotGiven(r), '', '');
  }
  if (r.missions) {
    for (const m of r.missions.rows) {
      const detail = `${m.title} (${missionDate(m.startAt)}, ${m.status})`;
      add('Budget prévu des missions', detail, '', money(m.planned));
      add('Budget réel des missions', detail, '', money(m.actual));
    }
    add('Budget prévu des missions', 'Total', r.missions.rows.length, money(r.missions.planned));
    add('Budget réel des missions', 'Total', r.missions.rows.length, money(r.missions.actual));
    add(DIFFERENCE, DIFFERENCE_RULE, '', '');
    for (const m of r.missions.rows) {
      const detail = `${m.title} (${missionDate(m.startAt)}, ${m.status})`;
      add(DIFFERENCE, m.difference === null ? `${detail} — ${NOT_COMPARED}` : detail, '', money(m.difference));
    }
    add(DIFFERENCE, 'Total (missions comparées)', r.missions.compared, money(r.missions.difference));
  }
  if (r.books) {
    for (const l of r.books.incomes) add(BOOKS_INCOME, categoryName(l), l.count, money(l.cents));
    add(BOOKS_INCOME, 'Total', sumCount(r.books.incomes), money(r.books.income));
    for (const l of r.books.expenses) add(BOOKS_EXPENSE, categoryName(l), l.count, money(l.cents));
    add(BOOKS_EXPENSE, 'Total', sumCount(r.books.expenses), money(r.books.expense));
    add(BOOKS_RESULT, resultLabel(r.books.result), '', money(r.books.result));
  }
  for (const o of r.omitted) add('Non inclus', `${o} : vous n\u2019avez pas le droit de les consulter`, '', '');
  return rows;
};

const missionDate = (startAt: unknown) => DateTime.fromJSDate(datetimeFromDb(startAt)!).setZone(TZ).toFormat('dd/MM/yyyy');

export const financialCsv = async (strapi: Strapi, r: FinancialReport, format: CsvFormat) => {
  const identity = await associationIdentity(strapi);
  const rows = csvRows(r, identity, format);
  const fields = [
    ['section', 'Rubrique'],
    ['detail', 'Détail'],
    ['count', 'Nombre'],
    ['amount', 'Montant (€)'],
  ].map(([key, label]) => ({
    label,
    // names typed by people (association, funders, missions) are neutralised like in the exports (CSV injection)
    value: (row: Record<string, string>) =>
      row[key] === '' ? undefined : key === 'section' || key === 'detail' ? neutralise(row[key]) : row[key],
  }));
  return csvStream(fields, format, async function* () {
    yield rows;
  });
};

export const financialPdf = async (strapi: Strapi, r: FinancialReport) => {
  const identity = await associationIdentity(strapi);
  const doc = createReport(identity, { title: 'Bilan financier', subtitle: period(r) });
  const w = doc.page.width - 100;
  const breakdownRows = (list: Breakdown[]) => list.map((b) => [b.label, b.count, eurosOf(b.cents)]);
  if (r.dues) {
    heading(doc, 'Cotisations');
    table(doc, ['', 'Nombre', 'Montant'], [['Total des cotisations', r.dues.count, eurosOf(r.dues.cents)]]);
    table(doc, ['Par type d\u2019adhésion', 'Nombre', 'Montant'], breakdownRows(r.dues.byType));
    table(doc, ['Par moyen de paiement', 'Nombre', 'Montant'], breakdownRows(r.dues.byMethod));
  }
  if (r.donations) {
    heading(doc, 'Dons');
    table(
      doc,
      ['', 'Nombre', 'Montant'],
      [
        ['Total des dons', r.donations.count, eurosOf(r.donations.cents)],
        ['Donateurs distincts', r.donations.donors, ''],
      ]
    );
    table(doc, ['Par nature', 'Nombre', 'Montant'], breakdownRows(r.donations.byNature));
    table(doc, ['Par moyen de paiement', 'Nombre', 'Montant'], breakdownRows(r.donations.byMethod));
  }
  if (r.subsidies) {
    heading(doc, 'Subventions de l\u2019exercice');
    // an amount left out of the totals by its subsidy's status is shown « (non compté) »
    const cell = (s: NonNullable<FinancialReport['subsidies']>['rows'][number], a: SubsidyAmount) =>
      s[a] !== null && !s.counted[a] ? `${eurosOf(s[a])} (non compté)` : eurosOf(s[a]);
    paragraph(doc, subsidyRules);
    doc.moveDown(0.5);
    table(
      doc,
      ['Financeur — objet', 'Statut', 'Demandé', 'Accordé', 'Reçu', 'Bilan dû le'],
      [
        ...r.subsidies.rows.map((s) => [
          `${s.funder} — ${s.title}`,
          s.status,
          cell(s, 'requested'),
          cell(s, 'granted'),
          cell(s, 'received'),
          day(s.reportDueAt),
        ]),
        ['Total', '', eurosOf(r.subsidies.requested), eurosOf(r.subsidies.granted), eurosOf(r.subsidies.received), ''],
      ],
      [w * 0.3, w * 0.12, w * 0.15, w * 0.15, w * 0.15, w * 0.13]
    );
    table(
      doc,
      ['Par financeur', 'Demandé', 'Accordé', 'Reçu'],
      r.subsidies.byFunder.map((f) => [f.funder, eurosOf(f.requested), eurosOf(f.granted), eurosOf(f.received)]),
      [w * 0.34, w * 0.22, w * 0.22, w * 0.22]
    );
  }
  if (r.receipts) {
    heading(doc, RECEIPTS);
    table(
      doc,
      ['', 'Nombre', 'Montant'],
      [
        ['Cotisations', r.dues!.count, eurosOf(r.receipts.dues)],
        ['Dons', r.donations!.count, eurosOf(r.receipts.donations)],
        [SUBSIDIES_RECEIVED, r.subsidies!.count.received, eurosOf(r.receipts.subsidies)],
        [RECEIPTS, '', eurosOf(r.receipts.total)],
      ],
      [w * 0.6, w * 0.15, w * 0.25]
    );
  } else if (r.dues || r.donations || r.subsidies) {
    heading(doc, RECEIPTS);
    paragraph(doc, receiptsNotGiven(r));
  }
  if (r.missions) {
    heading(doc, 'Budgets des missions de l\u2019exercice (hors annulées)');
    paragraph(doc, DIFFERENCE_RULE);
    doc.moveDown(0.5);
    table(
      doc,
      ['Mission', 'Date', 'Prévu', 'Réel', 'Écart'],
      [
        ...r.missions.rows.map((m) => [m.title, missionDate(m.startAt), eurosOf(m.planned), eurosOf(m.actual), eurosOf(m.difference)]),
        ['Total', '', eurosOf(r.missions.planned), eurosOf(r.missions.actual), eurosOf(r.missions.difference)],
      ]
    );
  }
  if (r.books) {
    heading(doc, 'Comptabilité : recettes, dépenses et résultat de l\u2019exercice');
    paragraph(doc, BOOKS_RULE);
    doc.moveDown(0.5);
    const lines = (list: NonNullable<FinancialReport['books']>['incomes']) => list.map((l) => [categoryName(l), l.count, eurosOf(l.cents)]);
    table(
      doc,
      ['Recettes par catégorie', 'Écritures', 'Montant'],
      [...lines(r.books.incomes), ['Total des recettes', sumCount(r.books.incomes), eurosOf(r.books.income)]]
    );
    table(
      doc,
      ['Dépenses par catégorie', 'Écritures', 'Montant'],
      [...lines(r.books.expenses), ['Total des dépenses', sumCount(r.books.expenses), eurosOf(r.books.expense)]]
    );
    table(doc, ['', '', 'Montant'], [[typo(resultLabel(r.books.result)), '', eurosOf(r.books.result)]]);
  }
  if (r.omitted.length) {
    heading(doc, 'Rubriques non incluses');
    paragraph(doc, `${r.omitted.join(', ')} : votre rôle ne permet pas de les consulter.`, { size: 10 });
  }
  return endToBuffer(doc, identity);
};
