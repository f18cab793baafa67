import type { Strapi, WriteContext, WriteRule } from '../types';
import { BulkWriter, newDocumentId } from './bulk-writer';
import { prepareWrite, rulesFor, type Resolve } from './index';
import { onceCache } from './once';
import { relationChange, resolveDocumentId } from './relations';
import { checkUniqueMany } from './validation';

/** A schema attribute, as createMany reads it. */
interface Attribute {
  type: string;
  relation?: string;
  target?: string;
}

/** What createMany wrote for each record given, in the same order. */
export interface Created {
  documentId: string;
  updatedAt: string;
}

/** A refusal of createMany: the rule's own error, with the position of the record refused. */
export type RefusedAt = Error & { index?: number };

const isToOne = (attr: Attribute) => attr.type === 'relation' && !attr.relation?.endsWith('ToMany');

/** Whether a rule's hooks for a write that needs the transaction all have their many-records variant. */
const handlesMany = (rule: WriteRule) => (!rule.beforeWrite || !!rule.beforeWriteMany) && (!rule.afterWrite || !!rule.afterWriteMany);

/**
 * Many creations of one content type, through the same write rules as a single write, fast enough
 * for an import of tens of thousands of records:
 *   - each record goes through the pipeline's stages (prepareWrite: normalise → prepare → checks → check),
 *     its relations resolved from the targets loaded once, reference data read once (`readOnce`);
 *   - unique fields are checked in one query per field (checkUniqueMany);
 *   - what a rule does around the write (member numbers, duesPaidUntil...) runs once for all the
 *     records (beforeWriteMany / afterWriteMany), in the same transaction as the inserts (BulkWriter);
 *   - a record a rule cannot handle in bulk (it needs the transaction and has no *Many variant) is
 *     written on its own through the Document Service, in the same transaction.
 * All or nothing: call it inside `strapi.db.transaction`; a refused record throws its rule's French
 * error with `index` (its position in `records`) and nothing is kept.
 */
export const createMany = async (strapi: Strapi, uid: string, records: Array<Record<string, any>>): Promise<Created[]> => {
  if (!records.length) return [];
  const rules = rulesFor(uid);
  const attributes = strapi.contentType(uid as Parameters<Strapi['contentType']>[0]).attributes as unknown as Record<string, Attribute>;

  // the relations' targets, loaded once: documentId → database id, per target type
  const targets = new Map<string, Map<string, number>>();
  for (const [field, attr] of Object.entries(attributes)) {
    if (!isToOne(attr)) continue;
    const wanted = [...new Set(records.map((r) => relationChange(r[field])?.documentId).filter(Boolean) as string[])];
    const known = targets.get(attr.target!) ?? new Map<string, number>();
    for (let i = 0; i < wanted.length; i += 500) {
      const found = await strapi.db
        .query(attr.target as any)
        .findMany({ where: { documentId: { $in: wanted.slice(i, i + 500) } }, select: ['id', 'documentId'] });
      for (const row of found) known.set(row.documentId, row.id);
    }
    targets.set(attr.target!, known);
  }
  const resolve: Resolve = async (s, target, ref) =>
    ref?.documentId && targets.has(target) ? (targets.get(target)!.has(ref.documentId) ? ref.documentId : null) : resolveDocumentId(s, target, ref);

  return strapi.db.transaction(async ({ trx }) => {
    const once = onceCache();
    const afterCommit = () => {
      throw new Error('afterCommit : pas d’envoi différé dans une écriture groupée.');
    };
    const base = { strapi, uid, action: 'create' as const, creating: true, cloning: false, afterCommit, once, trx };
    const writes: WriteContext[] = [];
    for (let index = 0; index < records.length; index++) {
      const data = Object.fromEntries(Object.entries(records[index]).filter(([field]) => attributes[field]));
      try {
        writes.push(await prepareWrite(strapi, base, { data, stored: null }, { resolve, unique: false }));
      } catch (e) {
        throw Object.assign(e as RefusedAt, { index });
      }
    }
    await checkUniqueMany(
      strapi,
      uid,
      writes.map((w) => w.data),
      attributes
    );

    // which writes a rule cannot take in bulk: written one by one, through the Document Service
    const alone = new Set<number>();
    for (const [index, write] of writes.entries()) {
      const toMany = Object.keys(write.data).some((f) => attributes[f]?.type === 'relation' && !isToOne(attributes[f]));
      if (toMany) alone.add(index);
      for (const rule of rules) {
        if (alone.has(index) || handlesMany(rule)) continue;
        const wanted = rule.needsTransaction ? await rule.needsTransaction(write) : Boolean(rule.beforeWrite || rule.afterWrite);
        if (wanted) alone.add(index);
      }
    }
    const indexes = writes.map((_, index) => index).filter((index) => !alone.has(index));
    const together = indexes.map((index) => writes[index]);

    for (const rule of rules) await rule.beforeWriteMany?.(together);
    const now = new Date();
    const docs = together.map((write) => {
      write.documentId = newDocumentId();
      const doc: Record<string, any> = { documentId: write.documentId, createdAt: now, updatedAt: now };
      for (const [field, value] of Object.entries(write.data)) {
        const attr = attributes[field];
        if (attr.type !== 'relation') doc[field] = value;
        else {
          const ref = relationChange(value);
          if (ref) doc[field] = ref.documentId ? targets.get(attr.target!)?.get(ref.documentId) : ref.id;
        }
      }
      return doc;
    });
    await new BulkWriter(strapi, trx).insert(uid, docs);
    for (const rule of rules) await rule.afterWriteMany?.(together);

    const created: Created[] = new Array(records.length);
    together.forEach((write, i) => (created[indexes[i]] = { documentId: write.documentId!, updatedAt: now.toISOString() }));
    for (const index of alone) {
      try {
        const doc: any = await strapi.documents(uid as any).create({ data: records[index] as any });
        created[index] = { documentId: doc.documentId, updatedAt: new Date(doc.updatedAt).toISOString() };
      } catch (e) {
        throw Object.assign(e as RefusedAt, { index });
      }
    }
    return created;
  });
};
