import type { UID } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { DocumentData, Strapi, Values, WriteContext, WriteRule } from '../types';
import { BulkWriter, newDocumentId } from './bulk-writer';
import { deleteAdviceFor, loadStoredMany, prepareWrite, requiredFor, rulesFor, type Resolve } from './index';
import { onceCache } from './once';
import { relationChange, resolveDocumentId } from './relations';
import { checkDeletesLeaveNoOrphans, checkUniqueMany } from './validation';

// The content types are given as strings here: Strapi's query and document types want literal UIDs,
// hence the casts to UID.Schema / UID.ContentType on strapi.db.query / strapi.documents.

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

/**
 * Records prepared, checked and inserted at a time: the memory a batch takes does not grow with the file,
 * and a slice is released before its records pile up in the heap (1,000 at a time let an import's peak grow more).
 */
const SLICE = 200;

/** A refusal of createMany: the rule's own error, with the position of the record refused. */
export type RefusedAt = Error & { index?: number };

const isToOne = (attr: Attribute) => attr.type === 'relation' && !attr.relation?.endsWith('ToMany');

/** Whether a rule's hooks for a write that needs the transaction all have their many-records variant. */
const handlesMany = (rule: WriteRule) => (!rule.beforeWrite || !!rule.beforeWriteMany) && (!rule.afterWrite || !!rule.afterWriteMany);

/** The writes (by position) that a rule cannot take in bulk: they go one by one through the Document Service. */
const writtenAlone = async (rules: WriteRule[], writes: WriteContext[], alone: (write: WriteContext) => boolean) => {
  const result = new Set<number>();
  for (const [index, write] of writes.entries()) {
    if (alone(write)) result.add(index);
    for (const rule of rules) {
      if (result.has(index) || handlesMany(rule)) continue;
      const wanted = rule.needsTransaction ? await rule.needsTransaction(write) : Boolean(rule.beforeWrite || rule.afterWrite);
      if (wanted) result.add(index);
    }
  }
  return result;
};

const noAfterCommit = () => {
  throw new Error('afterCommit : pas d’envoi différé dans une écriture groupée.');
};

/**
 * Many creations of one content type, through the same write rules as a single write, fast enough
 * for an import of tens of thousands of records:
 *   - each record goes through the pipeline's stages (prepareWrite: normalise → prepare → checks → check),
 *     its relations resolved from the targets loaded once per slice, reference data read once (`readOnce`),
 *     what `prepare` reads of each record's relations read for the whole slice first (the rules' prepareMany);
 *   - unique fields are checked in one query per field (checkUniqueMany);
 *   - what a rule does around the write runs for many records at once, in the same transaction as the
 *     inserts (BulkWriter): beforeWriteMany per slice of records (member numbers: one block per slice,
 *     after the numbers already written), afterWriteMany once for all (duesPaidUntil: once per member);
 *   - a record a rule cannot handle in bulk (it needs the transaction and has no *Many variant) is
 *     written on its own through the Document Service, in the same transaction.
 * The records may come one at a time (an import planning its rows as they are written): they are taken
 * a slice at a time, and only what afterWriteMany needs is kept of each once written.
 * All or nothing: call it inside `strapi.db.transaction`; a refused record throws its rule's French
 * error with `index` (its position in `records`) and nothing is kept.
 */
