import { readEnv } from '../../core/config';
import { errors } from '@strapi/utils';
import type { UID } from '@strapi/strapi';
import type { AdminContext, Attributes, DocumentData, Strapi, Values } from '../types';
import { ACTIONS } from '../../contract/permissions';
import { todayInParis } from '../dues/period';
import { KINDS, KIND_LABELS, KIND_UID, TARGETS, type ImportKind } from './fields';
import { detectSource, initialMapping, sourceById, type MappingEntry } from './formats';
import { ImportFileError, readTable, SEPARATOR_LABELS, type Table } from './read';
import { addSample, eachRow, missingColumns, samplesOf, SAMPLES, type RowError, type RowList } from './rows';
import { plannerFor, planWith, type Plan, type PlannedRow } from './plan';
import type { Created, RefusedAt } from '../rules/many';
import { FULL_NAME_RULE } from './values';
import { forbidden } from '../../core/errors';
import { createMany, deleteMany } from '../rules/many';
import { booleanValue, column, datetimeValue, isPostgres, knex, metaOf, table as tableOf } from '../sql';

const BATCH = 'api::import-batch.import-batch';

/** The RBAC action that lets an admin import each kind (secretary: members; treasurer: the rest). */
export const IMPORT_ACTIONS: Record<ImportKind, string> = {
  members: ACTIONS.importsMembers,
  contributions: ACTIONS.importsContributions,
  donors: ACTIONS.importsDonors,
  donations: ACTIONS.importsDonations,
};

/** IMPORT_MAX_MB (default 20): the largest file an import reads. */
export const importMaxMb = () => readEnv('IMPORT_MAX_MB');

/** Who does it, as the imports log keeps it. */
export interface Author {
  name: string;
}
export const authorOf = (user: AdminContext['state']['user']): Author => ({
  name: user
    ? `${[user.firstname, user.lastname].filter(Boolean).join(' ')}${user.email ? ` <${user.email}>` : ''}`.trim()
    : 'ligne de commande',
});

const badRequest = (message: string, details: Record<string, unknown> = {}) => new errors.ValidationError(message, details);

export const parseKind = (value: unknown): ImportKind => {
  if (typeof value === 'string' && (KINDS as readonly string[]).includes(value)) return value as ImportKind;
  throw badRequest(
    `Type d\u2019import : « ${value ?? ''} » inconnu ; types possibles : ${KINDS.map((k) => `${k} (${KIND_LABELS[k]})`).join(', ')}.`,
    { field: 'kind' }
  );
};

/** The rows shown with a preview: the errors first, then the changes, at most `limit`. */
const ROWS_SHOWN = 500;

interface StoredPreview {
  counts: Plan['counts'];
  errors: RowError[];
  missing: string[];
  rows: Array<Omit<PlannedRow, 'data'>>;
}

/** The preview as stored: the plan's own rows (a preview's rows carry no data; an import's lose theirs once written). */
const summarise = (plan: Plan, missing: string[]): StoredPreview => ({
  counts: plan.counts,
  errors: plan.rows.flatMap((r) => r.errors ?? []),
  missing,
  rows: plan.rows,
});

/** The columns a step reads of an import: the commit and the undo never read the preview of every row (tens of MB for a large file). */
const COLUMNS = {
  // opening an import: its record; the table's samples and a page of the preview's rows are read by the database (readPreviewPage)
  open: [
    'id',
    'documentId',
    'kind',
    'state',
    'fileName',
    'source',
    'encoding',
    'separator',
    'sheet',
    'mapping',
    'skipErrors',
    'counts',
    'skipped',
    'uploadedBy',
    'committedBy',
    'committedAt',
    'undoneBy',
    'undoneAt',
    'createdAt',
  ],
  // the table's rows are read by storedTable, as text
  commit: ['id', 'documentId', 'kind', 'state', 'fileName', 'source', 'mapping', 'skipErrors'],
  undo: ['id', 'documentId', 'kind', 'state', 'fileName', 'changes'],
};
export type BatchStep = keyof typeof COLUMNS;

/** What an import changed, kept for its undo: the records it created, those it updated with what they were. */
interface BatchChanges {
  uid: string;
  created?: Array<Created & { row?: number }>;
  updated?: Array<{ documentId: string; updatedAt: string | null; row: number; before: Values }>;
}

/**
 * An import's record (api::import-batch.import-batch), or the columns a step reads of it (COLUMNS):
 * the others are absent. The preview may come without its rows (readPreviewPage reads a page of them).
 */
export interface ImportBatch {
  id?: number;
  documentId: string | null;
  kind: ImportKind;
  state: string;
  fileName: string;
  source: string;
  encoding?: string | null;
  separator?: string | null;
  sheet?: string | null;
  mapping?: MappingEntry[] | null;
  table?: Table | null;
  preview?: (Omit<StoredPreview, 'rows'> & Partial<Pick<StoredPreview, 'rows'>>) | null;
  skipErrors?: boolean | null;
  counts?: unknown;
  skipped?: Array<{ row: number }> | null;
  changes?: BatchChanges | null;
  uploadedBy?: string;
  committedBy?: string | null;
  committedAt?: string | Date | null;
  undoneBy?: string | null;
  undoneAt?: string | Date | null;
  createdAt?: string | Date;
}

