import { DateTime } from 'luxon';
import type { Strapi, Values } from '../types';
import { fiscalYearBounds, todayInParis } from '../../core/dates';
import { readAssociation } from '../../core/association';
import { badRequest } from '../../core/errors';
import { knex, link, table } from '../sql';
import { CASH_ACCOUNT, ENTRY, toCents } from './rules';
import { fiscalYearOf } from './fiscal-years';

/** One cash account's balance at a date, every amount in integer cents. */
export interface AccountBalance {
  documentId: string;
  name: string;
  kind: string;
  /** the fiscal year whose opening balance the sum starts from (null: none recorded, from the first entry) */
  openingYear: number | null;
  opening: number;
  income: number;
  expense: number;
  transfersIn: number;
  transfersOut: number;
  balance: number;
}

/** The `date` parameter: a calendar day (YYYY-MM-DD), today in Paris when absent. */
export const readBalanceDate = (raw: unknown) => {
  if (raw === undefined || raw === null || raw === '') return todayInParis();
  const text = String(raw).trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !DateTime.fromISO(text).isValid) {
    throw badRequest(`Date : « ${text} » n\u2019est pas une date valide (attendu : AAAA-MM-JJ).`, 'date');
  }
  return text;
};

/** Σ amounts in cents, per direction, of the entries linked to `accountId` through `field`, from `first` (if any) to `last`. */
const sums = async (strapi: Strapi, field: 'cashAccount' | 'toCashAccount', accountId: number, first: string | null, last: string) => {
  const lnk = link(strapi, ENTRY, field);
  const entries = table(strapi, ENTRY);
  const query = knex(strapi)(`${entries} as e`)
    .join(`${lnk.table} as l`, `l.${lnk.from}`, 'e.id')
    .where(`l.${lnk.to}`, accountId)
    .andWhere('e.date', '<=', last)
    .groupBy('e.direction')
    .select('e.direction as direction')
    .select(knex(strapi).raw('SUM(CAST(ROUND(e.amount * 100) AS BIGINT)) as cents'));
  if (first) query.andWhere('e.date', '>=', first);
  const rows: Array<{ direction: string; cents: string | number | null }> = await query;
  return Object.fromEntries(rows.map((r) => [r.direction, Number(r.cents ?? 0)])) as Record<string, number | undefined>;
};

/**
 * THE balance of a cash account at the end of a day: its latest opening balance recorded for a fiscal
 * year starting on or before that day, plus the incomes, minus the expenses, minus the transfers out,
 * plus the transfers in, from that fiscal year's first day to the day included. Without any opening
 * balance, from the first entry. Sums in SQL, in integer cents.
 */
export const balancesAt = async (strapi: Strapi, day: string) => {
  const { fiscalYearStartMonth } = await readAssociation(strapi, ['fiscalYearStartMonth']);
  const year = fiscalYearOf(day, fiscalYearStartMonth);
  const accounts: Values[] = await strapi.db
    .query(CASH_ACCOUNT)
    .findMany({ orderBy: { name: 'asc' }, populate: { openingBalances: true } });
  const result: AccountBalance[] = [];
  for (const account of accounts) {
    const opening = (account.openingBalances ?? [])
      .filter((b: Values) => Number(b.fiscalYear) <= year)
      .sort((a: Values, b: Values) => Number(b.fiscalYear) - Number(a.fiscalYear))[0];
    const openingYear = opening ? Number(opening.fiscalYear) : null;
    const first = openingYear === null ? null : fiscalYearBounds(openingYear, fiscalYearStartMonth)[0];
    const own = await sums(strapi, 'cashAccount', account.id, first, day);
    const incoming = await sums(strapi, 'toCashAccount', account.id, first, day);
    const line = {
      documentId: account.documentId,
      name: account.name,
      kind: account.kind,
      openingYear,
      opening: opening ? toCents(opening.amount) : 0,
      income: own.income ?? 0,
      expense: own.expense ?? 0,
      transfersIn: incoming.transfer ?? 0,
      transfersOut: own.transfer ?? 0,
    };
    result.push({ ...line, balance: line.opening + line.income - line.expense + line.transfersIn - line.transfersOut });
  }
  return { date: day, fiscalYear: year, accounts: result, total: result.reduce((sum, a) => sum + a.balance, 0) };
};
