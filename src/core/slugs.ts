import type { Core } from '@strapi/strapi';
import type { WriteRule } from '../back-office/types';
import { slugify } from '../utils/slugify';

type Strapi = Core.Strapi;

/** `base`, or `base-2`, `base-3`... : the first one no other record of the content type uses. */
export const uniqueSlug = async (strapi: Strapi, uid: string, base: string, documentId?: string) => {
  for (let i = 1; ; i++) {
    const slug = i === 1 ? base : `${base}-${i}`;
    const where: Record<string, unknown> = { slug };
    // the record's own slug (and, with draft and publish, its other version's) is not a clash
    if (documentId) where.documentId = { $ne: documentId };
    if (!(await strapi.db.query(uid as Parameters<Strapi['db']['query']>[0]).findOne({ where, select: ['id'] }))) return slug;
  }
};

/**
 * The write rule of a content type whose `slug` (its address on the website) is made from its `title`
 * when the caller leaves it empty, and kept unique. A slug typed by the caller is checked like any
 * unique field (rules/validation.ts).
 */
export const slugFromTitle: WriteRule = {
  async prepare({ strapi, uid, data, merged, creating }) {
    if ((!creating && !('slug' in data)) || data.slug) return;
    const title = data.title ?? merged.title;
    if (title) data.slug = await uniqueSlug(strapi, uid, slugify(title), merged.documentId);
  },
};
