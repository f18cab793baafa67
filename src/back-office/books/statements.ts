import { DateTime } from 'luxon';
import type { Strapi, Values } from '../types';
import { fiscalYearBounds } from '../../core/dates';
import { readAssociation } from '../../core/association';
import { notFound } from '../../core/errors';
import { knex, link, table } from '../sql';
import { CATEGORY, COUNTED_DIRECTIONS, ENTRY, toCents } from './rules';
import { balancesAt } from './balances';
import { TALLIES_TABLE } from '../stats/tallies';
import { fiscalYearName } from './fiscal-years';
import { EXPENSE_HEADINGS, INCOME_HEADINGS, IN_KIND_HEADINGS, compareNumbers, headingOf, type ChartHeading } from './chart';

/**
 * THE statements of the books, computed once here and rendered as PDF, CSV and XLSX (statements-render.ts):
 * - the compte de résultat of a fiscal year: incomes and expenses by category, beside the previous
 *   year, their totals and the result, and each cash account's balance at the year's start and end;
 * - the compte rendu financier of one subsidy (Cerfa n° 15059): the action's planned budget against
 *   the entries linked to the subsidy.
 * Every amount is integer cents summed in SQL from the ledger entries (transfers between the
 * association's accounts are neither incomes nor expenses and never appear).
 */

export type Side = 'income' | 'expense';

/** One category's total of a period, in cents. */
interface CategoryTotal {
  number: string;
  name: string;
  direction: Side;
  cents: number;
  entries: number;
}

const NO_CATEGORY = { number: '', name: 'Sans catégorie' };

/**
 * THE entries that make the incomes and expenses of a period ([first, last]) or of a subsidy (those
 * linked to it): income or expense, never a transfer between the association's accounts.
 */
const countedEntries = (strapi: Strapi, scope: { first: string; last: string } | { subsidyId: number }) => {
  const query = knex(strapi)(`${table(strapi, ENTRY)} as e`).whereIn('e.direction', COUNTED_DIRECTIONS);
  if ('subsidyId' in scope) {
    const subsidy = link(strapi, ENTRY, 'subsidy');
    return query.join(`${subsidy.table} as ls`, `ls.${subsidy.from}`, 'e.id').where(`ls.${subsidy.to}`, scope.subsidyId);
  }
  return query.whereBetween('e.date', [scope.first, scope.last]);
};
const CENTS_SUM = 'SUM(CAST(ROUND(e.amount * 100) AS BIGINT)) as cents';

/**
 * Incomes and expenses per category of the entries of [first, last], or of the entries linked to a
 * subsidy. An income or an expense always has a category (the entries' write rules); one without
 * would still be counted, under « Sans catégorie », so that the totals are always the entries'.
 */
export const categoryTotals = async (
  strapi: Strapi,
  scope: { first: string; last: string } | { subsidyId: number }
): Promise<CategoryTotal[]> => {
  const category = link(strapi, ENTRY, 'category');
  const query = countedEntries(strapi, scope)
    .leftJoin(`${category.table} as lc`, `lc.${category.from}`, 'e.id')
    .leftJoin(`${table(strapi, CATEGORY)} as c`, 'c.id', `lc.${category.to}`)
    .groupBy('c.number', 'c.name', 'e.direction')
    .select('c.number as number', 'c.name as name', 'e.direction as direction')
    .select(knex(strapi).raw(CENTS_SUM))
    .count({ entries: '*' });
  const rows: Array<{ number: string | null; name: string | null; direction: Side; cents: unknown; entries: unknown }> = await query;
  return rows.map((r) => ({
    number: r.number ?? NO_CATEGORY.number,
    name: r.name ?? NO_CATEGORY.name,
    direction: r.direction,
    cents: Number(r.cents ?? 0),
    entries: Number(r.entries ?? 0),
  }));
};

const sum = (values: number[]) => values.reduce((t, v) => t + v, 0);

/**
 * The incomes, expenses and result of [first, last] in cents: the totals of yearByCategory, without the
 * categories, read from the tallies of the same entries by day (stats/tallies.ts) rather than from every entry.
 */
