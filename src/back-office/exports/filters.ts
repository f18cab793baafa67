import type { UID } from '@strapi/strapi';
import { DateTime } from 'luxon';
import type { Strapi } from '../types';
import { badRequest } from '../../core/errors';
import { datetimeValue, booleanValue } from '../sql';
import { fiscalYearBounds, TZ } from '../../core/dates';
import { readAssociation } from '../../core/association';
import { DUES_STATUSES, DUES_STATUS_LABELS, duesStatusSql } from '../dues/status';
import { enumLabel } from '../../contract/labels';
import type { ExportSql, Sql } from './query';

/**
 * The filters of the exports, declared once by kind (date range, fiscal year, enumeration, text,
 * yes/no, related record) and used by every dataset. Each query parameter is validated with a French
 * message that names it (HTTP 400), before anything is read.
 */
export type FilterKind = 'date' | 'year' | 'enum' | 'text' | 'boolean' | 'relation';

export interface FilterContext {
  strapi: Strapi;
  sql: ExportSql;
  /** the association's settings the filters depend on */
  fiscalYearStartMonth: number;
  graceDays: number;
}

export interface ExportFilter {
  param: string;
  label: string;
  kind: FilterKind;
  /** enumeration values (codes): given, or those of the schema's field `enumOf` */
  values?: string[];
  enumOf?: [string, string];
  /** related content type whose records are offered (relation filters) */
  target?: string;
  /** fields read to apply the filter: [uid, field] pairs the admin must be allowed to read */
  reads: Array<[string, string]>;
  /** the condition, from the value parseFilterValue read for this filter's kind */
  where: (value: FilterValue, ctx: FilterContext) => Sql;
}

/** A parsed parameter: a day or a text (string), a year (number), yes/no (boolean). */
export type FilterValue = string | number | boolean;

const badParam = (param: string, label: string, message: string) => badRequest(`Paramètre « ${param} » (${label}) : ${message}`, param);

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Parses one query parameter according to its filter's kind. */
export const parseFilterValue = (strapi: Strapi, filter: ExportFilter, raw: unknown): FilterValue => {
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  const text = String(value ?? '').trim();
  switch (filter.kind) {
    case 'date':
      if (!DAY.test(text) || !DateTime.fromISO(text).isValid)
        throw badParam(filter.param, filter.label, `« ${text} » n\u2019est pas une date valide (format AAAA-MM-JJ).`);
      return text;
    case 'year': {
      const year = Number(text);
      if (!/^\d{4}$/.test(text) || year < 2000 || year > 2100)
        throw badParam(filter.param, filter.label, `« ${text} » n\u2019est pas une année valide (entre 2000 et 2100).`);
      return year;
    }
    case 'enum': {
      const values = filterValues(strapi, filter);
      if (!values.includes(text)) {
        throw badParam(filter.param, filter.label, `valeur « ${text} » inconnue (valeurs possibles : ${values.join(', ')}).`);
      }
      return text;
    }
    case 'boolean':
      if (!['true', 'false', '1', '0', 'oui', 'non'].includes(text.toLowerCase()))
        throw badParam(filter.param, filter.label, `« ${text} » : attendu true ou false.`);
      return ['true', '1', 'oui'].includes(text.toLowerCase());
    case 'text':
      if (!text || text.length > 200) throw badParam(filter.param, filter.label, 'texte vide ou trop long (200 caractères au plus).');
      return text;
    case 'relation':
      if (!/^[a-z0-9]{10,40}$/i.test(text))
        throw badParam(filter.param, filter.label, `« ${text} » n\u2019est pas un identifiant de document valide.`);
      return text;
  }
};

/** Checks that a range's start is not after its end. */
export const checkRanges = (filters: ExportFilter[], values: Record<string, FilterValue>) => {
  for (const f of filters) {
    if (f.kind !== 'date' || !f.param.endsWith('From')) continue;
    const to = f.param.replace(/From$/, 'To');
    if (values[f.param] && values[to] && values[f.param] > values[to]) {
      throw badParam(to, filters.find((x) => x.param === to)!.label, 'la fin de la période précède son début.');
    }
  }
};

export const filterContext = async (strapi: Strapi, sql: ExportSql): Promise<FilterContext> => {
  const { fiscalYearStartMonth, duesGraceDays } = await readAssociation(strapi, ['fiscalYearStartMonth', 'duesGraceDays']);
  return { strapi, sql, fiscalYearStartMonth, graceDays: duesGraceDays };
};

/* ---- filter kinds, parameterised by field ---- */

/** `<prefix>From` / `<prefix>To` on a date field (inclusive days). */
export const dateRange = (uid: string, field: string, prefix: string, label: string): ExportFilter[] => [
  {
    param: `${prefix}From`,
    label: `${label} (du)`,
    kind: 'date',
    reads: [[uid, field]],
    where: (v, { sql }) => ({ sql: `${sql.col(field)} >= ?`, bindings: [v] }),
  },
  {
    param: `${prefix}To`,
    label: `${label} (au)`,
    kind: 'date',
    reads: [[uid, field]],
    where: (v, { sql }) => ({ sql: `${sql.col(field)} <= ?`, bindings: [v] }),
  },
];

