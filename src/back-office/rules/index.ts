import type { Attribute, Attributes, BackOfficeModule, Strapi, Values, WriteContext, WriteRule } from '../types';
import { checkDeleteLeavesNoOrphans, checkFields, checkNoOrphans, checkRequiredRelations, normalise } from './validation';
import { relationChange, resolveDocumentId } from './relations';
import { FIELD_STATUS_STATE } from '../../middlewares/field-status';

const WRITES = ['create', 'update', 'delete', 'clone'];

const isToOne = (attr: Attribute) => attr.type === 'relation' && !attr.relation?.endsWith('ToMany');

/** The stored records with their to-one relations as documentIds, by documentId (in slices of 500). */
export const loadStoredMany = async (strapi: Strapi, uid: string, documentIds: string[], attributes: Attributes) => {
  const toOne = Object.entries(attributes)
    .filter(([, a]) => isToOne(a))
    .map(([f]) => f);
  const found = new Map<string, Values>();
  for (let i = 0; i < documentIds.length; i += 500) {
    // the uid is a string here: Strapi's query types want a literal UID
    const rows = await strapi.db.query(uid as Parameters<Strapi['db']['query']>[0]).findMany({
      where: { documentId: { $in: documentIds.slice(i, i + 500) } },
      populate: Object.fromEntries(toOne.map((f) => [f, { select: ['documentId'] }])),
    });
    for (const row of rows) {
      for (const f of toOne) row[f] = row[f]?.documentId ?? null;
      found.set(row.documentId, row);
    }
  }
  return found;
};

/** The stored record with its to-one relations as documentIds. */
const loadStored = async (strapi: Strapi, uid: string, documentId: string, attributes: Attributes): Promise<Values | null> =>
  (await loadStoredMany(strapi, uid, [documentId], attributes)).get(documentId) ?? null;

/** How a relation's reference is turned into the target's documentId (null: no such record). */
export type Resolve = typeof resolveDocumentId;

/** Values the record will have after the write; to-one relations as documentIds. */
const mergeWrite = async (strapi: Strapi, stored: Values | null, data: Values, attributes: Attributes, resolve: Resolve) => {
  const merged: Values = stored ? { ...stored } : {};
  for (const field in data) {
    const attr = attributes[field];
    if (!attr) continue;
    const value = data[field];
    if (isToOne(attr)) {
      const change = relationChange(value);
      if (change !== undefined) merged[field] = await resolve(strapi, attr.target!, change);
    } else if (attr.type !== 'relation') {
      merged[field] = value;
    }
  }
  return merged;
};

/**
 * A duplicate (the admin's "Dupliquer", Document Service `clone`) is a creation from the original's
 * values: the original without its identity and derived fields, overwritten by what the caller sent.
 * One-to-many lists (a member's contributions, a mission's participations...) stay with the original:
 * copying them would move them to the duplicate.
 */
const cloneBase = (stored: Values, attributes: Attributes, data: Values) => {
  const { id: _id, documentId: _documentId, createdAt: _c, updatedAt: _u, publishedAt: _p, ...base } = stored;
  for (const [field, attr] of Object.entries(attributes)) {
    if (attr.type === 'relation' && attr.relation === 'oneToMany' && !(field in data)) data[field] = { set: [] };
  }
  return base;
};

/** Scalar values of a record (what checkFields reads), for checking a duplicate as a whole. */
const scalars = (record: Values, attributes: Attributes) =>
  Object.fromEntries(
    Object.entries(record).filter(
      ([field]) => attributes[field] && !['relation', 'media', 'component', 'dynamiczone'].includes(attributes[field].type)
    )
  );

/** Every module's write rules, per content type, in the order of the module list. */
export const collectWriteRules = (modules: BackOfficeModule[]) => {
  const byType = new Map<string, WriteRule[]>();
  for (const module of modules) {
    for (const [uid, rules] of Object.entries(module.writeRules ?? {})) {
      byType.set(uid, [...(byType.get(uid) ?? []), ...(Array.isArray(rules) ? rules : [rules])]);
    }
  }
  return byType;
};

/** The modules' rules, per content type, as the pipeline registered them (for createMany). */
let registered: Map<string, WriteRule[]> = new Map();
export const rulesFor = (uid: string) => registered.get(uid) ?? [];
export const requiredFor = (uid: string) => rulesFor(uid).flatMap((r) => r.requiredRelations ?? []);
export const deleteAdviceFor = (uid: string) => rulesFor(uid).find((r) => r.deleteAdvice)?.deleteAdvice;

/**
 * The stages of a creation, an update or a duplicate before the write itself:
 *   normalise → merge → prepare → generic checks (schema fields, required relations, no orphans) → check.
 * Shared by the pipeline (one write) and createMany (many creations: relations resolved from what it
 * loaded once, unique fields checked together afterwards, reference data read once).
 */
