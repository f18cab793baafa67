import type { Strapi } from '../types';
import { column, table } from '../sql';

const FILE = 'plugin::upload.file';

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
  const rows: Array<{ flag: unknown }> = await strapi.db
    .connection(collectionName)
    .select({ flag: column(strapi, FILE, 'confidential') })
    .whereRaw(`lower(??) in (${values.map(() => '?').join(', ')})`, [hashColumn, ...values]);
  // a file without the flag counts as confidential (fail closed)
  return rows.some((row) => row.flag !== false && row.flag !== 0);
};

/**
 * Whether a file is confidential: its flag when the file was read with it (`confidential`), else read
 * from the database (a missing file is not: nothing to hide; a file without the flag is).
 */
export const isConfidentialFile = async (strapi: Strapi, file: { id: number; confidential?: unknown }): Promise<boolean> => {
  if (typeof file.confidential === 'boolean' || typeof file.confidential === 'number') return Boolean(file.confidential);
  const row: { flag?: unknown } | undefined = await strapi.db
    .connection(table(strapi, FILE))
    .first({ flag: column(strapi, FILE, 'confidential') })
    .where('id', file.id);
  return row !== undefined && row.flag !== false && row.flag !== 0;
};
