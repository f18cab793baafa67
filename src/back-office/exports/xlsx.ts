import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { XlsxValue } from './format';
import type { Values } from '../types';

/**
 * Excel workbooks (.xlsx), written as a stream with ExcelJS's streaming writer: each row is turned
 * into XML and zipped as it comes, batch by batch, so that memory stays flat whatever the size.
 * One sheet per table: French header row in bold, frozen, with the filter buttons on; column widths
 * from the header and the first rows; typed cells (format.ts: xlsxCell).
 */
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface SheetColumn {
  header: string;
  /** Excel number format of the column (euros, dates) */
  numFmt?: string;
  value: (row: Values) => XlsxValue | undefined;
}

export interface Sheet {
  name: string;
  /** lines above the table (title, period), then an empty line; the header row stays frozen below them */
  title?: string[];
  columns: SheetColumn[];
  batches: () => AsyncIterable<Values[]>;
  /** rows below the table after an empty line, in bold and outside the filter (totals) */
  footer?: Values[];
}

/** A sheet name Excel accepts: at most 31 characters, none of [ ] : * ? / \ */
export const sheetName = (label: string) => label.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);

/** Characters a value takes once displayed (a date as dd/mm/yyyy, an amount with its separators and €). */
const shownLength = (value: XlsxValue | undefined, numFmt?: string) => {
  if (value === undefined) return 0;
  if (value instanceof Date) return numFmt?.includes('hh') ? 16 : 10;
  if (typeof value === 'number')
    return numFmt?.includes('€') ? value.toFixed(2).length + Math.floor(Math.abs(value) >= 1000 ? 1 : 0) + 2 : String(value).length;
  // a multi-line note is as wide as its longest line
  return Math.max(...value.split('\n').map((line) => line.length));
};

/** Width of a column in characters: its header or its widest value among the first rows, within 10..50. */
const widthOf = (column: SheetColumn, sample: Values[]) => {
  let width = column.header.length;
  for (const row of sample.slice(0, 500)) width = Math.max(width, shownLength(column.value(row), column.numFmt));
  return Math.min(50, Math.max(10, width + 2));
};

/** Column letters of Excel: 1 → A, 27 → AA. */
const letter = (n: number): string => (n > 26 ? letter(Math.floor((n - 1) / 26)) : '') + String.fromCharCode(65 + ((n - 1) % 26));

/** Characters XML 1.0 cannot carry (control characters but tab and line breaks): left out. */
// eslint-disable-next-line no-control-regex -- these control characters are exactly what must be removed
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** A cell holds at most 32,767 characters in Excel (beyond, it reports the file as damaged). */
const xmlText = (text: string) =>
  text
    .slice(0, 32_767)
    .replace(NOT_XML, '')
    .replace(/[&<>"]/g, (c) => ENTITIES[c]);

/** Excel's serial day number of a date (days since 30 December 1899, in UTC like ExcelJS). */
const serial = (date: Date) => 25569 + date.getTime() / 86_400_000;

/**
 * The XML of one row of the table (SpreadsheetML `<row>`), as ExcelJS writes it: a number or a date
 * as a number (with the column's style: euro or date format), a text as an inline string. Written
 * here rather than through ExcelJS's cell objects, which cost several times the CSV for the same
 * rows (an object per cell, a style lookup per cell); ExcelJS still writes everything else (the zip,
 * styles, columns, frozen header, filter).
 */
const rowXml = (r: number, values: Array<XlsxValue | undefined>, letters: string[], styleIds: number[]) => {
  let xml = `<row r="${r}">`;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined) continue;
    const s = styleIds[i] ? ` s="${styleIds[i]}"` : '';
    if (typeof v === 'number') {
      if (Number.isFinite(v)) xml += `<c r="${letters[i]}${r}"${s}><v>${v}</v></c>`;
    } else if (v instanceof Date) {
      xml += `<c r="${letters[i]}${r}"${s}><v>${serial(v)}</v></c>`;
    } else {
      xml += `<c r="${letters[i]}${r}"${s} t="inlineStr"><is><t xml:space="preserve">${xmlText(v)}</t></is></c>`;
    }
  }
  return `${xml}</row>`;
};

/** Uncompressed bytes allowed to wait in the zip before the next batch is written. */
const PENDING_LIMIT = 1 << 20;

/** ExcelJS's internals used here (not in its types): the workbook's style table and defined names. */
interface WorkbookInternals {
  styles: { addStyleModel: (model: object) => number };
  _definedNames: { model: unknown };
}

