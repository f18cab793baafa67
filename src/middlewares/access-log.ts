import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
/**
 * `global::access-log`, in place of `strapi::logger`: the same line per request
 * ("GET /api/articles (12 ms) 200", at the `http` level), with the secrets a URL can carry masked
 * (`***`), so that the log never holds a credential:
 *   - the bureau's private iCal feed, /api/calendar/private/<token>.ics (the router matches the
 *     static part of the path literally, case aside, so every spelling that reaches the feed is masked);
 *   - tokens in a query string: newsletter confirmation and unsubscription links (`token`), the admin
 *     panel's invitation and password reset pages (`registrationToken`, `code`), sign-in callbacks.
 */
const SECRET_PATH = /(\/calendar\/private\/)[^?#]*/gi;
const SECRET_QUERY = /([?&](?:token|code|registrationToken|resetPasswordToken|confirmation|access_token|id_token|refresh_token)=)[^&#]*/gi;

export const maskUrl = (url: string) =>
  String(url ?? '')
    .replace(SECRET_PATH, '$1***')
    .replace(SECRET_QUERY, '$1***');

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Context, next: () => Promise<void>) => {
    const start = Date.now();
    await next();
    const delta = Math.ceil(Date.now() - start);
    strapi.log.http(`${ctx.method} ${maskUrl(ctx.url)} (${delta} ms) ${ctx.status}`);
  };
