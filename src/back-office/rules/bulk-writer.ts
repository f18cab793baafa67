import { randomInt } from 'crypto';
import type { Knex } from 'knex';
import type { UID } from '@strapi/strapi';
import type { Attributes, Strapi } from '../types';
import { isPostgres, metaOf, type ModelMeta } from '../sql';

/**
 * A documentId in Strapi's format (cuid2: 24 characters, a lowercase letter then [a-z0-9]);
 * @strapi/core's own generator is not exported by the package.
 */
export const newDocumentId = () => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const chars: string[] = [alphabet[randomInt(26)]];
  for (let i = 1; i < 24; i++) chars.push(alphabet[randomInt(36)]);
  // joined, not added one character at a time: one flat text of 24 characters, not a chain of a dozen
  // partial texts (about 400 bytes per documentId, 60,000 of them held while an import writes)
  return chars.join('');
};

/** Where new documentIds come from: random (an import), or a seeded generator (the demo data, same seed, same ids). */
export interface DocumentIds {
  documentId(): string;
}

/** Rows per INSERT, at most: well under SQLite's and PostgreSQL's limits on bound parameters. */
const CHUNK = 400;
/** Bound parameters per INSERT, at most (SQLite allows 32,766, PostgreSQL 65,535). */
const PARAMETERS = 30_000;
/** Rows per INSERT on SQLite, at most: knex writes a multi-row insert as a compound SELECT, limited to 500 terms. */
const SQLITE_ROWS = 500;

/**
 * Rows written into each table by a transaction, for `refreshStatistics`. PostgreSQL plans the check of
 * a foreign key once per connection, from the referenced table's size at that moment: a table nearly
 * empty then (a new database, the first import) is read whole at every later check, while thousands of
 * rows go into it in the same transaction, and a write of tens of thousands of rows grows with their
 * square. Its statistics refreshed (ANALYZE, which sees the transaction's own rows) once the transaction
 * has written 1,000 rows into it, then 10,000, then 100,000…, the checks use its primary key again.
 */
const writtenRows = new WeakMap<Knex.Transaction, Map<string, number>>();
const FIRST_REFRESH = 1_000;

/** A document as given (field → value), or a row as written (column → value). */
type Doc = Record<string, unknown>;
/** A field of a model's database metadata. */
type FieldMeta = ModelMeta['attributes'][string];
/** The fields of a relation or a component, by position of the document they belong to. */
type Owned = Array<[index: number, field: string, value: unknown]>;
/** The database metadata of a model, with its uid (for the messages). */
type Meta = ModelMeta & { uid: string };
/** A row of a component's link table, with the table's name and its column for the component's id. */
type ComponentLink = Doc & { table: string; cmpColumn: string };

/**
 * Writes many documents straight into the tables, the way Strapi stores them, for data sets far
 * too large for the Document Service (20,000 members load in a few minutes instead of hours):
 *   - field names become column names, datetimes/booleans/JSON are stored as each database expects;
 *   - a field left out takes its schema default, as the Document Service gives it;
 *   - documentId, createdAt, updatedAt and publishedAt are filled in (these types have no drafts,
 *     so publishedAt is the creation time);
 *   - relations (given as database ids of the targets) go to their `*_lnk` tables with their order columns;
 *   - components (given as objects) go to their own tables and the owner's `*_cmps` table.
 * It bypasses the document-service rules: the demo seed gives data that already satisfies them, an
 * import goes through createMany (rules/many.ts), which runs the write rules first.
 */
export class BulkWriter {
  private inverseOrder = new Map<string, number>();

  constructor(
    private strapi: Strapi,
    private trx: Knex.Transaction,
    private ids: DocumentIds = { documentId: newDocumentId }
  ) {}

