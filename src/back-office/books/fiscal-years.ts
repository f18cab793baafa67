import type { AdminContext, Strapi } from '../types';
import { fiscalYearBounds, fiscalYearStart } from '../../core/dates';
import { readAssociation } from '../../core/association';
import { badRequest, conflict } from '../../core/errors';
import { formatDate } from '../../shared/format';

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

/** The years closed so far. */
export const closedYears = async (strapi: Strapi): Promise<Set<number>> => {
  const rows = await strapi.db.query(FISCAL_YEAR).findMany({ select: ['year'] });
  return new Set(rows.map((r: { year: number }) => Number(r.year)));
};

const readYear = (raw: unknown) => {
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
 * 409 when the year is already closed.
 */
export const closeFiscalYear = async (strapi: Strapi, rawYear: unknown, user: AdminContext['state']['user']) => {
  const year = readYear(rawYear);
  const { fiscalYearStartMonth } = await readAssociation(strapi, ['fiscalYearStartMonth']);
  const existing = await strapi.db.query(FISCAL_YEAR).findOne({ where: { year } });
  if (existing) {
    throw conflict(`${describeFiscalYear(year, fiscalYearStartMonth).replace(/^l/, 'L')} est déjà clos.`, 'year');
  }
  const name = [user?.firstname, user?.lastname].filter(Boolean).join(' ');
  const closedBy = name ? `${name} (${user?.email})` : (user?.email ?? null);
  const record = await strapi.documents(FISCAL_YEAR).create({ data: { year, closedAt: new Date().toISOString(), closedBy } });
  const [first, last] = fiscalYearBounds(year, fiscalYearStartMonth);
  return { year, name: fiscalYearName(year, fiscalYearStartMonth), first, last, closedAt: record.closedAt, closedBy: record.closedBy };
};
