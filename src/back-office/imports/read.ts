import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { cleanText } from './values';

/**
 * A file as a table of texts: its header row and its data rows, each with the row number the
 * spreadsheet shows (the header being row 1 of a CSV file). Every cell is a text here; values are
 * read later, column by column, by the field they are mapped to.
 */
export interface Table {
  format: 'csv' | 'xlsx';
  /** 'utf-8', 'windows-1252' or 'utf-16le' for a CSV file; null for a workbook */
  encoding: string | null;
  /** the CSV separator detected; null for a workbook */
  separator: string | null;
  /** the sheet read, and every sheet of the workbook */
  sheet: string | null;
  sheets: string[];
  headers: string[];
  rows: string[][];
  /** the spreadsheet row number of each row of `rows` */
  rowNumbers: number[];
}

/** A file that cannot be read as a table: the French message says why and what to do. */
export class ImportFileError extends Error {}

const SEPARATORS = [';', ',', '\t', '|'];
export const SEPARATOR_LABELS: Record<string, string> = {
  ';': 'point-virgule',
  ',': 'virgule',
  '\t': 'tabulation',
  '|': 'barre verticale',
};

const startsWith = (buffer: Buffer, bytes: number[]) => bytes.every((b, i) => buffer[i] === b);

/**
 * UTF-8 when the bytes are valid UTF-8 (with or without BOM), else Windows-1252 (what French
 * Excel writes with « CSV (séparateur : point-virgule) »); UTF-16 when it starts with its BOM
 * (Excel's « Texte Unicode »).
 */
export const detectEncoding = (buffer: Buffer): 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be' => {
  if (startsWith(buffer, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(buffer, [0xfe, 0xff])) return 'utf-16be';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
};

export const decodeText = (buffer: Buffer, encoding: string) => {
  const text = iconv.decode(buffer, encoding);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
};

/** Whether bytes look like a binary file rather than text (NUL bytes, many control characters). */
export const looksBinary = (buffer: Buffer) => {
  const sample = buffer.subarray(0, 64 * 1024);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 13 && byte !== 12) control++;
  }
  return control > sample.length / 100 + 2;
};

/** The fields of one line split on `separator`, outside double quotes. */
const countFields = (line: string, separator: string) => {
  let count = 1;
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (char === separator && !quoted) count++;
  }
  return count;
};

/**
 * The separator among ; , tab and |: the one that splits the header line into the most fields,
 * with the next lines agreeing (a comma inside a French amount does not win over the semicolons).
 */
export const detectSeparator = (text: string) => {
  const lines = text
    .split(/\r\n|\n|\r/)
    .filter((l) => l.trim())
    .slice(0, 20);
  if (!lines.length) return ';';
  let best = ';';
  let bestScore = 0;
  for (const separator of SEPARATORS) {
    const header = countFields(lines[0], separator);
    if (header < 2) continue;
    const agreeing = lines.slice(1).filter((l) => countFields(l, separator) === header).length;
    const score = header * 10 + agreeing;
    if (score > bestScore) [best, bestScore] = [separator, score];
  }
  return best;
};

/** The first non-empty row is the header; rows left entirely empty are dropped (their numbers are not reused). */
const tableFrom = (records: string[][], rowNumberOf: (index: number) => number) => {
  const isEmpty = (r: string[]) => r.every((c) => !c.trim());
  const first = records.findIndex((r) => !isEmpty(r));
  if (first < 0) throw new ImportFileError('Le fichier ne contient aucune ligne : il est vide.');
  const headers = records[first].map((h) => cleanText(h));
  while (headers.length && !headers[headers.length - 1]) headers.pop();
  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  for (let i = first + 1; i < records.length; i++) {
    if (isEmpty(records[i])) continue;
    rows.push(records[i]);
    rowNumbers.push(rowNumberOf(i));
  }
  return { headers, rows, rowNumbers };
};

