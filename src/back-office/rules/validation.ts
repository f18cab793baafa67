import { DateTime } from 'luxon';
import type { UID } from '@strapi/strapi';
import type { Attribute, Attributes, Strapi, Values } from '../types';
import { fieldError } from '../../core/errors';
import { enumLabel, labelOf } from '../../contract/labels';
import { relationChange, resolveDocumentId } from './relations';

// A French validation error naming the field (HTTP 400, shown on the field in the admin): src/core/errors.ts.
export { fieldError };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const isEmpty = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** A calendar day 'YYYY-MM-DD' that exists (no 31/02), checked without a date library: imports check tens of thousands. */
const isDate = (v: unknown): v is string => {
  const m = typeof v === 'string' ? DAY.exec(v) : null;
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : MONTH_DAYS[month - 1];
  return days !== undefined && day >= 1 && day <= days;
};
const toDateTime = (v: unknown) =>
  v instanceof Date
    ? DateTime.fromJSDate(v)
    : typeof v === 'string'
      ? DateTime.fromISO(v)
      : typeof v === 'number'
        ? DateTime.fromMillis(v)
        : null;

/** The relations a content type cannot exist without (declared by the modules' write rules, `requiredRelations`). */
export type RequiredRelations = (uid: string) => string[];

/** Fields that are unique only when set (several records may leave them empty). */
const NULLABLE_UNIQUE = new Set(['email', 'reference', 'memberNumber']);

const entriesCache = new WeakMap<object, Array<[string, Attribute]>>();
/**
 * A content type's attributes as [field, attribute] pairs, listed once per schema: every write walks
 * them several times, and an import writes tens of thousands of records.
 */
export const attributeEntries = (attributes: Attributes): Array<[string, Attribute]> => {
  let entries = entriesCache.get(attributes);
  if (!entries) entriesCache.set(attributes, (entries = Object.entries(attributes)));
  return entries;
};

/** Whether a field is checked for uniqueness. */
const isUnique = (field: string, attr: Attribute) => attr.unique || (attr.type === 'uid' && field === 'slug');

/** Normalise what the callers send: trimmed strings, empty strings as null for optional fields. */
export const normalise = (uid: string, data: Values, attributes: Attributes) => {
  for (const [field, attr] of attributeEntries(attributes)) {
    if (!(field in data)) continue;
    const v = data[field];
    if (typeof v === 'string' && ['string', 'text', 'email', 'uid'].includes(attr.type)) {
      data[field] = attr.type === 'email' ? v.trim().toLowerCase() : v.trim();
      if (data[field] === '' && !attr.required) data[field] = null;
    }
    if (v === '' && ['date', 'datetime', 'integer', 'decimal', 'float', 'biginteger', 'enumeration'].includes(attr.type)) {
      data[field] = null;
    }
  }
};

/** Checks every field of `data` against its schema (types, enums, bounds, required, unique). */
export const checkFields = async (
  strapi: Strapi,
  uid: string,
  data: Values,
  attributes: Attributes,
  { creating, documentId, unique = true }: { creating: boolean; documentId?: string; unique?: boolean }
) => {
  for (const [field, attr] of attributeEntries(attributes)) {
    const present = field in data;
    const v = data[field];
    if (attr.type === 'relation' || attr.type === 'media' || attr.type === 'component' || attr.type === 'dynamiczone') continue;
    if (attr.required && attr.type !== 'uid' && (creating ? isEmpty(v) && attr.default === undefined : present && isEmpty(v))) {
      throw fieldError(uid, field, 'ce champ est obligatoire.');
    }
    if (!present || isEmpty(v)) continue;
    switch (attr.type) {
      case 'email':
        if (typeof v !== 'string' || !EMAIL.test(v)) throw fieldError(uid, field, `« ${v} » n'est pas une adresse e-mail valide.`);
        break;
      case 'string':
      case 'text':
        if (typeof v !== 'string') throw fieldError(uid, field, 'doit être un texte.');
        if (attr.maxLength && v.length > attr.maxLength) throw fieldError(uid, field, `${attr.maxLength} caractères au maximum.`);
        break;
      case 'integer':
      case 'biginteger':
      case 'decimal':
      case 'float': {
        const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
        if (!Number.isFinite(n)) throw fieldError(uid, field, 'doit être un nombre.');
        if ((attr.type === 'integer' || attr.type === 'biginteger') && !Number.isInteger(n))
          throw fieldError(uid, field, 'doit être un nombre entier.');
        if (attr.type === 'decimal' && Math.round(n * 100) !== Number((n * 100).toFixed(6))) {
          throw fieldError(uid, field, 'deux décimales au maximum (centimes).');
        }
        if (attr.min !== undefined && n < attr.min) {
          throw fieldError(uid, field, attr.min === 0.01 ? 'doit être supérieur à 0.' : `doit être supérieur ou égal à ${attr.min}.`);
        }
        if (attr.max !== undefined && n > attr.max) throw fieldError(uid, field, `doit être inférieur ou égal à ${attr.max}.`);
        break;
      }
      case 'enumeration':
        if (!attr.enum.includes(v)) {
          const allowed = attr.enum
            .map((e: string) => (enumLabel(uid, field, e) !== e ? `${e} (${enumLabel(uid, field, e)})` : e))
            .join(', ');
          throw fieldError(uid, field, `valeur « ${v} » inconnue ; valeurs possibles : ${allowed}.`);
        }
        break;
      case 'date':
        if (!isDate(v)) throw fieldError(uid, field, `« ${v} » n'est pas une date valide (AAAA-MM-JJ).`);
        break;
      case 'datetime':
        if (!toDateTime(v)?.isValid) throw fieldError(uid, field, `« ${v} » n'est pas une date et heure valides.`);
        break;
      case 'boolean':
        if (typeof v !== 'boolean') throw fieldError(uid, field, 'doit valoir vrai ou faux.');
        break;
      default:
        break;
    }
    // many records written together check their unique fields in one go (checkUniqueMany)
    if (unique && isUnique(field, attr)) {
      if (NULLABLE_UNIQUE.has(field) || attr.unique || attr.type === 'uid') {
        const where: Values = { [field]: v };
        if (documentId) where.documentId = { $ne: documentId };
        const clash = await strapi.db.query(uid as UID.Schema).findOne({ where, select: ['id'] });
        if (clash) throw fieldError(uid, field, `la valeur « ${v} » est déjà utilisée.`);
      }
    }
  }
};

