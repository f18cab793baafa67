import { DateTime } from 'luxon';
import { enumLabel } from '../../contract/labels';
import { DUES_STATUS_LABELS, type DuesStatus } from '../dues/status';
import { TZ } from '../dues/period';
import { datetimeFromDb } from '../sql';

/**
 * How a cell is written in the CSV. Two flavours:
 *   fr  (default) for French spreadsheets: UTF-8 with BOM, `;`, dd/mm/yyyy, decimal comma;
 *   iso (?format=iso) for machines: `,`, ISO 8601 dates, decimal point, no BOM.
 * Headers, enumeration values and Oui/Non stay French in both: they are what the bureau reads.
 */
export type CsvFormat = 'fr' | 'iso';
/** What a download may be: one of the two CSV flavours, or an Excel workbook (xlsx.ts). */
export type ExportFormat = CsvFormat | 'xlsx';
export type CellType = 'text' | 'enum' | 'date' | 'datetime' | 'money' | 'decimal' | 'integer' | 'boolean' | 'duesStatus' | 'cents';

export const CSV_OPTIONS: Record<CsvFormat, { delimiter: string; withBOM: boolean; eol: string }> = {
  fr: { delimiter: ';', withBOM: true, eol: '\r\n' },
  iso: { delimiter: ',', withBOM: false, eol: '\r\n' },
};

/**
 * CSV injection: a spreadsheet runs a cell that starts with = + - @ (or tab / CR before them) as a
 * formula. Text typed by people is prefixed with an apostrophe, which spreadsheets show as text.
 * Numbers, amounts and dates are written by us from typed columns, so they are never neutralised
 * (a refund of -12,50 stays a number the treasurer can add up).
 */
const FORMULA_START = /^[=+\-@\t\r]/;
export const neutralise = (text: string) => (FORMULA_START.test(text) ? `'${text}` : text);

/** Integer cents as a decimal string: 123456 → "1234,56" (fr) or "1234.56" (iso). No float arithmetic. */
export const formatCents = (cents: number | bigint | string, format: CsvFormat = 'fr') => {
  const n = BigInt(cents);
  const sign = n < 0n ? '-' : '';
  const abs = n < 0n ? -n : n;
  const units = (abs / 100n).toString();
  const rest = (abs % 100n).toString().padStart(2, '0');
  return `${sign}${units}${format === 'fr' ? ',' : '.'}${rest}`;
};

/** A stored decimal (number on both drivers, 2 places in the schema) as integer cents. */
export const toCents = (value: number | string) => Math.round(Number(value) * 100);

const dateText = (value: unknown) => {
  if (value instanceof Date) return DateTime.fromJSDate(value).toISODate();
  return String(value).slice(0, 10);
};

type Formatter = (value: unknown) => string | undefined;

/** `source`: the [uid, field] the cell reads (an enumeration value's name may depend on its field). */
const formatters = (format: CsvFormat, source?: [string, string]): Record<CellType, Formatter> => ({
  text: (v) => neutralise(String(v)),
  enum: (v) => neutralise(enumLabel(source?.[0], source?.[1], String(v))),
  duesStatus: (v) => DUES_STATUS_LABELS[v as DuesStatus] ?? String(v),
  date: (v) => {
    const iso = dateText(v)!;
    return format === 'iso' ? iso : `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
  },
  datetime: (v) => {
    const d = DateTime.fromJSDate(datetimeFromDb(v)!).setZone(TZ);
    return format === 'iso' ? d.toISO({ suppressMilliseconds: true })! : d.toFormat('dd/MM/yyyy HH:mm');
  },
  // a decimal column: a number on SQLite, a string on PostgreSQL
  money: (v) => formatCents(toCents(v as string | number), format),
  cents: (v) => formatCents(v as number | bigint | string, format),
  decimal: (v) => (format === 'iso' ? String(Number(v)) : String(Number(v)).replace('.', ',')),
  integer: (v) => String(v),
  boolean: (v) => (v === true || v === 1 || v === '1' || v === 't' ? 'Oui' : 'Non'),
});

/**
 * The same cell types in an Excel workbook: typed cells instead of text, so that nothing is left to
 * the spreadsheet's guessing. Text stays a string cell (a postal code 01000 or a phone 0612345678
 * keeps its zero; a string cell is never run as a formula, so it is written as typed), amounts are
 * numbers in euros, days and instants are real dates (serial numbers with a date format; an instant
 * is shown at its Paris time), yes/no is « Oui »/« Non ».
 */
export type XlsxValue = string | number | Date;

/** Number formats (Excel's codes; a French spreadsheet shows dd/mm/yyyy as jj/mm/aaaa). */
export const XLSX_FORMATS = {
  euro: '#,##0.00 "€"',
  date: 'dd/mm/yyyy',
  datetime: 'dd/mm/yyyy hh:mm',
  integer: '0',
} as const;

/** A calendar day as the Date Excel reads as that day: its serial is computed in UTC, so UTC midnight. */
export const xlsxDay = (value: unknown) => {
  const iso = dateText(value)!;
  return new Date(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))));
};

/** An instant as its Paris wall-clock time (Excel dates have no time zone). */
export const xlsxInstant = (value: unknown) => {
  const d = DateTime.fromJSDate(datetimeFromDb(value)!).setZone(TZ);
  return new Date(Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second));
};

const XLSX_NUMFMT: Partial<Record<CellType, string>> = {
  money: XLSX_FORMATS.euro,
  cents: XLSX_FORMATS.euro,
  date: XLSX_FORMATS.date,
  datetime: XLSX_FORMATS.datetime,
  integer: XLSX_FORMATS.integer,
};

const xlsxConverters = (source?: [string, string]): Record<CellType, (value: unknown) => XlsxValue> => ({
  text: (v) => String(v),
  enum: (v) => enumLabel(source?.[0], source?.[1], String(v)),
  duesStatus: (v) => DUES_STATUS_LABELS[v as DuesStatus] ?? String(v),
  date: xlsxDay,
  datetime: xlsxInstant,
  // cents → euros: the cell holds the amount to the cent (the display rounds it like the CSV)
  money: (v) => toCents(v as string | number) / 100,
  cents: (v) => Number(v) / 100,
  decimal: (v) => Number(v),
  integer: (v) => Number(v),
  boolean: (v) => (v === true || v === 1 || v === '1' || v === 't' ? 'Oui' : 'Non'),
});

/** The Excel cell of each cell type: its value (empty values give an empty cell) and number format. */
export const xlsxCell = (type: CellType, source?: [string, string]) => {
  const f = xlsxConverters(source)[type];
  return {
    numFmt: XLSX_NUMFMT[type],
    value: (value: unknown): XlsxValue | undefined => (value === null || value === undefined || value === '' ? undefined : f(value)),
  };
};

/** The formatter of each cell type for one format (and field read); empty values give an empty cell. */
export const cellFormatter = (type: CellType, format: CsvFormat, source?: [string, string]) => {
  const f = formatters(format, source)[type];
  return (value: unknown) => (value === null || value === undefined || value === '' ? undefined : f(value));
};
