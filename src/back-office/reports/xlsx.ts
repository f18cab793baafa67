import { DateTime } from 'luxon';
import type { Strapi, Values } from '../types';
import { associationIdentity } from '../pdf/document';
import { xlsxCell } from '../exports/format';
import { workbookStream, type Sheet, type SheetColumn } from '../exports/xlsx';
import { RECEIPTS_RULE, SUBSIDY_AMOUNTS, SUBSIDY_TOTAL_RULES, type SubsidyAmount } from '../stats/definitions';
import { DIFFERENCE_RULE, type Breakdown, type FinancialReport } from './financial';
import {
  BOOKS_EXPENSE,
  BOOKS_INCOME,
  BOOKS_RESULT,
  BOOKS_RULE,
  NOT_COMPARED,
  RECEIPTS,
  SUBSIDIES_RECEIVED,
  receiptsNotGiven,
  resultLabel,
  sumCount,
} from './render';

/**
 * The financial report as an Excel workbook, from the same report data as the CSV and the PDF.
 * One sheet per kind of table, because each has its own columns: « Cotisations et dons » (one line
 * per figure, like the CSV), « Subventions » (one line per subsidy with its three amounts and the
 * report's due date) and « Missions » (one line per mission with its planned and actual budgets and
 * their difference). Each sheet keeps its own header row, filter and widths; totals come after the
 * table, in bold, outside the filter, so that filtering rows never mixes them in. The grand total of
 * receipts closes the first sheet (the CSV puts it after the subsidies, which have their own sheet
 * here); every figure is the report's own, nothing is summed again.
 */

const SUBSIDY_HEADERS: Record<SubsidyAmount, string> = { requested: 'Demandé', granted: 'Accordé', received: 'Reçu' };

const day = (iso: string) => DateTime.fromISO(String(iso).slice(0, 10)).toFormat('dd/MM/yyyy');

/** A column reading `key` of the row objects, written as a cell of the given type. */
const column = (header: string, key: string, type: Parameters<typeof xlsxCell>[0]): SheetColumn => {
  const cell = xlsxCell(type);
  return { header, numFmt: cell.numFmt, value: (row: Values) => cell.value(row[key]) };
};

const once = <T extends object>(rows: T[]) =>
  async function* () {
    yield rows;
  };