  private storeValue(attr: Pick<FieldMeta, 'type'>, value: unknown) {
    if (value === undefined || value === null) return null;
    if (attr.type === 'datetime' || attr.type === 'timestamp') {
      const d = value instanceof Date ? value : new Date(value as string | number);
      return isPostgres(this.strapi) ? d : d.getTime();
    }
    if (attr.type === 'boolean') return isPostgres(this.strapi) ? !!value : value ? 1 : 0;
    if (attr.type === 'json' || attr.type === 'blocks') return JSON.stringify(value);
    return value;
  }

  /** As many rows per INSERT as the bound parameters allow (narrow link rows go thousands at a time). */
  private async insertChunks(tableName: string, rows: Doc[]) {
    const columns = new Set<string>();
    for (const row of rows) for (const key of Object.keys(row)) columns.add(key);
    const rowsAtMost = isPostgres(this.strapi) ? 10 * CHUNK : SQLITE_ROWS;
    const chunk = Math.max(1, Math.min(rowsAtMost, Math.floor(PARAMETERS / Math.max(1, columns.size))));
    for (let i = 0; i < rows.length; i += chunk) await this.trx(tableName).insert(rows.slice(i, i + chunk));
    await this.refreshStatistics(tableName, rows.length);
  }

  /** PostgreSQL: a table's statistics refreshed each time this transaction's rows in it pass 1,000, 10,000, 100,000… */
  private async refreshStatistics(tableName: string, added: number) {
    if (!isPostgres(this.strapi) || !added) return;
    const counts = writtenRows.get(this.trx) ?? new Map<string, number>();
    writtenRows.set(this.trx, counts);
    const before = counts.get(tableName) ?? 0;
    const after = before + added;
    counts.set(tableName, after);
    let threshold = FIRST_REFRESH;
    while (threshold <= before) threshold *= 10;
    if (after >= threshold) await this.trx.raw('ANALYZE ??', [tableName]);
  }

  /** Inserts the documents of a content type; returns their database ids, in the same order. */
  async insert(uid: string, docs: Doc[]): Promise<number[]> {
    if (!docs.length) return [];
    const meta = metaOf(this.strapi, uid) as Meta;
    // the schema's defaults (content-type attributes: the database metadata does not keep them)
    const defaults = Object.entries(this.strapi.getModel(uid as UID.Schema).attributes as unknown as Attributes)
      .filter(([field, a]) => a.default !== undefined && typeof a.default !== 'function' && a.type !== 'relation' && meta.attributes[field])
      .map(([field, a]) => [field, a.default] as const);
    const now = new Date();
    const rows: Doc[] = [];
    const relations: Owned = [];
    const components: Owned = [];
    docs.forEach((doc, index) => {
      const createdAt = doc.createdAt ?? now;
      const row: Doc = { document_id: doc.documentId ?? this.ids.documentId() };
      for (const [field, value] of Object.entries(doc)) {
        if (['documentId', 'createdAt', 'updatedAt', 'publishedAt'].includes(field)) continue;
        const attr = meta.attributes[field];
        if (!attr) throw new Error(`Champ inconnu : ${uid}.${field}`);
        if (attr.type === 'relation') {
          if (attr.joinTable?.on) components.push([index, field, value]);
          else relations.push([index, field, value]);
        } else {
          row[attr.columnName ?? field] = this.storeValue(attr, value);
        }
      }
      for (const [field, dflt] of defaults) {
        if (doc[field] !== undefined) continue;
        const attr = meta.attributes[field];
        row[attr.columnName ?? field] = this.storeValue(attr, dflt);
      }
      for (const field of ['createdAt', 'updatedAt', 'publishedAt']) {
        const attr = meta.attributes[field];
        row[attr.columnName] = this.storeValue(attr, doc[field] ?? createdAt);
      }
      rows.push(row);
    });
    await this.insertChunks(meta.tableName, rows);

    const idByDocumentId = new Map<string, number>();
    const documentIds = rows.map((r) => r.document_id as string);
    for (let i = 0; i < documentIds.length; i += 5 * CHUNK) {
      const found = await this.trx(meta.tableName)
        .select('id', 'document_id')
        .whereIn('document_id', documentIds.slice(i, i + 5 * CHUNK));
      for (const r of found) idByDocumentId.set(r.document_id, Number(r.id));
    }
    const ids = documentIds.map((d) => idByDocumentId.get(d)!);

    await this.insertRelations(meta, ids, relations);
    await this.insertComponents(meta, ids, components);
    return ids;
  }