export const createMany = async (strapi: Strapi, uid: string, records: Iterable<Values>): Promise<Created[]> => {
  const source = records[Symbol.iterator]();
  let next = source.next();
  if (next.done) return [];
  const rules = rulesFor(uid);
  const attributes = strapi.contentType(uid as Parameters<Strapi['contentType']>[0]).attributes as unknown as Record<string, Attribute>;
  const toOne = Object.keys(attributes).filter((f) => isToOne(attributes[f]));

  // the relations' targets, per target type: documentId → database id (null: no such record), loaded for each slice
  const targets = new Map<string, Map<string, number | null>>();
  const loadTargets = async (slice: Array<Values>) => {
    for (const field of toOne) {
      const target = attributes[field].target!;
      const known = targets.get(target) ?? new Map<string, number | null>();
      targets.set(target, known);
      const wanted = [...new Set(slice.map((r) => relationChange(r[field])?.documentId).filter((d) => d && !known.has(d)) as string[])];
      for (let i = 0; i < wanted.length; i += 500) {
        const part = wanted.slice(i, i + 500);
        for (const documentId of part) known.set(documentId, null);
        const found = await strapi.db
          .query(target as UID.Schema)
          .findMany({ where: { documentId: { $in: part } }, select: ['id', 'documentId'] });
        for (const row of found) known.set(row.documentId, row.id);
      }
    }
  };
  const resolve: Resolve = async (s, target, ref) =>
    ref?.documentId && targets.has(target)
      ? targets.get(target)!.get(ref.documentId)
        ? ref.documentId
        : null
      : resolveDocumentId(s, target, ref);

  return strapi.db.transaction(async ({ trx }) => {
    const base = {
      strapi,
      uid,
      action: 'create' as const,
      creating: true,
      cloning: false,
      afterCommit: noAfterCommit,
      once: onceCache(),
      trx,
    };
    const writer = new BulkWriter(strapi, trx);
    const now = new Date();
    const updatedAt = now.toISOString();
    const created: Created[] = [];
    // the records a rule cannot take in bulk, by position: written one by one at the end
    const alone: Array<[number, Values]> = [];
    // what afterWriteMany sees of each write once its slice is inserted: its documentId and its to-one relations
    const written: WriteContext[] = [];

    // slice by slice (a thousand records at a time in memory); each slice's numbers and unique
    // values are checked against what the previous slices already wrote in this transaction
    for (let from = 0; !next.done;) {
      const slice: Array<Values> = [];
      while (slice.length < SLICE && !next.done) {
        slice.push(next.value);
        next = source.next();
      }
      await loadTargets(slice);
      // what the rules read once (a membership type, a member's name…), read again for each slice: it does not pile up
      base.once = onceCache();
      // what the rules' `prepare` would read record by record (a member's name…), read for the whole slice at once
      for (const rule of rules) await rule.prepareMany?.(base, slice);
      const writes: WriteContext[] = [];
      for (let i = 0; i < slice.length; i++) {
        // the schema's fields of the record (a new object: the rules fill and remove fields of `data`)
        const record = slice[i];
        const data: Values = {};
        for (const field in record) if (attributes[field]) data[field] = record[field];
        try {
          writes.push(await prepareWrite(strapi, base, { data, stored: null }, { resolve, unique: false }));
        } catch (e) {
          throw Object.assign(e as RefusedAt, { index: from + i });
        }
      }
      try {
        await checkUniqueMany(
          strapi,
          uid,
          writes.map((w) => w.data),
          attributes
        );
      } catch (e) {
        const refused = e as RefusedAt;
        throw Object.assign(refused, { index: from + (refused.index ?? 0) });
      }

      // which writes a rule cannot take in bulk: written one by one, through the Document Service, at the end
      const apart = await writtenAlone(rules, writes, (write) =>
        Object.keys(write.data).some((f) => attributes[f]?.type === 'relation' && !isToOne(attributes[f]))
      );
      apart.forEach((i) => alone.push([from + i, slice[i]]));
      const together = writes.filter((_, i) => !apart.has(i));

      for (const rule of rules) await rule.beforeWriteMany?.(together);
      const docs = together.map((write) => {
        write.documentId = newDocumentId();
        const doc: Values = { documentId: write.documentId, createdAt: now, updatedAt: now };
        const { data } = write;
        for (const field in data) {
          const attr = attributes[field];
          const value = data[field];
          if (attr.type !== 'relation') doc[field] = value;
          else {
            const ref = relationChange(value);
            if (ref) doc[field] = ref.documentId ? targets.get(attr.target!)?.get(ref.documentId) : ref.id;
          }
        }
        return doc;
      });
      await writer.insert(uid, docs);
      writes.forEach((write, i) => {
        if (apart.has(i)) return;
        created[from + i] = { documentId: write.documentId!, updatedAt };
        const relations: Record<string, unknown> = {};
        for (const f of toOne) relations[f] = write.merged[f] ?? null;
        // kept until the end for every record: the shared context as prototype, not copied into each
        written.push(Object.assign(Object.create(base), { documentId: write.documentId, data: {}, stored: null, merged: relations }));
      });
      from += slice.length;
    }
    // once for all the records (duesPaidUntil: once per member, whichever slices its contributions were in)
    for (const rule of rules) await rule.afterWriteMany?.(written);

    for (const [index, record] of alone) {
      try {
        const doc = await strapi.documents(uid as UID.ContentType).create({ data: record as DocumentData });
        created[index] = { documentId: doc.documentId, updatedAt: new Date(doc.updatedAt).toISOString() };
      } catch (e) {
        throw Object.assign(e as RefusedAt, { index });
      }
    }
    return created;
  });
};

