import type { Core, UID } from '@strapi/strapi';

type Strapi = Core.Strapi;

/**
 * What a numbered document needs to take its next number: the content type, the integer field
 * that holds the number, and the scope the numbers run in (e.g. `{ fiscalYear: 2026 }` for
 * receipts numbered per year; nothing for member numbers, which never restart).
 */
export interface NumberSeries {
  uid: string;
  /** integer field holding the number within its scope */
  field: string;
  /** equality conditions on the content type's own fields delimiting the scope */
  scope?: Record<string, string | number | boolean>;
}

/** A stable 31-bit key per series, for PostgreSQL's advisory locks. */
const lockKey = (series: NumberSeries) => {
  const text = `${series.uid}.${series.field}:${JSON.stringify(Object.entries(series.scope ?? {}).sort())}`;
  let hash = 7_310_001;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash & 0x7fffffff;
};

/**
 * The next number of a series: the largest number used in the scope, plus one.
 *
 * Call it with the `trx` of the `strapi.db.transaction` that writes the numbered document, and write
 * the document in that transaction:
 *   - gap-free: the number is read from the numbers really stored; a write that fails rolls back and
 *     leaves no hole (numbered documents are never deleted, so the largest is the count);
 *   - safe under concurrency: on PostgreSQL an advisory lock per series, held until the commit, makes
 *     two creations wait for each other; SQLite has a single writer, so transactions already follow
 *     each other.
 */
export const nextNumber = async (
  strapi: Strapi,
  trx: { raw: (sql: string, bindings: unknown[]) => unknown },
  series: NumberSeries
): Promise<number> => reserveNumbers(strapi, trx, series, 1);

/**
 * A block of `count` numbers of a series, taken in one go for documents written together (an
 * import): the first of them is returned, the block runs on without a gap. Same lock and same
 * rule as nextNumber: the documents must be written in the same transaction, with every number
 * of the block, or none of them.
 */
export const reserveNumbers = async (
  strapi: Strapi,
  trx: { raw: (sql: string, bindings: unknown[]) => unknown },
  series: NumberSeries,
  count: number
): Promise<number> => {
  if (!Number.isInteger(count) || count < 1) throw new Error(`reserveNumbers : ${count} numéros demandés.`);
  if (strapi.db.dialect.client === 'postgres') await trx.raw('SELECT pg_advisory_xact_lock(?)', [lockKey(series)]);
  const last: Record<string, unknown> | null = await strapi.db.query(series.uid as UID.Schema).findOne({
    select: [series.field],
    where: { ...(series.scope ?? {}), [series.field]: { $notNull: true } },
    orderBy: { [series.field]: 'desc' },
  });
  return ((last?.[series.field] as number | undefined) ?? 0) + 1;
};
