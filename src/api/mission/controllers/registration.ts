import type { Context } from 'koa';
import { registerFromWebsite } from '../../../back-office/missions/registration';

export default {
  /** POST /api/missions/:documentId/registrations → 202, the same answer whoever is registered (the outcome goes by e-mail). */
  async create(ctx: Context) {
    ctx.body = { data: await registerFromWebsite(strapi, ctx.params.documentId, ctx.request.body) };
    ctx.status = 202;
  },
};