/**
 * The unique fields of many new records, checked in one query per field instead of one per record:
 * against the stored records and between the new ones. Refuses with the same French message as
 * checkFields; the error carries `index`, the position of the record refused.
 */
export const checkUniqueMany = async (strapi: Strapi, uid: string, records: Values[], attributes: Attributes) => {
  for (const [field, attr] of attributeEntries(attributes)) {
    if (!isUnique(field, attr) || ['relation', 'media', 'component', 'dynamiczone'].includes(attr.type)) continue;
    const seen = new Map<unknown, number>();
    const refuse = (index: number, v: unknown) => Object.assign(fieldError(uid, field, `la valeur « ${v} » est déjà utilisée.`), { index });
    records.forEach((r, index) => {
      const v = r[field];
      if (isEmpty(v)) return;
      if (seen.has(v)) throw refuse(index, v);
      seen.set(v, index);
    });
    const values = [...seen.keys()];
    for (let i = 0; i < values.length; i += 500) {
      const clash = await strapi.db
        .query(uid as UID.Schema)
        .findOne({ where: { [field]: { $in: values.slice(i, i + 500) } }, select: [field] });
      if (clash) throw refuse(seen.get(clash[field]) ?? seen.get(String(clash[field])) ?? 0, clash[field]);
    }
  }
};

/**
 * Required relations must point to an existing record. `cloneOf`: for a duplicate, the values it
 * takes from the original (to-one relations as documentIds), used when the caller does not change them.
 */
export const checkRequiredRelations = async (
  strapi: Strapi,
  uid: string,
  data: Values,
  attributes: Attributes,
  required: RequiredRelations,
  creating: boolean,
  cloneOf?: Values,
  resolve: typeof resolveDocumentId = resolveDocumentId
) => {
  for (const field of required(uid)) {
    const change = relationChange(data[field]);
    if (change === undefined && cloneOf) {
      if (!cloneOf[field]) throw fieldError(uid, field, 'ce champ est obligatoire.');
      continue;
    }
    if (change === undefined && !creating) continue;
    const target = await resolve(strapi, attributes[field].target, change ?? null);
    if (!target) throw fieldError(uid, field, 'ce champ est obligatoire.');
  }
};

const toRef = (item: unknown) =>
  typeof item === 'object' && item !== null
    ? item
    : typeof item === 'number' || /^\d+$/.test(String(item))
      ? { id: Number(item) }
      : { documentId: String(item) };

/**
 * The other side of a required relation: removing a contribution from a member's list (the "Cotisations"
 * field of the member form), a participation from a mission's, a donation from a donor's, a subsidy
 * from a partner's, would leave that record without its required member, mission, donor or funder.
 * Moving it (connecting it elsewhere) is done from the record itself, or by connecting it from the new owner.
 */
