/**
 * French typography of every printed document (dashboard, financial report, receipts): one place,
 * so that every PDF writes apostrophes, quotes, spaces and numbers the same way.
 *
 * - apostrophe ’ (never ');
 * - « guillemets » with a non-breaking space inside;
 * - a non-breaking space before « : », a narrow non-breaking space before ; ! ? and %;
 * - numbers grouped by a narrow non-breaking space (12 345), decimal comma;
 * - amounts as 1 234,50 € (the euro sign after the amount, with a non-breaking space).
 *
 * `typo()` is for our own French sentences and labels only: names typed by people (members,
 * missions, funders…) are printed exactly as they were typed.
 */
export const NBSP = '\u00a0';
export const NNBSP = '\u202f';
export const MINUS = '\u2212';

const SPACES = '[ \\u00a0\\u202f]';
const spaceBefore = (mark: string) => (mark === ':' ? NBSP : NNBSP);

/** Our own French text with its typography (see above). */
export const typo = (text: string) =>
  text
    .replace(/'/g, '\u2019')
    .replace(new RegExp(`«${SPACES}*`, 'g'), `«${NBSP}`)
    .replace(new RegExp(`${SPACES}*»`, 'g'), `${NBSP}»`)
    // a space before the mark becomes the right non-breaking one; a missing one is added. Only
    // before a space or the end: « 10:30 » and « ?year= » are left alone.
    .replace(new RegExp(`${SPACES}+([:;!?])(?=\\s|$)`, 'g'), (_m, mark: string) => spaceBefore(mark) + mark)
    .replace(/([\p{L}\p{N})\]»’])([:;!?])(?=\s|$)/gu, (_m, before: string, mark: string) => before + spaceBefore(mark) + mark)
    .replace(new RegExp(`(\\d)${SPACES}?%`, 'g'), `$1${NNBSP}%`);

/**
 * A template tag: the literal parts get `typo()`, the values are inserted as they are
 * (fr`Mission « ${title} » : ${n} participants` leaves the title untouched).
 */
export const fr = (strings: TemplateStringsArray, ...values: unknown[]) =>
  strings.map((s, i) => typo(s) + (i < values.length ? String(values[i] ?? '') : '')).join('');

/** Digits grouped by three with a narrow non-breaking space. */
const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, NNBSP);

/** A whole number or a decimal, French style: 12 345 or 12 345,5. */
export const formatNumber = (value: number | string | null | undefined) => {
  const n = Number(value ?? 0);
  const [units, decimals] = Math.abs(n).toString().split('.');
  return `${n < 0 ? '-' : ''}${group(units)}${decimals ? `,${decimals}` : ''}`;
};

/** A count (rounded to a whole number): 1 234. */
export const formatCount = (value: number | string | null | undefined) => formatNumber(Math.round(Number(value ?? 0)));

/** A rate (0.8) as a percentage with one decimal: 80,0 %; « — » when there is none. */
export const formatPercent = (rate: number | null | undefined) =>
  rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1).replace('.', ',')}${NNBSP}%`;

/** Integer cents as euros, exact (no float): 123456 → 1 234,56 €; null → « — ». */
export const formatCentsAsEuros = (cents: number | bigint | string | null | undefined) => {
  if (cents === null || cents === undefined) return '—';
  const n = BigInt(cents);
  const abs = n < 0n ? -n : n;
  return `${n < 0n ? '-' : ''}${group((abs / 100n).toString())},${(abs % 100n).toString().padStart(2, '0')}${NBSP}€`;
};

/** An amount in euros (a number or a decimal string from the database): 1 234,50 €. */
export const formatEuros = (value: number | string | null | undefined) =>
  value === null || value === undefined ? '—' : formatCentsAsEuros(Math.round(Number(value) * 100));
