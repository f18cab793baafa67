import { DateTime } from 'luxon';
import { fiscalYearStart } from '../../core/dates';

// Today in Paris and the fiscal years live in src/core/dates.ts; re-exported for the modules that still import them from here.
export { TZ, todayInParis, fiscalYearStart, fiscalYearBounds } from '../../core/dates';

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
