import type { Strapi } from '../types';
import { booleanValue, column, knex, table } from '../sql';
import { sumCentsSql } from '../exports/datasets';
import { csvStream } from '../exports/engine';
import { cellFormatter, formatCents, xlsxCell, type CellType, type CsvFormat } from '../exports/format';
import { workbookStream } from '../exports/xlsx';
import { labelOf } from '../../contract/labels';
import { RECEIPT } from './plan';
import type { ReceiptRow } from './rows';

/**
 * The annual declaration (article 222 bis of the CGI; form 2065-bis box L / 2070-SD): for a
 * calendar year, the number of receipts issued during it and the total they certify, cancelled
 * receipts excluded. A receipt's number carries its year of issue, so « issued in 2026 » is
 * « numbered 2026-… ». Summed in SQL, in cents.
 */
export const declaration = async (strapi: Strapi, year: number) => {
  const row = await knex(strapi)(table(strapi, RECEIPT))
    .where(column(strapi, RECEIPT, 'numberYear'), year)
    .andWhere(column(strapi, RECEIPT, 'cancelled'), booleanValue(strapi, false))
    .select(knex(strapi).raw('COUNT(*) AS n'), knex(strapi).raw(`${sumCentsSql(column(strapi, RECEIPT, 'total'))} AS cents`))
    .first<{ n: number | string; cents: number | string | null } | undefined>();
  const cents = BigInt(row?.cents ?? 0);
  const cancelled = await strapi.db.query(RECEIPT).count({ where: { numberYear: year, cancelled: true } });
  return { year, count: Number(row?.n ?? 0), total: formatCents(cents, 'iso'), totalCents: Number(cents), cancelled };
};

/** The receipts of a year (cancelled ones included, marked), in number order, batch by batch. */
export const receiptsOfYear = (strapi: Strapi, year: number, where: Record<string, unknown> = {}) =>
  async function* (): AsyncGenerator<ReceiptRow[]> {
    let after = 0;
    for (;;) {
      const batch: ReceiptRow[] = await strapi.db.query(RECEIPT).findMany({
        where: { ...where, numberYear: year, sequence: { $gt: after } },
        orderBy: { sequence: 'asc' },
        populate: { replaces: { select: ['number'] } },
        limit: 1000,
      });
      if (!batch.length) return;
      after = batch[batch.length - 1].sequence;
      yield batch;
    }
  };

const COLUMNS: Array<{ field: keyof ReceiptRow; type: CellType }> = [
  { field: 'number', type: 'text' },
  { field: 'issuedOn', type: 'date' },
  { field: 'donorName', type: 'text' },
  { field: 'donorKind', type: 'enum' },
  { field: 'periodStart', type: 'date' },
  { field: 'periodEnd', type: 'date' },
  { field: 'total', type: 'money' },
  { field: 'cancelled', type: 'boolean' },
  { field: 'cancelReason', type: 'text' },
  { field: 'sentAt', type: 'datetime' },
];

/** The list as CSV (French spreadsheet flavour by default). */
export const declarationCsv = (strapi: Strapi, year: number, format: CsvFormat = 'fr') =>
  csvStream(
    COLUMNS.map((c) => {
      const f = cellFormatter(c.type, format, [RECEIPT, c.field]);
      return { label: labelOf(RECEIPT, c.field), value: (row: ReceiptRow) => f(row[c.field]) };
    }),
    format,
    receiptsOfYear(strapi, year)
  );

/** The declaration as an Excel workbook: the two numbers on top, the list below. */
export const declarationXlsx = async (strapi: Strapi, year: number) => {
  const d = await declaration(strapi, year);
  return workbookStream([
    {
      name: `Reçus ${year}`,
      title: [
        `Reçus fiscaux émis en ${year} (déclaration annuelle, article 222 bis du CGI)`,
        `Nombre de reçus émis (hors annulés) : ${d.count}`,
        `Montant total certifié (hors annulés) : ${formatCents(d.totalCents, 'fr')} €`,
      ],
      columns: COLUMNS.map((c) => {
        const cell = xlsxCell(c.type, [RECEIPT, c.field]);
        return { header: labelOf(RECEIPT, c.field), numFmt: cell.numFmt, value: (row: ReceiptRow) => cell.value(row[c.field]) };
      }),
      batches: receiptsOfYear(strapi, year),
      footer: [{ number: 'Total (hors annulés)', total: d.totalCents / 100 }],
    },
  ]);
};