export const financialXlsx = async (strapi: Strapi, r: FinancialReport) => {
  const identity = await associationIdentity(strapi);
  const title = [
    [identity.name, identity.rna ? `RNA ${identity.rna}` : '', identity.siren ? `SIREN ${identity.siren}` : ''].filter(Boolean).join(' — '),
    `Bilan financier — exercice ${r.year}, du ${day(r.start)} au ${day(r.end)}`,
  ];
  const omitted = r.omitted.length ? [`Non inclus : ${r.omitted.join(', ')} (votre rôle ne permet pas de les consulter).`] : [];
  const sheets: Sheet[] = [];

  if (r.dues || r.donations) {
    const rows: Array<{ section: string; detail: string; count?: number; cents?: number }> = [];
    const breakdown = (section: string, prefix: string, list: Breakdown[]) =>
      list.forEach((b) => rows.push({ section, detail: `${prefix} : ${b.label}`, count: b.count, cents: b.cents }));
    if (r.dues) {
      rows.push({ section: 'Cotisations', detail: 'Total', count: r.dues.count, cents: r.dues.cents });
      breakdown('Cotisations', 'Type d\u2019adhésion', r.dues.byType);
      breakdown('Cotisations', 'Moyen de paiement', r.dues.byMethod);
    }
    if (r.donations) {
      rows.push({ section: 'Dons', detail: 'Total', count: r.donations.count, cents: r.donations.cents });
      rows.push({ section: 'Dons', detail: 'Donateurs distincts', count: r.donations.donors });
      breakdown('Dons', 'Nature', r.donations.byNature);
      breakdown('Dons', 'Moyen de paiement', r.donations.byMethod);
    }
    // the grand total of receipts, or why it is not given (a section left out for lack of rights)
    const receipts = r.receipts
      ? [
          { section: RECEIPTS, detail: 'Cotisations', count: r.dues!.count, cents: r.receipts.dues },
          { section: RECEIPTS, detail: 'Dons', count: r.donations!.count, cents: r.receipts.donations },
          { section: RECEIPTS, detail: SUBSIDIES_RECEIVED, count: r.subsidies!.count.received, cents: r.receipts.subsidies },
          { section: RECEIPTS, detail: `Total (${RECEIPTS_RULE})`, cents: r.receipts.total },
        ]
      : [{ section: RECEIPTS, detail: receiptsNotGiven(r) }];
    sheets.push({
      name: 'Cotisations et dons',
      title,
      columns: [
        column('Rubrique', 'section', 'text'),
        column('Détail', 'detail', 'text'),
        column('Nombre', 'count', 'integer'),
        column('Montant (€)', 'cents', 'cents'),
      ],
      batches: once(rows),
      footer: receipts,
    });
  }

  if (r.subsidies) {
    const s = r.subsidies;
    // an amount its subsidy's status leaves out of the totals is said so in the last column
    const rows = s.rows.map((row) => ({
      ...row,
      outside: SUBSIDY_AMOUNTS.filter((a) => row[a] !== null && !row.counted[a])
        .map((a) => SUBSIDY_HEADERS[a].toLowerCase())
        .join(', '),
    }));
    sheets.push({
      name: 'Subventions',
      // without dues nor donations there is no first sheet: the receipts' « non calculé » is said here
      title: [
        ...title,
        ...(sheets.length ? [] : [`${RECEIPTS} : ${receiptsNotGiven(r)}`]),
        `Totaux comme au tableau de bord : demandé ${SUBSIDY_TOTAL_RULES.requested} ; accordé : ${SUBSIDY_TOTAL_RULES.granted} ; reçu ${SUBSIDY_TOTAL_RULES.received}.`,
      ],
      columns: [
        column('Financeur', 'funder', 'text'),
        column('Objet', 'title', 'text'),
        column('Statut', 'status', 'text'),
        ...SUBSIDY_AMOUNTS.map((a) => column(`${SUBSIDY_HEADERS[a]} (€)`, a, 'cents')),
        column('Bilan à rendre le', 'reportDueAt', 'date'),
        column('Non compté dans les totaux', 'outside', 'text'),
      ],
      batches: once(rows),
      footer: [
        ...s.byFunder.map((f) => ({
          funder: `Sous-total : ${f.funder}`,
          requested: f.requested,
          granted: f.granted,
          received: f.received,
        })),
        { funder: 'Total', requested: s.requested, granted: s.granted, received: s.received },
      ],
    });
  }

  if (r.missions) {
    const m = r.missions;
    // a mission that cannot be compared has an empty difference cell, and says why beside it
    const rows = m.rows.map((row) => ({ ...row, note: row.difference === null ? `— ${NOT_COMPARED}` : '' }));
    const s = m.compared > 1 ? 's' : '';
    sheets.push({
      name: 'Missions',
      title: [...title, 'Budgets des missions de l\u2019exercice (hors annulées).', DIFFERENCE_RULE],
      columns: [
        column('Mission', 'title', 'text'),
        column('Début', 'startAt', 'datetime'),
        column('Statut', 'status', 'text'),
        column('Budget prévu (€)', 'planned', 'cents'),
        column('Budget réel (€)', 'actual', 'cents'),
        column('Écart réel − prévu (€)', 'difference', 'cents'),
        column('Remarque', 'note', 'text'),
      ],
      batches: once(rows),
      footer: [
        {
          title: `Total (${m.rows.length} missions)`,
          planned: m.planned,
          actual: m.actual,
          difference: m.difference,
          note: `écart sur ${m.compared} mission${s} comparée${s}`,
        },
      ],
    });
  }
  if (r.books) {
    const b = r.books;
    const rows = [...b.incomes.map((l) => ({ section: BOOKS_INCOME, ...l })), ...b.expenses.map((l) => ({ section: BOOKS_EXPENSE, ...l }))];
    sheets.push({
      name: 'Comptabilité',
      title: [...title, BOOKS_RULE],
      columns: [
        column('Rubrique', 'section', 'text'),
        column('Compte', 'number', 'text'),
        column('Catégorie', 'name', 'text'),
        column('Écritures', 'count', 'integer'),
        column('Montant (€)', 'cents', 'cents'),
      ],
      batches: once(rows),
      footer: [
        { section: BOOKS_INCOME, name: 'Total', count: sumCount(b.incomes), cents: b.income },
        { section: BOOKS_EXPENSE, name: 'Total', count: sumCount(b.expenses), cents: b.expense },
        { section: BOOKS_RESULT, name: resultLabel(b.result), cents: b.result },
      ],
    });
  }
  if (omitted.length) sheets[0].title = [...(sheets[0].title ?? []), ...omitted];
  return workbookStream(sheets);
};
