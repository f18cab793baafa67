import type { Strapi } from '../types';
import { column, table } from '../sql';
import { confidentialFileIds } from '../access/admin-roles';

const FILE = 'plugin::upload.file';

/**
 * The ids of the files of confidential documents (or without the flag: fail closed), read once
 * per request: a list of files signs each of them.
 */
/** The request's state, where the ids are kept for the length of the request. */
type RequestWithIds = { state?: { confidentialFileIds?: Promise<Set<number>> } } | undefined;

export const confidentialIdsForRequest = (strapi: Strapi): Promise<Set<number>> => {
  const ctx = strapi.requestContext.get() as RequestWithIds;
  const load = async () => new Set(await confidentialFileIds(strapi));
  if (!ctx?.state) return load();
  ctx.state.confidentialFileIds ??= load();
  return ctx.state.confidentialFileIds;
};

/** After a document is written in this request, the next read of the ids sees the change. */
export const forgetConfidentialIds = (strapi: Strapi) => {
  const ctx = strapi.requestContext.get() as RequestWithIds;
  if (ctx?.state) delete ctx.state.confidentialFileIds;
};

/**
 * Whether a name found in the uploads folder (`<hash><ext>`, or `<format>_<hash><ext>` for the
 * thumbnail and responsive sizes of an image) is, or belongs to, a confidential document's file.
 * Compared in lower case: on a case-insensitive disk `/uploads/PV_1A2B.PDF` reads `pv_1a2b.pdf`.
 */
export const isConfidentialStoredFile = async (strapi: Strapi, name: string): Promise<boolean> => {
  const lower = name.toLowerCase();
  const stem = lower.replace(/\.[^.]*$/, '');
  const candidates = new Set([lower, stem]);
  const format = stem.match(/^[a-z0-9]+_(.+)$/);
  if (format) candidates.add(format[1]);
  const collectionName = table(strapi, FILE);
  const hashColumn = column(strapi, FILE, 'hash');
  const values = [...candidates];
  const rows: Array<{ id: number }> = await strapi.db
    .connection(collectionName)
    .select('id')
    .whereRaw(`lower(??) in (${values.map(() => '?').join(', ')})`, [hashColumn, ...values]);
  if (!rows.length) return false;
  const ids = await confidentialIdsForRequest(strapi);
  return rows.some((row) => ids.has(Number(row.id)));
};
