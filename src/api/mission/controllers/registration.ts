import { DuplicateRegistrationError, registerFromWebsite } from '../../../back-office/missions/registration';

export default {
  /** POST /api/missions/:documentId/registrations → { status } only. */
  async create(ctx: any) {
    try {
      ctx.body = await registerFromWebsite(strapi, ctx.params.documentId, ctx.request.body);
      ctx.status = 201;
    } catch (e) {
      if (e instanceof DuplicateRegistrationError) return ctx.throw(409, e.message);
      throw e;
    }
  },
};
