import type { Context } from 'koa';
import type { Core, UID } from '@strapi/strapi';
/**
 * Several of our content types have a business field named `status` (participation, mission,
 * subsidy, newsletter, subscriber). Strapi's content manager takes `status` as the draft/published
 * dimension: it refuses any other value in a request body ("Invalid status") and blanks the field in
 * its answers for content types without draft & publish, so the admin panel could neither show nor
 * save it. For those content types, this middleware
 *   - takes the field out of the body before the content manager sees it (the rules module's
 *     document middleware, src/back-office/rules, puts it back into the written data);
 *   - puts the stored value back into the content manager's answers (edit view and list view).
 */
import { routePath } from '../utils/route-path';

// on the canonical path (any spelling the router accepts), uid already decoded
const CM_PATH = /^\/content-manager\/(?:collection-types|single-types)\/([^/]+)/;

export const FIELD_STATUS_STATE = 'assoFieldStatus';

const hasBusinessStatus = (model: { attributes?: Record<string, unknown>; options?: { draftAndPublish?: boolean } } | null) =>
  Boolean(model?.attributes?.status && !model.options?.draftAndPublish);

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Context, next: () => Promise<void>) => {
    const match = CM_PATH.exec(routePath(ctx.path));
    const uid = match ? match[1] : null;
    const model = uid ? strapi.contentTypes[uid as keyof typeof strapi.contentTypes] : null;
    if (!uid || !hasBusinessStatus(model)) return next();

    const body = ctx.request.body;
    if (['POST', 'PUT'].includes(ctx.method) && body && typeof body === 'object' && 'status' in body) {
      ctx.state[FIELD_STATUS_STATE] = { uid, value: body.status };
      delete body.status;
    }
    await next();

    // the content manager's answer: { data } for one document, { results } for a list
    const out = ctx.body as { data?: { documentId?: string }; results?: unknown } | null;
    if (!out || typeof out !== 'object') return;
    const docs: Array<{ documentId?: string; status?: unknown }> = out.data?.documentId
      ? [out.data]
      : Array.isArray(out.results)
        ? out.results
        : [];
    const ids = docs.map((d) => d?.documentId).filter(Boolean);
    if (!ids.length) return;
    const rows = await strapi.db
      .query(uid as UID.Schema)
      .findMany({ where: { documentId: { $in: ids } }, select: ['documentId', 'status'] });
    const byId = new Map(rows.map((r) => [r.documentId, r.status]));
    for (const d of docs) if (byId.has(d.documentId)) d.status = byId.get(d.documentId);
  };