  private async insertRelations(meta: Meta, ids: number[], relations: Owned) {
    const linkRows = new Map<string, Doc[]>();
    for (const [index, field, value] of relations) {
      const jt = meta.attributes[field].joinTable;
      if (!jt) throw new Error(`${meta.uid}.${field} : relation sans table de liaison`);
      const targets: number[] = (Array.isArray(value) ? value : [value]).filter((v) => v !== null && v !== undefined);
      targets.forEach((target, position) => {
        const row: Doc = { [jt.joinColumn.name]: ids[index], [jt.inverseJoinColumn.name]: target };
        if (jt.orderColumnName) row[jt.orderColumnName] = position + 1;
        if (jt.inverseOrderColumnName) {
          const key = `${jt.name}:${target}`;
          const next = (this.inverseOrder.get(key) ?? 0) + 1;
          this.inverseOrder.set(key, next);
          row[jt.inverseOrderColumnName] = next;
        }
        if (!linkRows.has(jt.name)) linkRows.set(jt.name, []);
        linkRows.get(jt.name)!.push(row);
      });
    }
    for (const [tableName, rows] of linkRows) await this.insertChunks(tableName, rows);
  }

  /**
   * Components in batches: their rows have no documentId to find them back by, so their ids are
   * reserved here (after the current maximum) and PostgreSQL's sequence is moved past them.
   */
  private async insertComponents(meta: Meta, ids: number[], components: Owned) {
    const byTarget = new Map<string, { rows: Doc[]; links: ComponentLink[] }>();
    for (const [index, field, value] of components) {
      const attr = meta.attributes[field];
      const componentMeta = metaOf(this.strapi, attr.target);
      const jt = attr.joinTable;
      if (!byTarget.has(attr.target)) byTarget.set(attr.target, { rows: [], links: [] });
      const batch = byTarget.get(attr.target)!;
      const items: Doc[] = (Array.isArray(value) ? value : [value]).filter(Boolean);
      items.forEach((item, position) => {
        const row: Doc = {};
        for (const [f, v] of Object.entries(item)) {
          const a = componentMeta.attributes[f];
          if (!a) throw new Error(`Champ inconnu : ${attr.target}.${f}`);
          row[a.columnName ?? f] = this.storeValue(a, v);
        }
        batch.rows.push(row);
        batch.links.push({
          [jt.joinColumn.name]: ids[index],
          field,
          component_type: attr.target,
          [jt.orderColumnName]: position + 1,
          table: jt.name,
          cmpColumn: jt.inverseJoinColumn.name,
        });
      });
    }
    for (const [target, { rows, links }] of byTarget) {
      const tableName = metaOf(this.strapi, target).tableName;
      const [{ max }] = await this.trx(tableName).max({ max: 'id' });
      const first = Number(max ?? 0) + 1;
      rows.forEach((row, i) => (row.id = first + i));
      await this.insertChunks(tableName, rows);
      if (isPostgres(this.strapi))
        await this.trx.raw(`SELECT setval(pg_get_serial_sequence(?, 'id'), ?)`, [tableName, first + rows.length - 1]);
      const linkRows = new Map<string, Doc[]>();
      links.forEach(({ table: linkTable, cmpColumn, ...link }, i) => {
        if (!linkRows.has(linkTable)) linkRows.set(linkTable, []);
        linkRows.get(linkTable)!.push({ ...link, [cmpColumn]: first + i });
      });
      for (const [linkTable, lr] of linkRows) await this.insertChunks(linkTable, lr);
    }
  }
}
