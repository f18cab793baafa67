/**
 * How numbers, amounts and dates read in French, for the admin pages and the server's messages alike:
 * 1 234,5 ; 1 234,50 € ; 31/12/2026 ; the fiscal year 2027 (a year, never « 2 027 »). Times are the
 * association's, Europe/Paris. « — » stands for a value that is not there.
 * (The PDFs add their own typography on top: src/back-office/pdf/typography.ts.)
 */
export const TIME_ZONE = 'Europe/Paris';
export const NONE = '—';

const numberFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
const countFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const euroFormat = new Intl.NumberFormat('fr-FR', {
  style: 'currency',
  currency: 'EUR',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

const missing = (v: unknown) => v === null || v === undefined || v === '';

/** A number, up to 2 decimals: 1 234,5. */
export const formatNumber = (value: number | string | null | undefined) => (missing(value) ? NONE : numberFormat.format(Number(value)));

/** A whole number: 1 234. */
export const formatCount = (value: number | string | null | undefined) => (missing(value) ? NONE : countFormat.format(Number(value)));

/** An amount in euros (a number or a decimal string from the database), 2 decimals: 1 234,50 €. */
export const formatEuros = (value: number | string | null | undefined) => (missing(value) ? NONE : euroFormat.format(Number(value)));

/** Integer cents as euros: 123450 → 1 234,50 €. */
export const formatCentsAsEuros = (cents: number | null | undefined) => (missing(cents) ? NONE : euroFormat.format(Number(cents) / 100));

/** A rate (0.8) as a percentage with one decimal: 80,0 %. */
export const formatRate = (rate: number | null | undefined) =>
  missing(rate) ? NONE : `${(Number(rate) * 100).toFixed(1).replace('.', ',')} %`;

/** A year, fiscal or not: 2027 (no thousands separator). */
export const formatYear = (year: number | string | null | undefined) => (missing(year) ? NONE : String(year));

/** A duration in hours: 2,5 h. */
export const formatHours = (hours: number | string | null | undefined) => `${formatNumber(hours ?? 0)} h`;

/** A file size: 512 Ko, 12,3 Mo. */
export const formatFileSize = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${countFormat.format(Math.round(bytes / 1024))} Ko`
    : `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(bytes / 1024 / 1024)} Mo`;

const parisDayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day (YYYY-MM-DD) of an instant, in Paris. */
export const dayInParis = (instant: Date | string) => parisDayFormat.format(new Date(instant));

/** A calendar day as dd/mm/yyyy: « 2026-03-31 » → 31/03/2026 (an instant: its day in Paris). */
export const formatDate = (day: string | Date | null | undefined) => {
  if (missing(day)) return NONE;
  const iso = day instanceof Date || String(day).length > 10 ? dayInParis(day as Date | string) : String(day);
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
};

/** A calendar day in words: 31 décembre 2026. */
export const formatLongDate = (day: string | null | undefined) =>
  missing(day)
    ? NONE
    : new Date(`${String(day).slice(0, 10)}T12:00:00Z`).toLocaleDateString('fr-FR', {
        timeZone: 'UTC',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
      });

/** An instant at Paris time: « 1 juin 2026 à 10:00 » (long), « 1 juin 2026, 10:00 » (medium), with the weekday (full). */
export const formatDateTime = (instant: string | Date | null | undefined, dateStyle: 'medium' | 'long' | 'full' = 'long') =>
  missing(instant)
    ? NONE
    : new Date(instant as string | Date).toLocaleString('fr-FR', { timeZone: TIME_ZONE, dateStyle, timeStyle: 'short' });

/** A month (YYYY-MM) by its short French name: « 2026-01 » → janv. */
export const formatMonth = (month: string) =>
  new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 15)).toLocaleDateString('fr-FR', {
    timeZone: 'UTC',
    month: 'short',
  });