export const readCsv = (buffer: Buffer): Table => {
  const encoding = detectEncoding(buffer);
  const text = decodeText(buffer, encoding);
  if (!text.trim()) throw new ImportFileError('Le fichier est vide.');
  const separator = detectSeparator(text);
  let records: string[][];
  try {
    records = parse(text, { delimiter: separator, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  } catch (e) {
    // csv-parse's error: the line it stopped at
    const err = e as { lines?: number; message?: string } | null;
    throw new ImportFileError(`Le fichier CSV est illisible${err?.lines ? ` vers la ligne ${err.lines}` : ''} : ${err?.message ?? e}.`);
  }
  // a spreadsheet shows each CSV record on one row, a multi-line quoted address included
  return { format: 'csv', encoding, separator, sheet: null, sheets: [], ...tableFrom(records, (i) => i + 1) };
};

const ymd = (d: Date) => d.toISOString().slice(0, 10);

/**
 * One cell as text. Dates are calendar dates (Excel stores no time zone: exceljs returns them as
 * UTC); a formula is kept as its text (« =A2*2 »), never evaluated nor replaced by its last result.
 */
export const cellText = (cell: ExcelJS.Cell): string => {
  const v: unknown = cell.value;
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    const time = v.toISOString().slice(11, 16);
    return time === '00:00' ? ymd(v) : `${ymd(v)} ${time}`;
  }
  if (typeof v === 'number') return String(Number(v.toPrecision(15)));
  if (typeof v === 'boolean') return v ? 'oui' : 'non';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') {
    // exceljs's object values: a formula, rich text, a hyperlink (its text plain or rich), an error
    const o = v as { formula?: string; richText?: ExcelJS.RichText[]; text?: string | { richText?: ExcelJS.RichText[] }; error?: unknown };
    if ('formula' in o || 'sharedFormula' in o) return `=${cell.formula ?? o.formula ?? ''}`;
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if ('text' in o) return typeof o.text === 'string' ? o.text : (o.text?.richText ?? []).map((r) => r.text).join('');
    if ('error' in o) return String(o.error);
  }
  return String(v);
};

export const readXlsx = async (buffer: Buffer, sheetName?: string | null): Promise<Table> => {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own Buffer type, which Node's Buffer does not match
    await workbook.xlsx.load(buffer as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
  } catch {
    throw new ImportFileError('Le fichier n\u2019est pas un classeur Excel (.xlsx) lisible : enregistrez-le à nouveau en .xlsx ou en CSV.');
  }
  const sheets = workbook.worksheets.map((w) => w.name);
  if (!sheets.length) throw new ImportFileError('Le classeur ne contient aucune feuille.');
  const worksheet = sheetName ? workbook.worksheets.find((w) => w.name === sheetName) : workbook.worksheets[0];
  if (!worksheet)
    throw new ImportFileError(
      `Le classeur n\u2019a pas de feuille « ${sheetName} » (feuilles : ${sheets.map((s) => `« ${s} »`).join(', ')}).`
    );
  const records: string[][] = [];
  const numbers: number[] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c)));
    records.push(cells);
    numbers.push(rowNumber);
  });
  return { format: 'xlsx', encoding: null, separator: null, sheet: worksheet.name, sheets, ...tableFrom(records, (i) => numbers[i]) };
};

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/**
 * Reads an uploaded file as a table, whatever its name says: a workbook by its bytes (.xlsx is a
 * zip), text otherwise. Refuses, in French, what it cannot read: an empty file, a file over the
 * limit, an old .xls, an .ods, any other binary file.
 */
export const readTable = async (buffer: Buffer, options: { sheet?: string | null; maxBytes: number }): Promise<Table> => {
  if (!buffer.length) throw new ImportFileError('Le fichier est vide.');
  if (buffer.length > options.maxBytes) {
    const mb = Math.round(options.maxBytes / 1024 / 1024);
    throw new ImportFileError(
      `Le fichier est trop volumineux (${(buffer.length / 1024 / 1024).toFixed(1).replace('.', ',')} Mo) : un import est limité à ${mb} Mo.`
    );
  }
  if (startsWith(buffer, ZIP)) {
    if (buffer.subarray(0, 200).toString('latin1').includes('application/vnd.oasis.opendocument')) {
      throw new ImportFileError(
        'Les fichiers LibreOffice (.ods) ne sont pas lus directement : dans LibreOffice, « Fichier > Enregistrer sous… » au format Excel (.xlsx) ou CSV, puis importez ce fichier.'
      );
    }
    return readXlsx(buffer, options.sheet);
  }
  if (startsWith(buffer, OLE2)) {
    throw new ImportFileError(
      'Ancien format Excel (.xls) : ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format .xlsx ou CSV, puis importez ce fichier.'
    );
  }
  const encoding = detectEncoding(buffer);
  if (!encoding.startsWith('utf-16') && looksBinary(buffer)) {
    throw new ImportFileError('Le fichier n\u2019est ni un CSV ni un classeur Excel (.xlsx) : son contenu est binaire.');
  }
  return readCsv(buffer);
};