/** A JSON value already written as text (storeBatch stores it as it is): a large one is never built as objects. */
class JsonText {
  constructor(readonly text: () => string) {}
}

/**
 * A JSON array written an element at a time: its text kept as UTF-8 bytes, by slices of a thousand
 * elements, outside the JavaScript heap (the preview of 60,000 rows is a few MB of bytes, not 60,000 objects).
 */
class JsonList {
  private parts: Buffer[] = [];
  private pending: string[] = [];
  push(value: unknown) {
    this.pending.push(JSON.stringify(value));
    if (this.pending.length >= 1000) this.flush();
  }
  private flush() {
    if (this.pending.length) this.parts.push(Buffer.from(this.pending.join(',')));
    this.pending = [];
  }
  text() {
    this.flush();
    return `[${this.parts.map((p) => p.toString('utf8')).join(',')}]`;
  }
}

/**
 * The rows of an import's stored table, kept as the bytes of their JSON text (outside the JavaScript
 * heap, a third of the memory of the rows as arrays of texts), each row parsed when it is read: the
 * commit of a 60,000-row file does not hold 60,000 arrays of texts while it writes.
 */
class StoredRows implements RowList {
  private starts: number[] = [];
  private ends: number[] = [];
  constructor(private bytes: Buffer) {
    // the elements of the array, each an array of texts: brackets inside a text (between quotes) do not count
    let depth = 0;
    let quoted = false;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (quoted) {
        if (b === 0x5c) i++;
        else if (b === 0x22) quoted = false;
      } else if (b === 0x22) quoted = true;
      else if (b === 0x5b) {
        if (++depth === 2) this.starts.push(i);
      } else if (b === 0x5d && depth-- === 2) this.ends.push(i + 1);
    }
  }
  get length() {
    return this.ends.length;
  }
  at(index: number): string[] | undefined {
    if (index < 0 || index >= this.ends.length) return undefined;
    return JSON.parse(this.bytes.toString('utf8', this.starts[index], this.ends[index]));
  }
}

/**
 * Writes the import's own record once it exists: its state and its large JSON fields (the file's
 * table, the preview of every row, the changes made), in one UPDATE of its row, in the current
 * transaction. The Document Service, the write pipeline and even the Query Engine read the whole
 * record before a write, the table and preview of a 60,000-row file included (measured: ten times
 * the JSON's size at the peak). The import's log has no write rules; every value is built here.
 */
const storeBatch = (strapi: Strapi, documentId: string, data: Record<string, unknown>) =>
  strapi.db.transaction(async ({ trx }) => {
    const { attributes } = metaOf(strapi, BATCH);
    const record = () => trx(tableOf(strapi, BATCH)).where(column(strapi, BATCH, 'documentId'), documentId);
    const row: Record<string, unknown> = {};
    const json: string[] = [];
    for (const [field, value] of Object.entries({ ...data, updatedAt: new Date() })) {
      const type = attributes[field].type;
      if (type === 'json') json.push(field);
      else
        row[column(strapi, BATCH, field)] =
          value === null || value === undefined
            ? null
            : type === 'datetime'
              ? datetimeValue(strapi, value as Date)
              : type === 'boolean'
                ? booleanValue(strapi, Boolean(value))
                : value;
    }
    await record().update(row);
    // one statement per JSON field: only one of them is held as text at a time
    for (const field of json) {
      const value = data[field];
      await record().update({
        [column(strapi, BATCH, field)]:
          value === null || value === undefined ? null : value instanceof JsonText ? value.text() : JSON.stringify(value),
      });
    }
  });

/** Notes shown above the preview: how the detected tool's file is read, Paheko's name rule. */
const notesOf = (kind: ImportKind, sourceId: string, mapping: MappingEntry[]) => {
  const notes = [...(sourceById(sourceId).notes?.[kind] ?? [])];
  if (mapping.some((m) => m.target === 'fullName')) notes.push(FULL_NAME_RULE);
  return notes;
};

/** Which rows of the preview are shown: one status, or every row but the unchanged ones; a page of them. */
export interface RowsShown {
  status?: string;
  page?: number;
  pageSize?: number;
}
const pageOf = (options: RowsShown) => {
  const pageSize = Math.min(Math.max(Number(options.pageSize) || ROWS_SHOWN, 1), 5000);
  const page = Math.max(Number(options.page) || 1, 1);
  return { offset: (page - 1) * pageSize, limit: pageSize };
};

/** What readPreviewPage read of the table and the preview, instead of the whole of them. */
interface ReadParts {
  sheets: string[];
  /** the samples of each column of the mapping, in its order */
  samples: string[][];
  rows: StoredPreview['rows'];
  rowsTotal: number;
}

