import type { Knex } from 'knex';
import type { AdminContext, Strapi } from '../types';
import { fiscalYearBounds, fiscalYearStart, todayInParis } from '../../core/dates';
import { readAssociation } from '../../core/association';
import { badRequest } from '../../core/errors';
import { formatDate } from '../../contract/format';
import { table } from '../sql';

const ENTRY_UID = 'api::ledger-entry.ledger-entry';

export const FISCAL_YEAR = 'api::fiscal-year.fiscal-year';

/**
 * Fiscal years, as the books see them. A fiscal year is named after the calendar year it starts in
 * (src/core/dates.ts); it is closed when a « Exercice clos » record holds its year. A closed year's
 * entries are never changed nor deleted: a correction is a new entry in an open year.
 */

/** The fiscal year (its name) a day belongs to. */
export const fiscalYearOf = (day: string, startMonth: number) => Number(fiscalYearStart(day, startMonth).slice(0, 4));

/** « 2025 », or « 2025-2026 » when the fiscal year does not start in January. */
export const fiscalYearName = (year: number, startMonth: number) => (startMonth === 1 ? String(year) : `${year}-${year + 1}`);

/** « l’exercice 2025 (du 01/01/2025 au 31/12/2025) » */
export const describeFiscalYear = (year: number, startMonth: number) => {
  const [first, last] = fiscalYearBounds(year, startMonth);
  return `l\u2019exercice ${fiscalYearName(year, startMonth)} (du ${formatDate(first)} au ${formatDate(last)})`;
};

/**
 * Closing a year and writing entries wait for each other, so that no entry slips into a year while it
 * is being closed: each entry write holds the books' lock shared, a closing holds it alone, both until
 * their commit. On PostgreSQL an advisory lock; SQLite has a single writer, so transactions already
 * follow each other. Called in the write's transaction, before the closed years are read.
 */
const BOOKS_LOCK = 0x0b00c5;
export const lockBooks = async (strapi: Strapi, trx: Knex.Transaction, mode: 'entries' | 'closing') => {
  if (strapi.db.dialect.client !== 'postgres') return;
  await trx.raw(mode === 'closing' ? 'SELECT pg_advisory_xact_lock(?)' : 'SELECT pg_advisory_xact_lock_shared(?)', [BOOKS_LOCK]);
};

/** Why year `year` cannot be closed yet (it has not ended), or null. */
export const notEndedYet = (year: number, startMonth: number) => {
  const [, last] = fiscalYearBounds(year, startMonth);
  return last >= todayInParis()
    ? `${describeFiscalYear(year, startMonth).replace(/^l/, 'L')} n\u2019est pas terminé : il se clôt à partir du lendemain de son dernier jour.`
    : null;
};

/**
 * What a fiscal year holds, as its closing records it: its entries counted, and its incomes and
 * expenses in integer cents (transfers between the association's accounts are neither).
 */
export const yearTotals = async (strapi: Strapi, trx: Knex.Transaction, year: number, startMonth: number) => {
  const [first, last] = fiscalYearBounds(year, startMonth);
  const rows: Array<{ direction: string; entries: string | number; cents: string | number | null }> = await trx(table(strapi, ENTRY_UID))
    .whereBetween('date', [first, last])
    .groupBy('direction')
    .select('direction')
    .count({ entries: '*' })
    .select(trx.raw('SUM(CAST(ROUND(amount * 100) AS BIGINT)) as cents'));
  const cents = (direction: string) => Number(rows.find((r) => r.direction === direction)?.cents ?? 0);
  return { entryCount: rows.reduce((n, r) => n + Number(r.entries), 0), income: cents('income'), expense: cents('expense') };
};

/** The years closed so far. */
export const closedYears = async (strapi: Strapi): Promise<Set<number>> => {
  const rows = await strapi.db.query(FISCAL_YEAR).findMany({ select: ['year'] });
  return new Set(rows.map((r: { year: number }) => Number(r.year)));
};

/** A fiscal year given as a parameter (« 2025 »): a French 400 naming it otherwise. */
export const readYear = (raw: unknown) => {
  const text = String(raw ?? '').trim();
  const year = Number(text);
  if (!/^\d{4}$/.test(text) || year < 2000 || year > 2100) {
    throw badRequest(`Exercice : « ${text} » n\u2019est pas une année valide (de 2000 à 2100).`, 'year');
  }
  return year;
};

/**
 * Closes fiscal year `year` for the signed-in administrator: from now on its entries cannot be
 * created, changed or deleted, on any write path (the books' write rules read the closed years).
 * 409 when the year is already closed, 400 while it has not ended.
 */
export const closeFiscalYear = async (strapi: Strapi, rawYear: unknown, user: AdminContext['state']['user']) => {
  const year = readYear(rawYear);
  const { fiscalYearStartMonth } = await readAssociation(strapi, ['fiscalYearStartMonth']);
  // a year already closed (409) or not ended yet (400): the fiscal year's write rule says so, under the books' lock
  const name = [user?.firstname, user?.lastname].filter(Boolean).join(' ');
  const closedBy = name ? `${name} (${user?.email})` : (user?.email ?? null);
  const record = await strapi.documents(FISCAL_YEAR).create({ data: { year, closedAt: new Date().toISOString(), closedBy } });
  const [first, last] = fiscalYearBounds(year, fiscalYearStartMonth);
  return {
    year,
    name: fiscalYearName(year, fiscalYearStartMonth),
    first,
    last,
    closedAt: record.closedAt,
    closedBy: record.closedBy,
    entryCount: record.entryCount,
    income: record.income,
    expense: record.expense,
  };
};
