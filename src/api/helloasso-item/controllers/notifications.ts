import type { Context } from 'koa';
import { handleNotification } from '../../../back-office/helloasso/notifications';

export default {
  /** POST /api/helloasso/notifications → 200 whatever the notification names (only a hint: the order is read from HelloAsso). */
  async receive(ctx: Context) {
    try {
      await handleNotification(strapi, (ctx.request as { body?: Record<string, unknown> }).body ?? null);
    } catch {
      strapi.log.warn('HelloAsso : notification non traitée (erreur interne) ; la synchronisation horaire la rattrapera.');
    }
    ctx.body = { received: true };
    ctx.status = 200;
  },
};