/**
 * What the API and the admin page show of an import: from its whole table and preview (just read or
 * written), or from the parts of them readPreviewPage read (`parts`).
 */
export const view = (batch: ImportBatch, options: RowsShown = {}, parts?: ReadParts) => {
  const kind = batch.kind as ImportKind;
  const table: Table | null = batch.table ?? null;
  const source = sourceById(batch.source);
  const preview: Omit<StoredPreview, 'rows'> | null = batch.preview ?? null;
  const { offset, limit } = pageOf(options);
  const all = parts
    ? []
    : (batch.preview?.rows ?? ([] as StoredPreview['rows'])).filter((r: PlannedRow) =>
        options.status ? r.status === options.status : r.status !== 'unchanged'
      );
  return {
    id: batch.documentId,
    kind,
    kindLabel: KIND_LABELS[kind],
    state: batch.state,
    fileName: batch.fileName,
    uploadedBy: batch.uploadedBy,
    createdAt: batch.createdAt,
    committedBy: batch.committedBy ?? null,
    committedAt: batch.committedAt ?? null,
    undoneBy: batch.undoneBy ?? null,
    undoneAt: batch.undoneAt ?? null,
    detected: {
      source: source.id,
      sourceLabel: source.label,
      encoding: batch.encoding ?? null,
      separator: batch.separator ?? null,
      separatorLabel: batch.separator ? (SEPARATOR_LABELS[batch.separator] ?? batch.separator) : null,
      sheet: batch.sheet ?? null,
      sheets: parts ? parts.sheets : (table?.sheets ?? []),
    },
    mapping: (batch.mapping ?? []).map((m: MappingEntry, i: number) => ({
      ...m,
      samples: parts ? (parts.samples[i] ?? []) : table ? samplesOf(table, m.column) : [],
    })),
    targets: TARGETS[kind].map((t) => ({ key: t.key, label: t.label })),
    notes: notesOf(kind, batch.source, batch.mapping ?? []),
    preview: preview && {
      create: preview.counts.create,
      update: preview.counts.update,
      unchanged: preview.counts.unchanged,
      errorRows: preview.counts.errors,
      errors: preview.errors,
      missing: preview.missing,
      rows: parts ? parts.rows : all.slice(offset, offset + limit),
      rowsTotal: parts ? parts.rowsTotal : all.length,
    },
    skipErrors: !!batch.skipErrors,
    counts: batch.counts ?? null,
    skipped: batch.skipped ?? [],
  };
};

/** A JSON value as the database gives it: parsed on PostgreSQL (jsonb), text on SQLite. */
const fromJson = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : (value ?? null));

/** A part of an import's JSON column (`path`: its keys), read by the database without sending the column. */
const jsonAt = (strapi: Strapi, field: string, path: string[], alias = '') =>
  isPostgres(strapi)
    ? knex(strapi).raw('?? #> ?', [`${alias}${column(strapi, BATCH, field)}`, `{${path.join(',')}}`])
    : knex(strapi).raw('json_extract(??, ?)', [`${alias}${column(strapi, BATCH, field)}`, `$.${path.join('.')}`]);

/**
 * Elements of a JSON array of one import's column (the preview's rows, the table's rows), read by the
 * database in the array's order: those whose `status` is (or, with `not`, is not) the one given, a
 * page of them (`offset`, `limit`), or only how many there are (`count`). `T`: what the caller reads,
 * a page of elements, or their number with `count`.
 */
const jsonElements = async <T>(
  strapi: Strapi,
  id: number,
  field: string,
  path: string[],
  options: { status?: { is: string } | { not: string }; offset?: number; limit?: number; count?: boolean }
): Promise<T> => {
  const db = knex(strapi);
  const pg = isPostgres(strapi);
  const query = db.from(db.raw('?? as b', [tableOf(strapi, BATCH)]));
  if (pg)
    query.joinRaw("cross join lateral jsonb_array_elements(coalesce(?, '[]'::jsonb)) with ordinality as e(value, n)", [
      jsonAt(strapi, field, path, 'b.'),
    ]);
  else query.joinRaw(', json_each(??, ?) as e', [`b.${column(strapi, BATCH, field)}`, `$.${path.join('.')}`]);
  query.where(`b.${column(strapi, BATCH, 'id')}`, id);
  if (options.status) {
    const status = pg ? "e.value ->> 'status'" : "json_extract(e.value, '$.status')";
    if ('is' in options.status) query.whereRaw(`${status} = ?`, [options.status.is]);
    else query.whereRaw(`${status} <> ?`, [options.status.not]);
  }
  if (options.count) return Number((await query.count({ n: '*' }))[0].n) as T;
  const rows = await query
    .select({ value: 'e.value' })
    .orderBy(pg ? 'e.n' : 'e.key')
    .offset(options.offset ?? 0)
    .limit(options.limit ?? 500);
  return rows.map((r: { value: unknown }) => fromJson(r.value)) as T;
};

