import { DateTime } from 'luxon';

export const TZ = 'Europe/Paris';

/** Today as YYYY-MM-DD in the association's timezone. */
export const todayInParis = () => DateTime.now().setZone(TZ).toISODate()!;

/** First day of the fiscal year that contains `day` (fiscal years start on the 1st of `startMonth`). */
export const fiscalYearStart = (day: string, startMonth = 1) => {
  const d = DateTime.fromISO(day);
  const year = d.month >= startMonth ? d.year : d.year - 1;
  return DateTime.fromObject({ year, month: startMonth, day: 1 }).toISODate()!;
};

/** Fiscal year `year` (named after the calendar year it starts in) as [first day, last day]. */
export const fiscalYearBounds = (year: number, startMonth = 1): [string, string] => {
  const start = DateTime.fromObject({ year, month: startMonth, day: 1 });
  return [start.toISODate()!, start.plus({ years: 1 }).minus({ days: 1 }).toISODate()!];
};

/**
 * Last day covered by a membership paid for a period starting on `periodStart`: `durationMonths`
 * months later (minus one day), or, when the membership type has no duration, the end of the fiscal year.
 */
export const periodEndFor = (periodStart: string, durationMonths: number | null | undefined, fiscalYearStartMonth = 1) => {
  const start = DateTime.fromISO(periodStart);
  if (durationMonths && durationMonths > 0) return start.plus({ months: durationMonths }).minus({ days: 1 }).toISODate()!;
  const fyStart = DateTime.fromISO(fiscalYearStart(periodStart, fiscalYearStartMonth));
  return fyStart.plus({ years: 1 }).minus({ days: 1 }).toISODate()!;
};