export const periodTotals = async (strapi: Strapi, first: string, last: string) => {
  const rows: Array<{ direction: Side; cents: unknown }> = await knex(strapi)(TALLIES_TABLE)
    .where('kind', 'books')
    .whereBetween('value', [first, last])
    .groupBy('detail')
    .select('detail as direction')
    .sum({ cents: 'cents' });
  const of = (direction: Side) => Number(rows.find((r) => r.direction === direction)?.cents ?? 0);
  const income = of('income');
  const expense = of('expense');
  return { income, expense, result: income - expense };
};

// ---------------------------------------------------------------------------------------------
// Compte de résultat
// ---------------------------------------------------------------------------------------------

export interface StatementLine {
  number: string;
  name: string;
  current: number;
  previous: number;
}
export interface StatementGroup extends ChartHeading {
  lines: StatementLine[];
  current: number;
  previous: number;
}
export interface Pair {
  current: number;
  previous: number;
}

export interface IncomeStatement {
  year: number;
  /** « 2025 » or « 2025-2026 » */
  name: string;
  previousName: string;
  start: string;
  end: string;
  previousStart: string;
  previousEnd: string;
  expenses: StatementGroup[];
  incomes: StatementGroup[];
  totals: { expense: Pair; income: Pair; result: Pair };
  /** each cash account's balance at the year's first moment and at the end of its last day (balances.ts) */
  balances: Array<{ name: string; kind: string; start: number; end: number }>;
  balanceTotals: { start: number; end: number };
}

/** Groups of one side, in the chart's order, each line with the year's and the previous year's amounts. */
const groupsOf = (side: Side, current: CategoryTotal[], previous: CategoryTotal[]): StatementGroup[] => {
  const lines = new Map<string, StatementLine>();
  const key = (t: CategoryTotal) => `${t.number}\u0000${t.name}`;
  for (const [list, field] of [
    [current, 'current'],
    [previous, 'previous'],
  ] as const) {
    for (const t of list.filter((x) => x.direction === side)) {
      const line = lines.get(key(t)) ?? { number: t.number, name: t.name, current: 0, previous: 0 };
      line[field] += t.cents;
      lines.set(key(t), line);
    }
  }
  const order = [...(side === 'income' ? INCOME_HEADINGS : EXPENSE_HEADINGS).map((h) => h.code)];
  const groups = new Map<string, StatementGroup>();
  for (const line of [...lines.values()].sort((a, b) => compareNumbers(a.number, b.number))) {
    const heading = headingOf(line.number, side, { inKind: false });
    const group = groups.get(heading.code) ?? { ...heading, lines: [], current: 0, previous: 0 };
    group.lines.push(line);
    group.current += line.current;
    group.previous += line.previous;
    groups.set(heading.code, group);
  }
  const rank = (code: string) => (order.includes(code) ? order.indexOf(code) : order.length);
  return [...groups.values()].sort((a, b) => rank(a.code) - rank(b.code));
};

const dayBefore = (day: string) => DateTime.fromISO(day).minus({ days: 1 }).toISODate()!;

/**
 * Each account's balance at the first moment of fiscal year `year`: the opening balance recorded for
 * that year when there is one, else THE balance (balances.ts) at the end of the day before.
 */
export const balancesAtYearStart = async (strapi: Strapi, year: number, startMonth: number) => {
  const [first] = fiscalYearBounds(year, startMonth);
  const before = await balancesAt(strapi, dayBefore(first));
  const accounts: Values[] = await strapi.db.query('api::cash-account.cash-account').findMany({ populate: { openingBalances: true } });
  const recorded = new Map<string, number>();
  for (const a of accounts) {
    const opening = (a.openingBalances ?? []).find((b: Values) => Number(b.fiscalYear) === year);
    if (opening) recorded.set(a.documentId, toCents(opening.amount));
  }
  return before.accounts.map((a) => ({ ...a, balance: recorded.get(a.documentId) ?? a.balance }));
};