/** The rows of the table read first for the samples of the mapping's columns. */
const FIRST_ROWS = 200;

/**
 * The distinct values of a column of an import's table, in the order they first appear (at most 20,
 * empty cells left out): a column's samples when the first rows have too few of them, read by the database.
 */
const firstValues = async (strapi: Strapi, id: number, columnIndex: number): Promise<string[]> => {
  const db = knex(strapi);
  const [table, rows, key] = [tableOf(strapi, BATCH), column(strapi, BATCH, 'table'), column(strapi, BATCH, 'id')];
  const result = isPostgres(strapi)
    ? await db.raw(
        `select v from (select e.value ->> ?::int as v, min(e.n) as first from ?? as b cross join lateral
           jsonb_array_elements(coalesce(b.?? -> 'rows', '[]'::jsonb)) with ordinality as e(value, n) where b.?? = ? group by 1) t
         where trim(v) <> '' order by first limit 20`,
        [columnIndex, table, rows, key, id]
      )
    : await db.raw(
        `select v from (select json_extract(e.value, ?) as v, min(e.key) as first from ?? as b, json_each(b.??, '$.rows') as e
           where b.?? = ? group by 1) t where trim(v) <> '' order by first limit 20`,
        [`$[${columnIndex}]`, table, rows, key, id]
      );
  const found: Array<{ v: unknown }> = Array.isArray(result) ? result : result.rows;
  return found.map((r) => String(r.v));
};

/**
 * One import as the admin page opens it, without reading its whole table and preview (tens of MB for
 * a large file): `batch` has the columns of the `open` step; the database gives the preview's counts,
 * errors and missing columns, the page of rows asked for and how many there are, the table's sheets,
 * and the samples of the mapping's columns (from the first rows, else from a column's distinct values).
 */
export const readPreviewPage = async (strapi: Strapi, batch: ImportBatch, options: RowsShown = {}) => {
  const [summary] = await knex(strapi)
    .from(tableOf(strapi, BATCH))
    .where(column(strapi, BATCH, 'id'), batch.id)
    .select({
      counts: jsonAt(strapi, 'preview', ['counts']),
      errors: jsonAt(strapi, 'preview', ['errors']),
      missing: jsonAt(strapi, 'preview', ['missing']),
      sheets: jsonAt(strapi, 'table', ['sheets']),
    });
  const counts = fromJson(summary?.counts);
  const preview = counts && { counts, errors: fromJson(summary.errors) ?? [], missing: fromJson(summary.missing) ?? [] };
  const status = options.status ? { is: options.status } : { not: 'unchanged' };
  const { offset, limit } = pageOf(options);
  const rows = preview ? await jsonElements<StoredPreview['rows']>(strapi, batch.id, 'preview', ['rows'], { status, offset, limit }) : [];
  const rowsTotal = preview ? await jsonElements<number>(strapi, batch.id, 'preview', ['rows'], { status, count: true }) : 0;
  const mapping: MappingEntry[] = batch.mapping ?? [];
  // the samples from the table's first rows; a column with too few filled cells there, from its distinct values
  const samples = mapping.map(() => [] as string[]);
  const first: string[][] = mapping.length
    ? await jsonElements<string[][]>(strapi, batch.id, 'table', ['rows'], { limit: FIRST_ROWS })
    : [];
  for (const [i, m] of mapping.entries()) for (const cells of first) if (addSample(samples[i], cells, m.column)) break;
  if (first.length === FIRST_ROWS) {
    for (const [i, m] of mapping.entries()) {
      if (samples[i].length >= SAMPLES) continue;
      samples[i] = [];
      for (const value of await firstValues(strapi, batch.id, m.column)) if (addSample(samples[i], [value], 0)) break;
    }
  }
  return view({ ...batch, preview }, options, { sheets: fromJson(summary?.sheets) ?? [], samples, rows, rowsTotal });
};

/** The rows of a table (in memory, or stored) read through the mapping, one at a time, each time it is called. */
const readerOf = (kind: ImportKind, table: Parameters<typeof eachRow>[1], mapping: MappingEntry[], sourceId: string) => {
  const today = todayInParis();
  return () => eachRow(kind, table, mapping, sourceById(sourceId), today);
};

/** Reads the stored table through the mapping and matches it against what is stored now. */
const previewOf = async (strapi: Strapi, kind: ImportKind, table: Table, mapping: MappingEntry[], sourceId: string) => {
  const planner = await plannerFor(strapi, kind);
  // the rows are read one at a time as the plan matches them
  const plan = planWith(planner, readerOf(kind, table, mapping, sourceId)(), { write: false });
  return { plan, missing: missingColumns(kind, mapping) };
};

/**
 * The rows of an import's stored table and their row numbers, read without parsing the whole table:
 * the rows' JSON text (StoredRows), the row numbers as numbers.
 */
