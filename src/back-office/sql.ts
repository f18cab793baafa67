import type { Strapi } from './types';

/**
 * Helpers for the few places that need SQL (aggregates, exports, locks), on SQLite and PostgreSQL.
 * Storage differs between the two, and SQL written here must respect it:
 *   - `date` fields: 'YYYY-MM-DD' text on SQLite, `date` on PostgreSQL: compare with 'YYYY-MM-DD' strings on both;
 *   - `datetime` fields: epoch milliseconds (integer) on SQLite, `timestamptz` on PostgreSQL: use datetimeValue();
 *   - booleans: 0/1 on SQLite, true/false on PostgreSQL: use booleanValue();
 *   - relations live in `*_lnk` join tables: use link().
 */
export const isPostgres = (strapi: Strapi) => strapi.db.dialect.client === 'postgres';

/**
 * What our SQL reads of Strapi's database metadata of a model (@strapi/database does not export
 * the type of its metadata entries).
 */
export interface ModelMeta {
  tableName: string;
  attributes: Record<
    string,
    {
      type: string;
      columnName?: string;
      target?: string;
      mappedBy?: string;
      joinTable?: {
        name: string;
        joinColumn: { name: string };
        inverseJoinColumn: { name: string };
        orderColumnName?: string;
        inverseOrderColumnName?: string;
        on?: Record<string, string>;
      };
    }
  >;
}

/** The database metadata of a content type. */
export const metaOf = (strapi: Strapi, uid: string) => strapi.db.metadata.get(uid) as unknown as ModelMeta;

/** Table name of a content type. */
export const table = (strapi: Strapi, uid: string) => metaOf(strapi, uid).tableName;

/** Column name of a field. */
export const column = (strapi: Strapi, uid: string, field: string) => {
  const attr = metaOf(strapi, uid).attributes[field];
  if (!attr) throw new Error(`Champ inconnu : ${uid}.${field}`);
  return attr.columnName ?? field;
};

/** Join table of a relation: { table, from (this side's id column), to (the target's id column) }. */
export const link = (strapi: Strapi, uid: string, field: string) => {
  const jt = metaOf(strapi, uid).attributes[field]?.joinTable;
  if (!jt) throw new Error(`${uid}.${field} n'est pas une relation avec table de liaison`);
  return { table: jt.name, from: jt.joinColumn.name, to: jt.inverseJoinColumn.name };
};

/** A datetime as stored, for comparisons in SQL. */
export const datetimeValue = (strapi: Strapi, value: Date | string) => {
  const d = value instanceof Date ? value : new Date(value);
  return isPostgres(strapi) ? d.toISOString() : d.getTime();
};

/** A stored datetime (number on SQLite, Date on PostgreSQL) as a Date. */
export const datetimeFromDb = (value: unknown) =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? value
      : new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as string | number));

export const booleanValue = (strapi: Strapi, value: boolean) => (isPostgres(strapi) ? value : value ? 1 : 0);

/** The raw knex connection, inside the current transaction when there is one. */
export const knex = (strapi: Strapi) => strapi.db.connection;
