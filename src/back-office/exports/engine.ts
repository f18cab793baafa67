import { Readable, Transform as NodeTransform } from 'node:stream';
import { Transform } from '@json2csv/node';
import { stringQuoteOnlyIfNecessary } from '@json2csv/formatters';
import type { Knex } from 'knex';
import type { Strapi } from '../types';
import { badRequest, forbidden } from '../../core/errors';
import { knex, metaOf } from '../sql';
import { todayInParis } from '../../core/dates';
import { assertCanExport, type ReadAccess } from './access';
import { cellFormatter, CSV_OPTIONS, xlsxCell, type CellType, type CsvFormat, type ExportFormat } from './format';
import { checkRanges, filterContext, parseFilterValue, type FilterValue } from './filters';
import { ExportSql, type Sql } from './query';
import type { Dataset, ExportColumn } from './datasets';
import { sheetName, type Sheet, type SheetColumn } from './xlsx';

/** One row of an export query: its columns by alias (c0, c1...) and the record's id (__id). */
export type Row = Record<string, unknown>;

/**
 * Rows read per query: enough to keep round trips rare, few enough that a batch (and the next one, read
 * meanwhile) is written out before the garbage collector's young generation fills up. Batches of 2,000
 * outlived it and were moved to the old generation, which grew by about the size of every row exported
 * (+60 MB for 100,000 members) until a full collection; with 500 they die young (+2 MB), as fast.
 */
export const BATCH_SIZE = 500;

const SCHEMA_TYPES: Record<string, CellType> = {
  string: 'text',
  text: 'text',
  email: 'text',
  uid: 'text',
  enumeration: 'enum',
  date: 'date',
  datetime: 'datetime',
  decimal: 'money',
  float: 'decimal',
  integer: 'integer',
  biginteger: 'integer',
  boolean: 'boolean',
};

/** Numbers that name rather than count (member numbers): text in both writers, never summed nor reformatted. */
const IDENTIFIERS = new Set(['api::member.member:memberNumber']);

/** A column's cell type: declared, or that of the field it reads last in the schema. */
const typeOf = (strapi: Strapi, column: ExportColumn): CellType => {
  if (column.type) return column.type;
  const [uid, field] = column.reads[column.reads.length - 1];
  if (IDENTIFIERS.has(`${uid}:${field}`)) return 'text';
  const attr = metaOf(strapi, uid).attributes[field];
  return SCHEMA_TYPES[attr?.type] ?? 'text';
};

const asSql = (x: string | Sql): Sql => (typeof x === 'string' ? { sql: x, bindings: [] } : x);

/** `?format=`: fr (CSV for French spreadsheets, the default), iso (CSV for software) or xlsx (Excel workbook). */
export const parseFormat = (raw: unknown): ExportFormat => {
  if (raw === undefined || raw === '' || raw === 'fr') return 'fr';
  if (raw === 'iso' || raw === 'xlsx') return raw;
  throw badRequest(`Paramètre « format » : valeur « ${raw} » inconnue (fr, iso ou xlsx).`, 'format');
};

/** A `.xlsx` file is the workbook: a CSV flavour asked for with it is a contradiction (400). */
export const xlsxOnly = (format: unknown): 'xlsx' => {
  if (format === undefined || format === '' || format === 'xlsx') return 'xlsx';
  throw badRequest(`Paramètre « format » : « ${format} » ne s\u2019applique pas à un fichier .xlsx (format CSV : fr ou iso).`, 'format');
};

/**
 * Checks rights and parameters (403 / 400 before anything is written), then returns the columns the
 * admin may read and a generator of row batches, one SQL query per batch (keyset pagination on id).
 */