const storedTable = async (strapi: Strapi, id: number): Promise<{ rows: RowList; rowNumbers: number[] }> => {
  const db = knex(strapi);
  const rowsText = isPostgres(strapi)
    ? db.raw("(?? #> '{rows}')::text", [column(strapi, BATCH, 'table')])
    : db.raw("json_extract(??, '$.rows')", [column(strapi, BATCH, 'table')]);
  const [found] = await db
    .from(tableOf(strapi, BATCH))
    .where(column(strapi, BATCH, 'id'), id)
    .select({ rows: rowsText, rowNumbers: jsonAt(strapi, 'table', ['rowNumbers']) });
  const text: string | null = found?.rows ?? null;
  return { rows: new StoredRows(Buffer.from(text ?? '[]', 'utf8')), rowNumbers: fromJson(found?.rowNumbers) ?? [] };
};

/** An import's record: all of it, or only the columns a step reads. */
export const findBatch = async (strapi: Strapi, id: string, step?: BatchStep) => {
  const batch: ImportBatch | null = await strapi.db
    .query(BATCH)
    .findOne({ where: { documentId: id }, ...(step ? { select: COLUMNS[step] } : {}) });
  if (!batch) throw new errors.NotFoundError(`Import introuvable : « ${id} ».`);
  return batch;
};

/** The import (or the columns a step reads of it), if this admin may import its kind (403 otherwise). */
export const batchFor = async (strapi: Strapi, id: string, can: (kind: ImportKind) => boolean, step?: BatchStep) => {
  const batch = await findBatch(strapi, id, step);
  if (!can(batch.kind))
    throw forbidden(`Vous n\u2019avez pas le droit d\u2019importer des ${KIND_LABELS[batch.kind as ImportKind].toLowerCase()}.`);
  return batch;
};

/**
 * Step 1: a file and a kind → the table read (format, encoding, separator, sheet detected), the
 * tool recognised from the headers, the pre-filled mapping and the preview. Nothing is written but
 * the import's own record; a file that cannot be read is refused with a French 400 and leaves nothing.
 */
export const createImport = async (
  strapi: Strapi,
  input: { buffer: Buffer; fileName: string; kind: ImportKind; sheet?: string | null; author: Author; maxBytes?: number; dryRun?: boolean }
) => {
  let table: Table;
  try {
    table = await readTable(input.buffer, { sheet: input.sheet || null, maxBytes: input.maxBytes ?? importMaxMb() * 1024 * 1024 });
  } catch (e) {
    if (e instanceof ImportFileError) throw badRequest(`Fichier « ${input.fileName} » : ${e.message}`, { field: 'file' });
    throw e;
  }
  const source = detectSource(table.headers);
  const mapping = initialMapping(input.kind, table.headers, source);
  if (!mapping.some((m) => m.target)) {
    throw badRequest(
      `Fichier « ${input.fileName} » : aucune colonne reconnue pour des ${KIND_LABELS[input.kind].toLowerCase()} dans la première ligne (${table.headers
        .slice(0, 8)
        .map((h) => `« ${h} »`)
        .join(', ')}${table.headers.length > 8 ? '…' : ''}). La première ligne doit porter les titres des colonnes (Nom, Prénom, E-mail…).`,
      { field: 'file' }
    );
  }
  if (!table.rows.length)
    throw badRequest(`Fichier « ${input.fileName} » : il n\u2019a qu\u2019une ligne de titres, aucune ligne à importer.`, {
      field: 'file',
    });
  const { plan, missing } = await previewOf(strapi, input.kind, table, mapping, source.id);
  const record = {
    kind: input.kind,
    state: 'preview',
    fileName: input.fileName.slice(0, 255),
    source: source.id,
    encoding: table.encoding,
    separator: table.separator,
    sheet: table.sheet,
    mapping,
    uploadedBy: input.author.name.slice(0, 255),
  };
  const preview = summarise(plan, missing);
  // a dry run (command line) shows the preview and writes nothing, not even the import's record
  if (input.dryRun) return view({ ...record, table, preview, documentId: null });
  const batch = await strapi.db.transaction(async () => {
    const created = await strapi.documents(BATCH).create({ data: record as DocumentData });
    await storeBatch(strapi, created.documentId, { table, preview });
    return created;
  });
  // the generated type has the JSON fields as any JSON value, the ids as numbers or strings
  return view({ ...(batch as unknown as ImportBatch), table, preview });
};

