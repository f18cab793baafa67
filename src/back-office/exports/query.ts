import type { Strapi } from '../types';
import { column, isPostgres, link, metaOf, table } from '../sql';
import type { ReadAccess } from './access';

/** A piece of SQL with its bindings. */
export interface Sql {
  sql: string;
  bindings?: unknown[];
}

const q = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * Builds the SQL of one export on the dataset's table (alias `t`): columns of `t`, columns of
 * to-one related records (joined once, only when a visible column or a filter needs them), and
 * lists of to-many related names aggregated in a subquery. Names come from Strapi's metadata.
 */
export class ExportSql {
  private joins = new Map<string, string>();

  constructor(
    readonly strapi: Strapi,
    readonly uid: string,
    readonly access: ReadAccess
  ) {}

  /** A column of the exported table. */
  col(field: string, alias = 't', uid = this.uid) {
    return `${q(alias)}.${q(column(this.strapi, uid, field))}`;
  }

  /** A column name of any content type, quoted (for subqueries). */
  quoted(uid: string, field: string) {
    return q(column(this.strapi, uid, field));
  }

  /** Joins a to-one relation of `t` (or of an already joined alias) and returns the target's alias. */
  one(field: string, from: { alias: string; uid: string } = { alias: 't', uid: this.uid }) {
    const alias = `${from.alias === 't' ? '' : `${from.alias}_`}${field}`;
    if (!this.joins.has(alias)) {
      const lnk = link(this.strapi, from.uid, field);
      const target = this.target(from.uid, field);
      // components live in one join table per content type, told apart by the field name
      const on = (this.attribute(from.uid, field).joinTable.on ?? {}) as Record<string, string>;
      const extra = Object.entries(on)
        .map(([c, v]) => ` AND ${q(`${alias}_lnk`)}.${q(c)} = '${v.replace(/'/g, "''")}'`)
        .join('');
      this.joins.set(
        alias,
        `LEFT JOIN ${q(lnk.table)} ${q(`${alias}_lnk`)} ON ${q(`${alias}_lnk`)}.${q(lnk.from)} = ${q(from.alias)}."id"${extra} ` +
          `LEFT JOIN ${q(table(this.strapi, target))} ${q(alias)} ON ${q(alias)}."id" = ${q(`${alias}_lnk`)}.${q(lnk.to)}`
      );
    }
    return alias;
  }

  /** A field of a to-one related record: `ref('member', 'lastName')`. */
  ref(field: string, targetField: string) {
    return this.col(targetField, this.one(field), this.target(this.uid, field));
  }

  /** The names of the records of a to-many relation, sorted, comma-separated (one subquery, no query per row). */
  list(field: string, targetField: string) {
    const lnk = link(this.strapi, this.uid, field);
    const target = this.target(this.uid, field);
    const value = `x.${q(column(this.strapi, target, targetField))}`;
    const agg = isPostgres(this.strapi) ? `string_agg(${value}, ', ' ORDER BY ${value})` : `group_concat(${value}, ', ' ORDER BY ${value})`;
    return `(SELECT ${agg} FROM ${q(lnk.table)} l JOIN ${q(table(this.strapi, target))} x ON x."id" = l.${q(lnk.to)} WHERE l.${q(lnk.from)} = t."id")`;
  }

  /** Rows of a to-many relation pointing to `t` (for counts and sums): `FROM <target> x JOIN <lnk> l ... WHERE l.<to t> = t.id`. */
  related(field: string) {
    const target = this.target(this.uid, field);
    const inverse = this.attribute(this.uid, field).mappedBy as string;
    const lnk = link(this.strapi, target, inverse);
    return {
      uid: target,
      from: `${q(table(this.strapi, target))} x JOIN ${q(lnk.table)} l ON l.${q(lnk.from)} = x."id" WHERE l.${q(lnk.to)} = t."id"`,
    };
  }

  private attribute(uid: string, field: string) {
    return metaOf(this.strapi, uid).attributes[field];
  }

  /** The content type (or component) a relation points to. */
  target(uid: string, field: string) {
    return this.attribute(uid, field).target as string;
  }

  /** The table with the joins registered so far. */
  from() {
    return `${q(table(this.strapi, this.uid))} t ${[...this.joins.values()].join(' ')}`;
  }

  /** EXISTS over a relation to a record given by documentId (filters by pole, mission...). */
  linkedTo(field: string, documentId: string): Sql {
    const lnk = link(this.strapi, this.uid, field);
    const target = this.target(this.uid, field);
    return {
      sql: `EXISTS (SELECT 1 FROM ${q(lnk.table)} l JOIN ${q(table(this.strapi, target))} x ON x."id" = l.${q(lnk.to)} WHERE l.${q(lnk.from)} = t."id" AND x."document_id" = ?)`,
      bindings: [documentId],
    };
  }
}