/** Start of a day in Paris as the stored datetime. */
export const parisDayStart = (strapi: Strapi, day: string) => datetimeValue(strapi, DateTime.fromISO(day, { zone: TZ }).toJSDate());
export const nextDay = (day: string) => DateTime.fromISO(day).plus({ days: 1 }).toISODate()!;

/**
 * Same on a datetime field: days in Europe/Paris. `via` reads the field on a to-one related record
 * (participations by their mission's date).
 */
export const datetimeRange = (
  uid: string,
  field: string,
  prefix: string,
  label: string,
  via?: { field: string; uid: string }
): ExportFilter[] => {
  const col = (sql: ExportSql) => (via ? sql.ref(via.field, field) : sql.col(field));
  const reads: Array<[string, string]> = via
    ? [
        [uid, via.field],
        [via.uid, field],
      ]
    : [[uid, field]];
  return [
    {
      param: `${prefix}From`,
      label: `${label} (du)`,
      kind: 'date',
      reads,
      where: (v, { sql, strapi }) => ({ sql: `${col(sql)} >= ?`, bindings: [parisDayStart(strapi, String(v))] }),
    },
    {
      param: `${prefix}To`,
      label: `${label} (au)`,
      kind: 'date',
      reads,
      where: (v, { sql, strapi }) => ({ sql: `${col(sql)} < ?`, bindings: [parisDayStart(strapi, nextDay(String(v)))] }),
    },
  ];
};

/** The association's fiscal year `fiscalYear` (from its fiscalYearStartMonth) on a date or datetime field. */
export const fiscalYear = (uid: string, field: string, kind: 'date' | 'datetime'): ExportFilter => ({
  param: 'fiscalYear',
  label: 'Exercice',
  kind: 'year',
  reads: [[uid, field]],
  where: (year, { sql, strapi, fiscalYearStartMonth }) => {
    const [first, last] = fiscalYearBounds(Number(year), fiscalYearStartMonth);
    return kind === 'date'
      ? { sql: `${sql.col(field)} BETWEEN ? AND ?`, bindings: [first, last] }
      : {
          sql: `${sql.col(field)} >= ? AND ${sql.col(field)} < ?`,
          bindings: [parisDayStart(strapi, first), parisDayStart(strapi, nextDay(last))],
        };
  },
});

/** An integer year field equal to the value (subsidies' fiscalYear). */
export const yearEquals = (uid: string, field: string, param: string, label: string): ExportFilter => ({
  param,
  label,
  kind: 'year',
  reads: [[uid, field]],
  where: (v, { sql }) => ({ sql: `${sql.col(field)} = ?`, bindings: [v] }),
});

/** The values of an enumeration filter. */
export const filterValues = (strapi: Strapi, filter: ExportFilter): string[] =>
  filter.values ??
  (filter.enumOf
    ? ((strapi.getModel(filter.enumOf[0] as UID.Schema).attributes as Record<string, { enum?: string[] }>)[filter.enumOf[1]].enum ?? [])
    : []);

/** Equality on an enumeration field of the schema (its values are the schema's). */
export const enumEquals = (uid: string, field: string, param: string, label: string): ExportFilter => ({
  param,
  label,
  kind: 'enum',
  enumOf: [uid, field],
  reads: [[uid, field]],
  where: (v, { sql }) => ({ sql: `${sql.col(field)} = ?`, bindings: [v] }),
});

/** Case-insensitive equality on a text field (city...). */
export const textEquals = (uid: string, field: string, param: string, label: string): ExportFilter => ({
  param,
  label,
  kind: 'text',
  reads: [[uid, field]],
  where: (v, { sql }) => ({ sql: `LOWER(${sql.col(field)}) = LOWER(?)`, bindings: [v] }),
});

export const isTrue = (uid: string, field: string, param: string, label: string): ExportFilter => ({
  param,
  label,
  kind: 'boolean',
  reads: [[uid, field]],
  where: (v, { sql, strapi }) =>
    v
      ? { sql: `${sql.col(field)} = ?`, bindings: [booleanValue(strapi, true)] }
      : { sql: `(${sql.col(field)} = ? OR ${sql.col(field)} IS NULL)`, bindings: [booleanValue(strapi, false)] },
});

/** Records linked to a given related record (by documentId): pole, mission, membership type, funder... */
export const linkedTo = (uid: string, field: string, target: string, param: string, label: string): ExportFilter => ({
  param,
  label,
  kind: 'relation',
  target,
  reads: [[uid, field]],
  where: (v, { sql }) => sql.linkedTo(field, String(v)),
});

/** Members by dues status: THE definition of dues/status.ts, in SQL. */
export const duesStatusFilter = (uid: string): ExportFilter => ({
  param: 'duesStatus',
  label: 'Statut de cotisation',
  kind: 'enum',
  values: DUES_STATUSES,
  reads: [[uid, 'duesPaidUntil']],
  where: (v, { sql, graceDays }) => {
    const status = duesStatusSql(sql.col('duesPaidUntil'), { graceDays });
    return { sql: `${status.sql} = ?`, bindings: [...status.bindings, v] };
  },
});

/** French label of a filter's enumeration value (named as in its field, see labels.ts). */
export const valueLabel = (value: string, filter?: ExportFilter) =>
  DUES_STATUS_LABELS[value as keyof typeof DUES_STATUS_LABELS] ?? enumLabel(filter?.enumOf?.[0], filter?.enumOf?.[1], value);