/** The mapping the user sent: `[{ column, target }]` or `{ "<header>": "<target>" }`; French 400 on anything unknown. */
const parseMapping = (kind: ImportKind, current: MappingEntry[], input: unknown): MappingEntry[] => {
  const known = new Set(TARGETS[kind].map((t) => t.key));
  const next = current.map((m) => ({ ...m }));
  const entries: Array<{ column?: number; header?: string; target: unknown }> = Array.isArray(input)
    ? input
    : input && typeof input === 'object'
      ? Object.entries(input).map(([header, target]) => ({ header, target }))
      : [];
  if (!entries.length) throw badRequest('Correspondance : envoyez la liste des colonnes et du champ de chacune.', { field: 'mapping' });
  for (const entry of entries) {
    const found =
      typeof entry.column === 'number'
        ? next.find((m) => m.column === entry.column)
        : next.filter((m) => m.header === entry.header).length === 1
          ? next.find((m) => m.header === entry.header)
          : undefined;
    if (!found)
      throw badRequest(
        `Correspondance : la colonne « ${entry.column ?? entry.header} » n\u2019existe pas dans le fichier (ou son titre est en double : désignez-la par son numéro).`,
        { field: 'mapping' }
      );
    const target = entry.target === '' || entry.target === undefined ? null : entry.target;
    if (target !== null && (typeof target !== 'string' || !known.has(target))) {
      throw badRequest(`Correspondance : champ « ${String(target)} » inconnu pour la colonne « ${found.header} ».`, { field: 'mapping' });
    }
    found.target = target as string | null;
  }
  return next;
};

/** Step 2: another mapping → a new preview. */
export const updateMapping = async (strapi: Strapi, batch: ImportBatch, input: { mapping: unknown; skipErrors?: unknown }) => {
  if (batch.state !== 'preview')
    throw new errors.ApplicationError('Cet import a déjà été effectué : sa correspondance ne peut plus changer.', { field: 'mapping' });
  const kind = batch.kind as ImportKind;
  const mapping = parseMapping(kind, batch.mapping ?? [], input.mapping);
  const { plan, missing } = await previewOf(strapi, kind, batch.table, mapping, batch.source);
  const data: Values = { mapping, preview: summarise(plan, missing) };
  if (input.skipErrors !== undefined) data.skipErrors = input.skipErrors === true || input.skipErrors === 'true';
  await storeBatch(strapi, batch.documentId, data);
  return view({ ...batch, ...data });
};

const iso = (v: unknown) => (v ? new Date(v as string | number | Date).toISOString() : null);

/**
 * Step 3: the import itself, all or nothing in one transaction, through the write pipeline's rules
 * (checks, member numbers, contribution defaults, duesPaidUntil…): the new records together
 * (createMany: the rules run for each, the inserts and what follows them once for all), the changed
 * ones one by one through the Document Service.
 * The preview is computed again against what is stored at this moment. Rows in error refuse the
 * whole file, unless the user chose to skip them (they are listed in the report).
 * The file is gone through twice, one row at a time, from the stored table's text (storedTable): first
 * for the counts and the rows in error (nothing else is kept), then, in the transaction, each new
 * record handed to createMany as it comes, each row's outcome written down as JSON text for the stored
 * preview. Neither the table, nor the preview, nor what each row writes is held as objects for the
 * whole file (60,000 rows).
 */
