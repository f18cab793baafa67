import type { Context } from 'koa';
import { factories } from '@strapi/strapi';
import { confirmSubscription, requestSubscription, SUBSCRIBE_ANSWER, unsubscribe } from '../../../back-office/newsletters/subscriptions';
import { verifyToken } from '../../../back-office/newsletters/tokens';
import {
  confirmedPage,
  invalidLinkPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
  usedConfirmationLinkPage,
} from '../../../back-office/newsletters/pages';

const html = (ctx: Context, status: number, body: string) => {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = body;
};

/** Public subscription endpoints (routes/01-public.ts); the rules live in back-office/newsletters. */
export default factories.createCoreController('api::subscriber.subscriber', ({ strapi }) => ({
  async subscribe(ctx: Context) {
    const body = ctx.request.body ?? {};
    await requestSubscription(strapi, body.data ?? body);
    ctx.status = 202;
    ctx.body = { message: SUBSCRIBE_ANSWER };
  },

  /** A link already used, replaced by a newer one or cancelled by an unsubscribe gets one neutral page. */
  async confirm(ctx: Context) {
    const outcome = await confirmSubscription(strapi, ctx.query.token);
    if (outcome === 'confirmed') html(ctx, 200, confirmedPage());
    else if (outcome === 'used') html(ctx, 200, usedConfirmationLinkPage());
    else html(ctx, 400, invalidLinkPage());
  },

  /** GET never unsubscribes (mail scanners follow links): it asks for a click. */
  async unsubscribePage(ctx: Context) {
    const email = verifyToken(strapi, 'unsubscribe', ctx.query.token);
    if (email) html(ctx, 200, unsubscribeConfirmPage(email, String(ctx.query.token)));
    else html(ctx, 400, invalidLinkPage());
  },

  /** POST: the page's button, or the mail client's one-click (RFC 8058, List-Unsubscribe-Post). */
  async unsubscribe(ctx: Context) {
    const email = await unsubscribe(strapi, ctx.query.token ?? ctx.request.body?.token);
    if (email) html(ctx, 200, unsubscribedPage(email));
    else html(ctx, 400, invalidLinkPage());
  },
}));
