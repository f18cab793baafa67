import { DuplicateRegistrationError, registerFromWebsite } from '../../../back-office/missions/registration';

export default {
  /** POST /api/missions/:documentId/registrations → { status } only. */
  async create(ctx: any) {
    try {
      ctx.body = await registerFromWebsite(strapi, ctx.params.documentId, ctx.request.body);
      ctx.status = 201;
    } catch (e) {
      if (!(e instanceof DuplicateRegistrationError)) throw e;
      // answered here, in Strapi's error format: an expected refusal, not a server error to log
      ctx.status = 409;
      ctx.body = { data: null, error: { status: 409, name: 'ConflictError', message: e.message, details: { errors: [{ path: ['email'], message: e.message, name: 'ConflictError' }] } } };
    }
  },
};