export const incomeStatement = async (strapi: Strapi, year: number): Promise<IncomeStatement> => {
  const { fiscalYearStartMonth: startMonth } = await readAssociation(strapi, ['fiscalYearStartMonth']);
  const [start, end] = fiscalYearBounds(year, startMonth);
  const [previousStart, previousEnd] = fiscalYearBounds(year - 1, startMonth);
  const current = await categoryTotals(strapi, { first: start, last: end });
  const previous = await categoryTotals(strapi, { first: previousStart, last: previousEnd });
  const expenses = groupsOf('expense', current, previous);
  const incomes = groupsOf('income', current, previous);
  const pair = (groups: StatementGroup[]): Pair => ({
    current: sum(groups.map((g) => g.current)),
    previous: sum(groups.map((g) => g.previous)),
  });
  const expense = pair(expenses);
  const income = pair(incomes);
  const opening = await balancesAtYearStart(strapi, year, startMonth);
  const closing = await balancesAt(strapi, end);
  const balances = closing.accounts.map((a) => ({
    name: a.name,
    kind: a.kind,
    start: opening.find((o) => o.documentId === a.documentId)?.balance ?? 0,
    end: a.balance,
  }));
  return {
    year,
    name: fiscalYearName(year, startMonth),
    previousName: fiscalYearName(year - 1, startMonth),
    start,
    end,
    previousStart,
    previousEnd,
    expenses,
    incomes,
    totals: {
      expense,
      income,
      result: { current: income.current - expense.current, previous: income.previous - expense.previous },
    },
    balances,
    balanceTotals: { start: sum(balances.map((b) => b.start)), end: sum(balances.map((b) => b.end)) },
  };
};

/** The incomes and expenses of one fiscal year by category (for the financial report), and its result. */
export const yearByCategory = async (strapi: Strapi, first: string, last: string) => {
  const totals = await categoryTotals(strapi, { first, last });
  const side = (direction: Side) =>
    totals
      .filter((t) => t.direction === direction)
      .sort((a, b) => compareNumbers(a.number, b.number))
      .map((t) => ({ number: t.number, name: t.name, count: t.entries, cents: t.cents }));
  const incomes = side('income');
  const expenses = side('expense');
  const income = sum(incomes.map((l) => l.cents));
  const expense = sum(expenses.map((l) => l.cents));
  return { incomes, expenses, income, expense, result: income - expense };
};

// ---------------------------------------------------------------------------------------------
// Compte rendu financier de subvention (Cerfa n° 15059)
// ---------------------------------------------------------------------------------------------

/** The form's rows: the charges 60 to 68, the produits 70, 73 to 76 and 78, always printed, empty or not. */
const CERFA_EXPENSES = EXPENSE_HEADINGS.map((h) => h.code);
const CERFA_INCOMES = ['70', '73', '74', '75', '76', '78'];

export interface BudgetDetail {
  number: string;
  label: string;
  planned: number;
  actual: number;
}
export interface BudgetRow extends ChartHeading {
  planned: number;
  actual: number;
  details: BudgetDetail[];
}

export interface SubsidyReport {
  subsidy: {
    documentId: string;
    title: string;
    funder: string | null;
    fiscalYear: number | null;
    status: string;
    granted: number | null;
    received: number | null;
    actionDescription: string | null;
    differencesExplanation: string | null;
    indirectCostsRule: string | null;
  };
  /** the form's two tables, in its order; the totals leave the contributions in kind out */
  charges: BudgetRow[];
  produits: BudgetRow[];
  totals: { charges: { planned: number; actual: number }; produits: { planned: number; actual: number } };
  /** 86 and 87: planned only (no cash entry is made for a contribution in kind) */
  inKind: { charges: BudgetRow; produits: BudgetRow };
  /** what the entries linked to the subsidy hold, counted apart from the rows: the totals equal these */
  entries: { count: number; income: number; expense: number };
}

/** Which side a budget line's account is on: class 6 and 86 the charges, class 7 and 87 the produits. */
export const budgetSide = (number: string): Side | null => (/^(6|86)/.test(number) ? 'expense' : /^(7|87)/.test(number) ? 'income' : null);

