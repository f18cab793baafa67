import { DateTime } from 'luxon';

/** The association's time zone: days, fiscal years, schedules and printed times are Paris's. */
export const TZ = 'Europe/Paris';

/** Today as YYYY-MM-DD in the association's time zone. */
export const todayInParis = (): string => DateTime.now().setZone(TZ).toISODate() as string;

/** First day of the fiscal year that contains `day` (fiscal years start on the 1st of `startMonth`). */
export const fiscalYearStart = (day: string, startMonth = 1): string => {
  const d = DateTime.fromISO(day);
  const year = d.month >= startMonth ? d.year : d.year - 1;
  return DateTime.fromObject({ year, month: startMonth, day: 1 }).toISODate() as string;
};

/** Fiscal year `year` (named after the calendar year it starts in) as [first day, last day]. */
export const fiscalYearBounds = (year: number, startMonth = 1): [string, string] => {
  const start = DateTime.fromObject({ year, month: startMonth, day: 1 });
  return [start.toISODate() as string, start.plus({ years: 1 }).minus({ days: 1 }).toISODate() as string];
};

/** The fiscal year containing today (named after the calendar year it starts in). */
export const currentFiscalYear = (startMonth = 1) => Number(fiscalYearStart(todayInParis(), startMonth).slice(0, 4));
