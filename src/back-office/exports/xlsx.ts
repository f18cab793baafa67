import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { XlsxValue } from './format';

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
  value: (row: any) => XlsxValue | undefined;
}

export interface Sheet {
  name: string;
  /** lines above the table (title, period), then an empty line; the header row stays frozen below them */
  title?: string[];
  columns: SheetColumn[];
  batches: () => AsyncIterable<any[]>;
  /** rows below the table after an empty line, in bold and outside the filter (totals) */
  footer?: any[];
}

/** A sheet name Excel accepts: at most 31 characters, none of [ ] : * ? / \ */
export const sheetName = (label: string) => label.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);

/** Characters a value takes once displayed (a date as dd/mm/yyyy, an amount with its separators and €). */
const shownLength = (value: XlsxValue | undefined, numFmt?: string) => {
  if (value === undefined) return 0;
  if (value instanceof Date) return numFmt?.includes('hh') ? 16 : 10;
  if (typeof value === 'number') return numFmt?.includes('€') ? value.toFixed(2).length + Math.floor(Math.abs(value) >= 1000 ? 1 : 0) + 2 : String(value).length;
  // a multi-line note is as wide as its longest line
  return Math.max(...value.split('\n').map((line) => line.length));
};

/** Width of a column in characters: its header or its widest value among the first rows, within 10..50. */
const widthOf = (column: SheetColumn, sample: any[]) => {
  let width = column.header.length;
  for (const row of sample.slice(0, 500)) width = Math.max(width, shownLength(column.value(row), column.numFmt));
  return Math.min(50, Math.max(10, width + 2));
};

/** Uncompressed bytes allowed to wait in the zip before the next batch is written. */
const PENDING_LIMIT = 1 << 20;

/**
 * ExcelJS hands a sheet's XML to the zip without waiting for it to be read: before writing the next
 * batch, wait until the zip and the response have taken what was written, so that a slow download
 * slows the reading of the database instead of filling memory (the CSV gets this from its pipes).
 */
const caughtUp = async (worksheet: any, out: PassThrough) => {
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
      const styles = sheet.columns.map((c) => (c.numFmt ? { numFmt: c.numFmt } : {}));
      const start = (sample: any[]) => {
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
        for (const row of batch) {
          const r = worksheet.addRow(sheet.columns.map((c) => c.value(row)));
          // one style object per column: ExcelJS then finds each cell's style id in its cache instead
          // of rendering the style again for every cell (most of its time otherwise)
          r.eachCell((cell, column) => {
            cell.style = styles[column - 1];
          });
          r.commit();
        }
        rows += batch.length;
        await caughtUp(worksheet, out);
      }
      if (out.destroyed) return;
      if (!started) start([]);
      worksheet.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: headerRow + rows, column: sheet.columns.length } };
      const lastColumn = worksheet.getColumn(sheet.columns.length).letter;
      filterNames.push({
        name: '_xlnm._FilterDatabase', localSheetId: index, ranges: [`'${sheet.name.replace(/'/g, "''")}'!$A$${headerRow}:$${lastColumn}$${headerRow + rows}`],
      });
      if (sheet.footer?.length) {
        worksheet.addRow([]).commit();
        for (const row of sheet.footer) {
          const r = worksheet.addRow(sheet.columns.map((c) => c.value(row)));
          r.font = bold;
          r.commit();
        }
      }
      worksheet.commit();
    }
    (workbook as any)._definedNames = { model: filterNames };
    await workbook.commit();
  };
  write().catch((e) => out.destroy(e));
  return out;
};