export const commitImport = async (strapi: Strapi, batch: ImportBatch, options: { skipErrors?: boolean; author: Author }) => {
  if (batch.state !== 'preview')
    throw new errors.ApplicationError(
      batch.state === 'committed' ? 'Cet import a déjà été effectué.' : 'Cet import a été annulé : déposez le fichier à nouveau.'
    );
  const kind = batch.kind as ImportKind;
  const uid = KIND_UID[kind];
  const skipErrors = options.skipErrors ?? !!batch.skipErrors;
  const missing = missingColumns(kind, batch.mapping);
  if (missing.length)
    throw badRequest(`Import refusé : aucune colonne n\u2019est associée à ${missing.map((m) => `« ${m} »`).join(', ')}.`, {
      field: 'mapping',
    });
  const table = batch.table ?? (await storedTable(strapi, batch.id));
  const reads = readerOf(kind, table, batch.mapping, batch.source);
  const planner = await plannerFor(strapi, kind);
  // first pass: the counts of the preview, and the rows in error
  const planned: Plan['counts'] = { create: 0, update: 0, unchanged: 0, errors: 0 };
  const inError: PlannedRow[] = [];
  for (const row of planner(reads(), { write: false })) {
    if (row.status === 'error') {
      planned.errors++;
      inError.push(row);
    } else planned[row.status]++;
  }
  const rowErrors = inError.flatMap((r) => r.errors ?? []);
  if (inError.length && !skipErrors) {
    const first = inError[0].errors![0];
    throw badRequest(
      `Import refusé : ${inError.length} ligne${inError.length > 1 ? 's sont' : ' est'} en erreur (ligne ${first.row}, colonne « ${first.column} » : ${first.message}). ` +
        'Corrigez le fichier, ou choisissez d\u2019ignorer les lignes en erreur. Rien n\u2019a été écrit.',
      { errors: rowErrors.slice(0, 200) }
    );
  }
  const updated: NonNullable<BatchChanges['updated']> = [];
  const skipped = inError.map((r) => ({ row: r.row, label: r.label, errors: r.errors }));
  const counts = { created: 0, updated: 0, unchanged: planned.unchanged, skipped: skipped.length };
  const attributes = strapi.getModel(uid as UID.Schema).attributes as unknown as Attributes;

  /** The write pipeline refused a row the preview let through (a rule the preview does not know): nothing is kept. */
  const refused = (row: Pick<PlannedRow, 'row' | 'label'>, e: unknown) =>
    e instanceof errors.ValidationError || (e as Error | null)?.name === 'ValidationError'
      ? badRequest(`Import refusé, rien n\u2019a été écrit : ligne ${row.row} (${row.label}) : ${(e as Error).message}`, { row: row.row })
      : e;
  /** The row of the file of the index-th new record (found again by planning the rows: only when one is refused). */
  const creationAt = (index: number) => {
    let n = 0;
    for (const row of planner(reads(), { write: false })) if (row.status === 'create' && n++ === index) return row;
    return undefined;
  };

  await strapi.db.transaction(async () => {
    // the file's row number of each new record (for the report)
    const creations: number[] = [];
    const updates: PlannedRow[] = [];
    // each row's outcome as the preview shows it (without what it writes), as JSON text
    const shown = new JsonList();
    // the same planner (same stored records, same rows): each row has the outcome the first pass counted
    function* newRecords() {
      for (const row of planner(reads(), { write: true })) {
        const { data, ...outcome } = row;
        shown.push(outcome);
        if (row.status === 'create') {
          creations.push(row.row);
          yield data!;
        } else if (row.status === 'update') updates.push(row);
      }
    }
    // the new records together, through the same write rules as one record (rules/many.ts)
    let created: Array<Created & { row?: number }>;
    try {
      created = await createMany(strapi, uid, newRecords());
    } catch (e) {
      const index = (e as RefusedAt | null)?.index;
      const row = typeof index === 'number' ? creationAt(index) : undefined;
      throw row ? refused(row, e) : e;
    }
    // what createMany answers for each record, with its row: no copy of 60,000 objects
    created.forEach((w, i) => (w.row = creations[i]));
    // the records changed, one by one through the Document Service (each keeps what it was, for undo)
    for (const row of updates) {
      try {
        const fields = Object.keys(row.data!);
        const populate = Object.fromEntries(
          fields.filter((f) => attributes[f]?.type === 'relation').map((f) => [f, { select: ['documentId'] }])
        );
        const stored: Values | null = await strapi.db
          .query(uid as UID.Schema)
          .findOne({ where: { documentId: row.documentId }, select: fields.filter((f) => attributes[f]?.type !== 'relation'), populate });
        const before = Object.fromEntries(
          fields.map((f) => [f, attributes[f]?.type === 'relation' ? (stored?.[f]?.documentId ?? null) : (stored?.[f] ?? null)])
        );
        const doc: Values | null = await strapi
          .documents(uid as UID.ContentType)
          .update({ documentId: row.documentId!, data: row.data as DocumentData });
        updated.push({ documentId: row.documentId!, updatedAt: iso(doc?.updatedAt), row: row.row, before });
      } catch (e) {
        throw refused(row, e);
      }
    }
    counts.created = created.length;
    counts.updated = updated.length;
    await storeBatch(strapi, batch.documentId, {
      state: 'committed',
      skipErrors,
      counts,
      skipped,
      changes: { uid, created, updated },
      // the preview as summarise() writes it: counts, errors, missing columns, every row
      preview: new JsonText(
        () =>
          `{"counts":${JSON.stringify(planned)},"errors":${JSON.stringify(rowErrors)},"missing":${JSON.stringify(missing)},"rows":${shown.text()}}`
      ),
      committedBy: options.author.name.slice(0, 255),
      committedAt: new Date(),
    });
  });
  strapi.log.info(
    `[imports] ${batch.fileName} (${KIND_LABELS[kind]}) : ${counts.created} créé(s), ${counts.updated} modifié(s), ${counts.unchanged} inchangé(s), ${counts.skipped} ignoré(s), par ${options.author.name}`
  );
  return counts;
};

/**
 * Undo: deletes what the import created and restores what it updated, in one transaction, as long
 * as none of those records has been changed since (their last modification is still the import's).
 */
