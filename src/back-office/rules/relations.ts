import type { UID } from '@strapi/strapi';
import type { Strapi } from '../types';

/**
 * An entry as callers name it in a relation: its documentId, its id (a number or digits), or an object
 * with either; a whole relation may also come as { set }, { connect } or { disconnect } lists of these.
 */
export type EntryRef =
  | string
  | number
  | { documentId?: string; id?: number; set?: EntryRef[]; connect?: EntryRef[]; disconnect?: EntryRef[] }
  | null
  | undefined;

/** A to-one relation in written data, in any of the shapes callers send. */
export type RelationInput = EntryRef | EntryRef[];

const toRef = (v: EntryRef): { documentId?: string; id?: number } | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return /^\d+$/.test(v) ? { id: Number(v) } : { documentId: v };
  if (typeof v === 'number') return { id: v };
  if (typeof v === 'object' && (v.documentId || v.id)) return { documentId: v.documentId, id: v.id };
  return null;
};

/**
 * What a write does to a to-one relation, whatever shape the caller used (content API:
 * `"docId"`, `{ connect: [...] }`, `{ set: [...] }`; admin: `{ connect: [{ id, documentId }], disconnect: [...] }`).
 * Returns `undefined` when the relation is not changed, `null` when it is emptied, else the target's reference.
 */
export const relationChange = (input: RelationInput): { documentId?: string; id?: number } | null | undefined => {
  if (input === undefined) return undefined;
  if (input === null) return null;
  if (Array.isArray(input)) return input.length ? toRef(input[input.length - 1]) : null;
  if (typeof input !== 'object' || input.documentId || input.id) return toRef(input);
  if (Array.isArray(input.set)) return input.set.length ? toRef(input.set[input.set.length - 1]) : null;
  if (Array.isArray(input.connect) && input.connect.length) return toRef(input.connect[input.connect.length - 1]);
  if (Array.isArray(input.disconnect) && input.disconnect.length) return null;
  return undefined;
};

/** documentId of a referenced entry (null when it does not exist). */
export const resolveDocumentId = async (strapi: Strapi, targetUid: string, ref: { documentId?: string; id?: number } | null) => {
  if (!ref) return null;
  const where = ref.documentId ? { documentId: ref.documentId } : { id: ref.id };
  const row = await strapi.db.query(targetUid as UID.Schema).findOne({ where, select: ['documentId'] });
  return row?.documentId ?? null;
};

/** documentId of the entry a to-one relation of a stored document points to. */
export const currentTarget = async (strapi: Strapi, uid: string, documentId: string, field: string) => {
  const row = await strapi.db
    .query(uid as UID.Schema)
    .findOne({ where: { documentId }, populate: { [field]: { select: ['documentId'] } } });
  return (row?.[field]?.documentId as string) ?? null;
};