export const checkNoOrphans = async (
  strapi: Strapi,
  uid: string,
  data: Values,
  attributes: Attributes,
  required: RequiredRelations,
  documentId?: string
) => {
  if (!documentId) return;
  for (const [field, attr] of attributeEntries(attributes)) {
    const input = data[field];
    if (input === undefined || attr.type !== 'relation' || attr.relation !== 'oneToMany' || !attr.mappedBy) continue;
    if (!required(attr.target).includes(attr.mappedBy)) continue;
    const row = await strapi.db
      .query(uid as UID.Schema)
      .findOne({ where: { documentId }, populate: { [field]: { select: ['documentId'] } } });
    const linked = new Set<string>((row?.[field] ?? []).map((r: { documentId: string }) => r.documentId));
    if (!linked.size) continue;
    const ids = async (items: unknown[]) =>
      (await Promise.all(items.map((i) => resolveDocumentId(strapi, attr.target, toRef(i))))).filter(Boolean) as string[];
    let removed: string[] = [];
    if (input === null) removed = [...linked];
    else if (Array.isArray(input) || Array.isArray(input.set)) {
      const kept = new Set(await ids(Array.isArray(input) ? input : input.set));
      removed = [...linked].filter((d) => !kept.has(d));
    } else if (Array.isArray(input.disconnect)) {
      const reconnected = new Set(await ids(input.connect ?? []));
      removed = (await ids(input.disconnect)).filter((d) => linked.has(d) && !reconnected.has(d));
    }
    if (removed.length) {
      throw fieldError(
        uid,
        field,
        `retirer un élément de cette liste le laisserait sans « ${labelOf(attr.target, attr.mappedBy)} », qui est obligatoire. ` +
          'Pour le rattacher ailleurs, modifiez-le depuis sa propre fiche ; pour l\u2019annuler, supprimez-le.'
      );
    }
  }
};

/**
 * Deleting a record refused while records that cannot exist without it are linked to it (a member's
 * contributions, a mission's participations, a donor's donations, a funder's subsidies): they would
 * stay behind without their member, mission, donor or funder, and the accounts would lose them.
 * `advice`: what to do instead, from the content type's write rules (`deleteAdvice`).
 */
export const checkDeleteLeavesNoOrphans = async (
  strapi: Strapi,
  uid: string,
  documentId: string,
  attributes: Attributes,
  required: RequiredRelations,
  advice?: string
) => checkDeletesLeaveNoOrphans(strapi, uid, [documentId], attributes, required, advice);

/**
 * The same for many records deleted together (an import undone), in one query per list instead of
 * one per record; the error carries `index`, the position of the first record refused.
 */
export const checkDeletesLeaveNoOrphans = async (
  strapi: Strapi,
  uid: string,
  documentIds: string[],
  attributes: Attributes,
  required: RequiredRelations,
  advice?: string
) => {
  for (const [field, attr] of attributeEntries(attributes)) {
    if (attr.type !== 'relation' || attr.relation !== 'oneToMany' || !attr.mappedBy) continue;
    if (!required(attr.target).includes(attr.mappedBy)) continue;
    const counts = new Map<string, number>();
    for (let i = 0; i < documentIds.length; i += 500) {
      const rows = await strapi.db.query(attr.target).findMany({
        where: { [attr.mappedBy]: { documentId: { $in: documentIds.slice(i, i + 500) } } },
        select: ['id'],
        populate: { [attr.mappedBy]: { select: ['documentId'] } },
      });
      for (const row of rows) {
        const owner = row[attr.mappedBy]?.documentId;
        if (owner) counts.set(owner, (counts.get(owner) ?? 0) + 1);
      }
    }
    const index = documentIds.findIndex((d) => counts.has(d));
    if (index < 0) continue;
    const linked = counts.get(documentIds[index])!;
    const what = labelOf(uid, field).toLowerCase();
    throw Object.assign(
      fieldError(
        uid,
        field,
        `suppression impossible : ${linked} ${linked > 1 ? 'éléments' : 'élément'} de la liste « ${what} » y ${linked > 1 ? 'sont rattachés' : 'est rattaché'} ` +
          `et ne peu${linked > 1 ? 'vent' : 't'} pas exister sans cette fiche. Supprimez-les ou rattachez-les à une autre fiche d\u2019abord` +
          (advice ? ` (${advice}).` : '.')
      ),
      { index }
    );
  }
};

/** Whether the date (or date and time) `a` is strictly before `b`; false when either is missing or invalid. */
export const isBefore = (a: unknown, b: unknown) => {
  // two calendar days compare as their text
  if (isDate(a) && isDate(b)) return a < b;
  const x = toDateTime(a);
  const y = toDateTime(b);
  return x?.isValid && y?.isValid ? x.toMillis() < y.toMillis() : false;
};