export const undoImport = async (strapi: Strapi, batch: ImportBatch, author: Author) => {
  if (batch.state !== 'committed')
    throw new errors.ApplicationError(
      batch.state === 'undone' ? 'Cet import a déjà été annulé.' : 'Cet import n\u2019a pas été effectué : il n\u2019y a rien à annuler.'
    );
  const { uid, created = [], updated = [] } = batch.changes ?? ({} as Partial<BatchChanges>);
  const all = [...created, ...updated];
  const now = new Map<string, Values>();
  for (let i = 0; i < all.length; i += 500) {
    const slice = all.slice(i, i + 500).map((c) => c.documentId);
    for (const r of await strapi.db
      .query(uid as UID.Schema)
      .findMany({ where: { documentId: { $in: slice } }, select: ['documentId', 'updatedAt'] }))
      now.set(r.documentId, r);
  }
  const changed = all.filter((c) => !now.has(c.documentId) || iso(now.get(c.documentId)!.updatedAt) !== c.updatedAt);
  if (changed.length) {
    throw new errors.ApplicationError(
      `Annulation impossible : ${changed.length} fiche${changed.length > 1 ? 's ont été modifiées ou supprimées' : ' a été modifiée ou supprimée'} depuis l\u2019import ` +
        `(lignes ${changed
          .slice(0, 10)
          .map((c) => c.row)
          .join(', ')}${changed.length > 10 ? '…' : ''}). Rien n\u2019a été annulé.`,
      { rows: changed.map((c) => c.row) }
    );
  }
  await strapi.db.transaction(async () => {
    try {
      // what the import created, all together through the deletion rules (rules/many.ts); what it changed, one by one
      await deleteMany(
        strapi,
        uid,
        created.map((c) => c.documentId)
      );
      for (const u of updated)
        await strapi.documents(uid as UID.ContentType).update({ documentId: u.documentId, data: u.before as DocumentData });
    } catch (e) {
      const err = e as Error | null;
      if (err?.name === 'ValidationError')
        throw new errors.ApplicationError(`Annulation impossible, rien n\u2019a été annulé : ${err.message}`);
      throw e;
    }
    await storeBatch(strapi, batch.documentId, { state: 'undone', undoneBy: author.name.slice(0, 255), undoneAt: new Date() });
  });
  return { deleted: created.length, restored: updated.length };
};

/** The imports this admin may see (the kinds they may import), newest first, without their rows. */
export const listImports = async (strapi: Strapi, kinds: ImportKind[]) => {
  if (!kinds.length) return [];
  const batches = await strapi.db.query(BATCH).findMany({
    where: { kind: { $in: kinds } },
    select: [
      'documentId',
      'kind',
      'state',
      'fileName',
      'source',
      'counts',
      'skipped',
      'uploadedBy',
      'committedBy',
      'committedAt',
      'undoneBy',
      'undoneAt',
      'createdAt',
    ],
    orderBy: { createdAt: 'desc' },
    limit: 200,
  });
  // the preview's counts, read by the database: never the preview of every row of 200 imports
  const previewCounts = new Map<string, unknown>();
  if (batches.length) {
    const documentId = column(strapi, BATCH, 'documentId');
    const rows = await knex(strapi)
      .from(tableOf(strapi, BATCH))
      .whereIn(
        documentId,
        batches.map((b: Values) => b.documentId)
      )
      .select({ documentId, counts: jsonAt(strapi, 'preview', ['counts']) });
    for (const r of rows) previewCounts.set(r.documentId, fromJson(r.counts));
  }
  return batches.map((b: Values) => ({
    id: b.documentId,
    kind: b.kind,
    kindLabel: KIND_LABELS[b.kind as ImportKind],
    state: b.state,
    fileName: b.fileName,
    source: b.source,
    sourceLabel: sourceById(b.source).label,
    uploadedBy: b.uploadedBy,
    createdAt: b.createdAt,
    committedBy: b.committedBy,
    committedAt: b.committedAt,
    undoneBy: b.undoneBy,
    undoneAt: b.undoneAt,
    counts: b.counts ?? null,
    preview: previewCounts.get(b.documentId) ?? null,
    skipped: b.skipped ?? [],
  }));
};

const STATUS_LABELS: Record<string, string> = { create: 'Création', update: 'Mise à jour', unchanged: 'Inchangée', error: 'Erreur' };
const csvCell = (v: unknown) => {
  const s = String(v ?? '');
  // a cell starting like a formula is written as text (the spreadsheet never evaluates it)
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[";\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The report of an import, as a CSV for spreadsheets (UTF-8 with BOM, « ; »): one line per row of the file. */
export const reportCsv = (batch: ImportBatch) => {
  const preview = batch.preview ?? null;
  const skipped = new Set((batch.skipped ?? []).map((s) => s.row));
  const lines = [['Ligne', 'Résultat', 'Fiche', 'Détail']];
  for (const r of preview?.rows ?? []) {
    const result = r.status === 'error' && batch.state !== 'preview' && skipped.has(r.row) ? 'Ignorée (erreur)' : STATUS_LABELS[r.status];
    const detail =
      r.status === 'error'
        ? (r.errors ?? []).map((e) => `colonne « ${e.column} » : ${e.message}`).join(' ; ')
        : r.status === 'update'
          ? (r.changes ?? []).map((c) => `${c.label} : ${c.from ?? '(vide)'} → ${c.to ?? '(vide)'}`).join(' ; ')
          : '';
    lines.push([String(r.row), result, r.label, detail]);
  }
  return `\ufeff${lines.map((l) => l.map(csvCell).join(';')).join('\r\n')}\r\n`;
};

export const kindsAllowed = (can: (kind: ImportKind) => boolean) => KINDS.filter(can);