/** The sheet's XML stream, piped into the zip (archiver's PassThrough, from readable-stream 2). */
interface SheetInternals {
  stream: {
    write: (xml: string) => void;
    pipes?: Array<{ _writableState?: { length: number }; _readableState?: { length: number } }>;
  };
}

/**
 * ExcelJS hands a sheet's XML to the zip without waiting for it to be read: before writing the next
 * batch, wait until the zip and the response have taken what was written, so that a slow download
 * slows the reading of the database instead of filling memory (the CSV gets this from its pipes).
 */
const caughtUp = async (worksheet: SheetInternals, out: PassThrough) => {
  // the zip's input for this sheet (archiver's PassThrough, from readable-stream 2: no writableLength getter)
  const zipInput = worksheet.stream?.pipes?.[0];
  const pending = () => (zipInput?._writableState?.length ?? 0) + (zipInput?._readableState?.length ?? 0);
  while (!out.destroyed && (pending() > PENDING_LIMIT || out.writableNeedDrain)) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** The workbook as a readable stream; an error or a cancelled download stops the reading of further batches. */
export const workbookStream = (sheets: Sheet[]) => {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Asso Back-Office';
  const bold = { bold: true };

  // ExcelJS writes a sheet's autoFilter but not the hidden name _xlnm._FilterDatabase that Excel writes
  // beside it; LibreOffice shows the filter buttons only with that name
  const filterNames: Array<{ name: string; localSheetId: number; ranges: string[] }> = [];

  const write = async () => {
    for (const [index, sheet] of sheets.entries()) {
      const titleRows = sheet.title?.length ? sheet.title.length + 1 : 0;
      const headerRow = titleRows + 1;
      const worksheet = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', xSplit: 0, ySplit: headerRow }] });
      let rows = 0;
      let started = false;
      const letters = sheet.columns.map((_, i) => letter(i + 1));
      // ExcelJS's internals used here: the workbook's style table and the sheet's XML stream
      const styles = (workbook as unknown as WorkbookInternals).styles;
      const sheetXml = (): { write: (xml: string) => void } => (worksheet as unknown as SheetInternals).stream;
      // style ids of the cells: the column's number format, in bold for the totals
      const styleIds = sheet.columns.map((c) => (c.numFmt ? styles.addStyleModel({ numFmt: c.numFmt }) : 0));
      const boldIds = sheet.columns.map((c) => styles.addStyleModel(c.numFmt ? { numFmt: c.numFmt, font: bold } : { font: bold }));
      const start = (sample: Values[]) => {
        worksheet.columns = sheet.columns.map((c) => ({ width: widthOf(c, sample), style: c.numFmt ? { numFmt: c.numFmt } : {} }));
        for (const line of sheet.title ?? []) {
          const r = worksheet.addRow([line]);
          r.font = bold;
          r.commit();
        }
        if (titleRows) worksheet.addRow([]).commit();
        const header = worksheet.addRow(sheet.columns.map((c) => c.header));
        header.font = bold;
        header.commit();
        started = true;
      };
      for await (const batch of sheet.batches()) {
        if (out.destroyed) return;
        if (!started) start(batch);
        // rows below the header: after it, the sheet's data is open, so they go straight into its
        // stream, a couple of hundred at a time (small strings, quickly freed)
        let xml = '';
        for (const [i, row] of batch.entries()) {
          rows += 1;
          xml += rowXml(
            headerRow + rows,
            sheet.columns.map((c) => c.value(row)),
            letters,
            styleIds
          );
          if (i % 200 === 199) {
            sheetXml().write(xml);
            xml = '';
          }
        }
        if (xml) sheetXml().write(xml);
        await caughtUp(worksheet as unknown as SheetInternals, out);
      }
      if (out.destroyed) return;
      if (!started) start([]);
      worksheet.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: headerRow + rows, column: sheet.columns.length } };
      const lastColumn = worksheet.getColumn(sheet.columns.length).letter;
      filterNames.push({
        name: '_xlnm._FilterDatabase',
        localSheetId: index,
        ranges: [`'${sheet.name.replace(/'/g, "''")}'!$A$${headerRow}:$${lastColumn}$${headerRow + rows}`],
      });
      // the totals: one empty row, then in bold
      const footer = (sheet.footer ?? []).map((row, i) =>
        rowXml(
          headerRow + rows + 2 + i,
          sheet.columns.map((c) => c.value(row)),
          letters,
          boldIds
        )
      );
      if (footer.length) sheetXml().write(footer.join(''));
      worksheet.commit();
    }
    (workbook as unknown as WorkbookInternals)._definedNames = { model: filterNames };
    await workbook.commit();
  };
  write().catch((e) => out.destroy(e));
  return out;
};