export const prepareWrite = async (
  strapi: Strapi,
  base: Omit<WriteContext, 'documentId' | 'data' | 'stored' | 'merged'>,
  input: { documentId?: string; data: Values; stored: Values | null },
  options: { resolve?: Resolve; unique?: boolean } = {}
): Promise<WriteContext> => {
  const { uid, creating, cloning } = base;
  const { documentId, data, stored } = input;
  const resolve = options.resolve ?? resolveDocumentId;
  const rules = rulesFor(uid);
  const model = strapi.contentType(uid as Parameters<Strapi['contentType']>[0]);
  const attributes = model.attributes as unknown as Attributes;
  normalise(uid, data, attributes);
  // a duplicate starts from the original's values, but is a new record (no documentId to exclude from the checks)
  const from = cloning ? cloneBase(stored!, attributes, data) : stored;
  const write: WriteContext = {
    ...base,
    documentId: cloning ? undefined : documentId,
    data,
    stored: cloning ? null : stored,
    merged: await mergeWrite(strapi, from, data, attributes, resolve),
  };
  for (const rule of rules) await rule.prepare?.(write);

  const own = cloning ? undefined : stored?.documentId;
  await checkFields(strapi, uid, cloning ? { ...scalars(from!, attributes), ...data } : data, attributes, {
    creating,
    documentId: own,
    unique: options.unique ?? true,
  });
  await checkRequiredRelations(strapi, uid, data, attributes, requiredFor, creating, cloning ? write.merged : undefined, resolve);
  await checkNoOrphans(strapi, uid, data, attributes, requiredFor, creating ? undefined : own);
  write.merged = await mergeWrite(strapi, from, data, attributes, resolve);
  for (const rule of rules) await rule.check?.(write);
  return write;
};

/**
 * The write pipeline: every write to a content type, whatever its path (admin, content API, services),
 * goes through this one document-service middleware, which runs the generic checks and the write rules
 * the modules declare for the type (`writeRules` of a BackOfficeModule):
 *
 *   normalise → merge → prepare → generic checks (schema fields, required relations, no orphans) → check
 *   → [one transaction, when a rule needs it: beforeWrite → the write → afterWrite]
 *
 * A refused write changes nothing (checks come before the write, and a refusal inside the transaction
 * rolls it back); no reader sees a write without its derived fields (they are written in its transaction).
 */
export const writePipeline = (strapi: Strapi, modules: BackOfficeModule[]) => {
  const rulesByType = collectWriteRules(modules);
  registered = rulesByType;
  const required = requiredFor;
  const deleteAdvice = deleteAdviceFor;

  // a document-service middleware: Strapi types its context and result loosely
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- next() returns the result of any document-service method
  return async (ctx: { uid: string; action: string; params?: Values }, next: () => Promise<any>) => {
    const { uid, action } = ctx;
    if (!uid?.startsWith('api::') || !WRITES.includes(action)) return next();
    const rules = rulesByType.get(uid) ?? [];
    const model = strapi.contentType(uid as Parameters<Strapi['contentType']>[0]);
    const attributes = model.attributes as unknown as Attributes;
    const documentId: string | undefined = ctx.params?.documentId;
    const cloning = action === 'clone';
    const creating = action === 'create' || cloning;
    const afterCommit = () => {
      throw new Error('afterCommit : seulement dans beforeWrite ou afterWrite, dans la transaction de l’écriture.');
    };
    const base = { strapi, uid, action: action as WriteContext['action'], creating, cloning, afterCommit };

    let write: WriteContext;
    if (action === 'delete') {
      const stored = documentId ? await loadStored(strapi, uid, documentId, attributes) : null;
      if (!stored) return next();
      await checkDeleteLeavesNoOrphans(strapi, uid, documentId!, attributes, required, deleteAdvice(uid));
      write = { ...base, documentId, data: {}, stored, merged: stored };
      for (const rule of rules) await rule.check?.(write);
    } else {
      const data: Values = (ctx.params.data ??= {});
      // the admin's business "status" fields, taken out of the request by the field-status middleware
      const fieldStatus = strapi.requestContext.get()?.state?.[FIELD_STATUS_STATE];
      if (fieldStatus?.uid === uid && !('status' in data)) data.status = fieldStatus.value;
      const stored = action === 'create' ? null : documentId ? await loadStored(strapi, uid, documentId, attributes) : null;
      // nothing to check on a record that does not exist (the write answers it); a single type's first save creates it
      if (!stored && (cloning || (!creating && model.kind !== 'singleType'))) return next();

      write = await prepareWrite(strapi, base, { documentId, data, stored });
    }

    const inTransaction: WriteRule[] = [];
    for (const rule of rules) {
      const wanted = rule.needsTransaction ? await rule.needsTransaction(write) : Boolean(rule.beforeWrite || rule.afterWrite);
      if (wanted) inTransaction.push(rule);
    }
    if (!inTransaction.length) return next();

    // the write and what follows from it in one transaction: no reader ever sees one without the other
    const outermost = !strapi.db.inTransaction();
    const committed: Array<() => unknown> = [];
    write.afterCommit = (task) => void committed.push(task);
    const result = await strapi.db.transaction(async ({ trx, onCommit }) => {
      write.trx = trx;
      for (const rule of inTransaction) await rule.beforeWrite?.(write);
      const written = await next();
      for (const rule of inTransaction) await rule.afterWrite?.(write, written);
      // inside a caller's transaction: once the caller's transaction is committed
      if (!outermost) for (const task of committed) onCommit(() => void task());
      return written;
    });
    for (const task of outermost ? committed : []) await task();
    return result;
  };
};