/** What the database keeps of the files' polymorphic `related` relation (@strapi/database does not export its metadata's type). */
interface FileLinks {
  attributes: { related: { joinTable: { name: string; morphColumn: { idColumn: { name: string }; typeColumn: { name: string } } } } };
}

/** Which of these records (database ids) of a type have files attached, in one query per slice. */
const recordsWithFiles = async (strapi: Strapi, trx: Knex.Transaction, uid: string, ids: number[]) => {
  const join = (strapi.db.metadata.get('plugin::upload.file') as unknown as FileLinks).attributes.related.joinTable;
  const idColumn = join.morphColumn.idColumn.name;
  const found = new Set<number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows: Array<Record<string, unknown>> = await trx(join.name)
      .distinct(idColumn)
      .where(join.morphColumn.typeColumn.name, uid)
      .whereIn(idColumn, ids.slice(i, i + 500));
    for (const row of rows) found.add(Number(row[idColumn]));
  }
  return found;
};

/**
 * Many deletions of one content type (an import undone), through the same rules as one deletion:
 * the records others cannot exist without are kept (checkDeletesLeaveNoOrphans, one query per list),
 * each record's `check` rules, then what the rules do around the deletion once for all
 * (beforeWriteMany / afterWriteMany: duesPaidUntil of the members of deleted contributions, the
 * participations of deleted members). The rows go in one statement per slice; their links follow
 * them (foreign keys ON DELETE CASCADE, on SQLite and PostgreSQL). A record with files attached, any
 * record of a type with components, or a record a rule cannot take in bulk, is deleted on its own
 * through the Document Service.
 * All or nothing: a refusal throws the rule's French error with `index` (position in `documentIds`).
 */
export const deleteMany = async (strapi: Strapi, uid: string, documentIds: string[]) => {
  if (!documentIds.length) return;
  const rules = rulesFor(uid);
  const attributes = strapi.contentType(uid as Parameters<Strapi['contentType']>[0]).attributes as unknown as Record<string, Attribute>;
  const owned = Object.values(attributes).some((a) => ['component', 'dynamiczone'].includes(a.type) || a.relation?.startsWith('morph'))
    ? 'all'
    : Object.values(attributes).some((a) => a.type === 'media')
      ? 'media'
      : false;
  await strapi.db.transaction(async ({ trx }) => {
    const stored = await loadStoredMany(strapi, uid, documentIds, attributes);
    const present = documentIds.filter((d) => stored.has(d));
    try {
      await checkDeletesLeaveNoOrphans(strapi, uid, present, attributes, requiredFor, deleteAdviceFor(uid));
    } catch (e) {
      const refused = e as RefusedAt;
      throw Object.assign(refused, { index: documentIds.indexOf(present[refused.index ?? 0]) });
    }
    const base = {
      strapi,
      uid,
      action: 'delete' as const,
      creating: false,
      cloning: false,
      afterCommit: noAfterCommit,
      once: onceCache(),
      trx,
    };
    const writes: WriteContext[] = present.map((documentId) => ({
      ...base,
      documentId,
      data: {},
      stored: stored.get(documentId)!,
      merged: stored.get(documentId)!,
    }));
    for (const [index, write] of writes.entries()) {
      try {
        for (const rule of rules) await rule.check?.(write);
      } catch (e) {
        throw Object.assign(e as RefusedAt, { index: documentIds.indexOf(present[index]) });
      }
    }
    // a record with files goes alone (its files' links are the Document Service's); the others together
    const filed =
      owned === 'media'
        ? await recordsWithFiles(
            strapi,
            trx,
            uid,
            present.map((d) => stored.get(d)!.id as number)
          )
        : null;
    const alone = await writtenAlone(rules, writes, (write) => (filed ? filed.has(write.stored!.id as number) : owned !== false));
    const together = writes.filter((_, index) => !alone.has(index));
    for (const rule of rules) await rule.beforeWriteMany?.(together);
    const ids = together.map((w) => w.stored!.id as number);
    for (let i = 0; i < ids.length; i += 500) {
      await strapi.db.query(uid as UID.Schema).deleteMany({ where: { id: { $in: ids.slice(i, i + 500) } } });
    }
    for (const rule of rules) await rule.afterWriteMany?.(together);
    for (const index of alone) {
      try {
        await strapi.documents(uid as UID.ContentType).delete({ documentId: present[index] });
      } catch (e) {
        throw Object.assign(e as RefusedAt, { index: documentIds.indexOf(present[index]) });
      }
    }
  });
};