/** The rows of one side: planned budget lines and actual categories side by side, per heading of the chart. */
const budgetRows = (side: Side, planned: Array<{ number: string; label: string; cents: number }>, actual: CategoryTotal[]) => {
  const codes = side === 'expense' ? CERFA_EXPENSES : CERFA_INCOMES;
  const headings = side === 'expense' ? EXPENSE_HEADINGS : INCOME_HEADINGS;
  const rows = new Map<string, BudgetRow>(
    codes.map((code) => [code, { ...headings.find((h) => h.code === code)!, planned: 0, actual: 0, details: [] }])
  );
  const inKind: BudgetRow = { ...IN_KIND_HEADINGS[side], planned: 0, actual: 0, details: [] };
  const rowOf = (number: string, isPlanned: boolean) => {
    const heading = headingOf(number, side, { inKind: isPlanned });
    if (heading.code === inKind.code) return inKind;
    const row = rows.get(heading.code) ?? { ...heading, planned: 0, actual: 0, details: [] };
    rows.set(heading.code, row);
    return row;
  };
  for (const line of planned) {
    const row = rowOf(line.number, true);
    const detail = row.details.find((d) => d.number === line.number);
    if (detail) detail.planned += line.cents;
    else row.details.push({ number: line.number, label: line.label, planned: line.cents, actual: 0 });
    row.planned += line.cents;
  }
  for (const t of actual.filter((a) => a.direction === side)) {
    const row = rowOf(t.number, false);
    // the planned line of the longest account number this category's number starts with (606 under 60)
    const match = row.details
      .filter((d) => d.number && t.number.startsWith(d.number) && (d.planned !== 0 || d.number === t.number))
      .sort((a, b) => b.number.length - a.number.length)[0];
    if (match) match.actual += t.cents;
    else row.details.push({ number: t.number, label: t.name, planned: 0, actual: t.cents });
    row.actual += t.cents;
  }
  for (const row of [...rows.values(), inKind]) row.details.sort((a, b) => compareNumbers(a.number, b.number));
  const order = headings.map((h) => h.code);
  const rank = (code: string) => (order.includes(code) ? order.indexOf(code) : order.length);
  return { rows: [...rows.values()].sort((a, b) => rank(a.code) - rank(b.code)), inKind };
};

const centsOrNull = (v: unknown) => (v === null || v === undefined || v === '' ? null : toCents(v));

export const subsidyReport = async (strapi: Strapi, documentId: string): Promise<SubsidyReport> => {
  const subsidy: Values | null = await strapi.db.query('api::subsidy.subsidy').findOne({
    where: { documentId },
    populate: { funder: { select: ['name'] }, budgetLines: true },
  });
  if (!subsidy) throw notFound('Cette subvention n\u2019existe pas.');
  const planned = ((subsidy.budgetLines ?? []) as Values[])
    .filter((l) => typeof l.number === 'string' && budgetSide(l.number))
    .map((l) => ({ number: String(l.number), label: String(l.label ?? ''), cents: toCents(l.planned ?? 0), side: budgetSide(l.number)! }));
  const actual = await categoryTotals(strapi, { subsidyId: subsidy.id });
  const charges = budgetRows(
    'expense',
    planned.filter((l) => l.side === 'expense'),
    actual
  );
  const produits = budgetRows(
    'income',
    planned.filter((l) => l.side === 'income'),
    actual
  );
  const total = (rows: BudgetRow[]) => ({ planned: sum(rows.map((r) => r.planned)), actual: sum(rows.map((r) => r.actual)) });
  const bySide = (side: Side) => actual.filter((a) => a.direction === side);
  return {
    subsidy: {
      documentId: subsidy.documentId,
      title: subsidy.title,
      funder: subsidy.funder?.name ?? null,
      fiscalYear: subsidy.fiscalYear ?? null,
      status: subsidy.status,
      granted: centsOrNull(subsidy.amountGranted),
      received: centsOrNull(subsidy.amountReceived),
      actionDescription: subsidy.actionDescription ?? null,
      differencesExplanation: subsidy.differencesExplanation ?? null,
      indirectCostsRule: subsidy.indirectCostsRule ?? null,
    },
    charges: charges.rows,
    produits: produits.rows,
    totals: { charges: total(charges.rows), produits: total(produits.rows) },
    inKind: { charges: charges.inKind, produits: produits.inKind },
    entries: {
      count: sum(actual.map((a) => a.entries)),
      income: sum(bySide('income').map((a) => a.cents)),
      expense: sum(bySide('expense').map((a) => a.cents)),
    },
  };
};