export const prepareExport = async (strapi: Strapi, dataset: Dataset, access: ReadAccess, query: Record<string, unknown>) => {
  assertCanExport(access, dataset.uid, dataset.what);
  const format = parseFormat(query.format);
  const known = new Set(['format', ...dataset.filters.map((f) => f.param)]);
  for (const param of Object.keys(query)) {
    if (!known.has(param)) {
      throw badRequest(
        `Paramètre « ${param} » inconnu pour l\u2019export ${dataset.label.toLowerCase()} (paramètres possibles : ${[...known].join(', ')}).`,
        param
      );
    }
  }
  const values: Record<string, FilterValue> = {};
  for (const f of dataset.filters) {
    if (query[f.param] !== undefined && query[f.param] !== '') values[f.param] = parseFilterValue(strapi, f, query[f.param]);
  }
  checkRanges(dataset.filters, values);

  const sql = new ExportSql(strapi, dataset.uid, access);
  const ctx = await filterContext(strapi, sql);
  const wheres: Sql[] = [];
  for (const f of dataset.filters) {
    if (!(f.param in values)) continue;
    if (!f.reads.every(([uid, field]) => access.canRead(uid, field))) {
      throw forbidden(`Filtre « ${f.param} » (${f.label}) : vous n\u2019avez pas le droit de lire ce champ.`);
    }
    wheres.push(f.where(values[f.param], ctx));
  }
  // field-level rights: a column appears only if every field it reads is readable
  const columns = dataset.columns.filter((c) => c.reads.every(([uid, field]) => access.canRead(uid, field)));
  const selects = columns.map((c, i) => ({ ...asSql(c.sql(sql, ctx)), alias: `c${i}` }));

  const selectSql = selects.map((s) => `${s.sql} AS "${s.alias}"`).join(', ');
  const selectBindings = selects.flatMap((s) => s.bindings ?? []);
  const whereSql = wheres.map((w) => `(${w.sql})`).join(' AND ');
  const whereBindings = wheres.flatMap((w) => w.bindings ?? []);
  const from = sql.from(); // after the columns and filters: it carries the joins they asked for

  const batch = (lastId: number): Promise<Row[]> =>
    knex(strapi)
      .raw(
        `SELECT t."id" AS "__id"${selectSql ? `, ${selectSql}` : ''} FROM ${from} WHERE t."id" > ?${whereSql ? ` AND ${whereSql}` : ''} ORDER BY t."id" LIMIT ?`,
        [...selectBindings, lastId, ...whereBindings, BATCH_SIZE] as Knex.RawBinding[]
      )
      // SQLite answers the rows, PostgreSQL a result holding them
      .then((r: Row[] | { rows: Row[] }) => (Array.isArray(r) ? r : r.rows));

  // the next batch is read while the current one is written out: the database and the CSV work at once
  async function* batches() {
    let next = batch(0);
    for (;;) {
      const rows = await next;
      if (!rows.length) return;
      const more = rows.length === BATCH_SIZE;
      if (more) {
        next = batch(Number(rows[rows.length - 1].__id));
        next.catch(() => undefined); // a download cancelled meanwhile must not leave an unhandled rejection
      }
      yield rows;
      if (!more) return;
    }
  }

  // one column list, two writers: the CSV's text cells and the workbook's typed cells
  const csvFormat: CsvFormat = format === 'xlsx' ? 'fr' : format;
  const fields = columns.map((c, i) => {
    const format1 = cellFormatter(typeOf(strapi, c), csvFormat, c.reads[c.reads.length - 1]);
    const key = `c${i}`;
    return { label: c.header, value: (row: Row) => format1(row[key]) };
  });
  const sheetColumns: SheetColumn[] = columns.map((c, i) => {
    const cell = xlsxCell(typeOf(strapi, c), c.reads[c.reads.length - 1]);
    const key = `c${i}`;
    return { header: c.header, numFmt: cell.numFmt, value: (row: Row) => cell.value(row[key]) };
  });
  const sheet: Sheet = { name: sheetName(dataset.label), columns: sheetColumns, batches };
  const fileName = `${dataset.fileName}-${todayInParis()}.${format === 'xlsx' ? 'xlsx' : 'csv'}`;
  return { format, csvFormat, columns, fields, sheet, batches, fileName };
};

/**
 * json2csv pushes one chunk per row: 20,000 small writes to the socket cost more than the CSV itself.
 * This gathers them into chunks of about 64 KB (memory stays flat: one chunk at a time).
 */
const coalesce = (size = 64 * 1024) => {
  let buffer = '';
  return new NodeTransform({
    writableObjectMode: true,
    transform(chunk, _encoding, done) {
      buffer += chunk;
      if (buffer.length < size) return done();
      const out = buffer;
      buffer = '';
      done(null, out);
    },
    flush(done) {
      done(null, buffer || undefined);
    },
  });
};

/** The CSV as a stream (json2csv's Transform): rows flow batch by batch, memory stays flat. */
export const csvStream = (
  fields: Array<{ label: string; value: (row: Row) => string | undefined }>,
  format: CsvFormat,
  batches: () => AsyncGenerator<Row[]>
) => {
  const { delimiter, withBOM, eol } = CSV_OPTIONS[format];
  const rows = Readable.from(
    (async function* () {
      for await (const batch of batches()) yield* batch;
    })(),
    { objectMode: true, highWaterMark: BATCH_SIZE }
  );
  const csv = new Transform(
    {
      fields,
      delimiter,
      withBOM,
      eol,
      defaultValue: '',
      formatters: { string: stringQuoteOnlyIfNecessary({ separator: delimiter, eol }) },
    },
    {},
    { objectMode: true }
  );
  const out = coalesce();
  rows.on('error', (e) => out.destroy(e));
  csv.on('error', (e) => out.destroy(e));
  // a download cancelled half-way stops the reading of further batches
  out.on('close', () => rows.destroy());
  return rows.pipe(csv).pipe(out);
};
