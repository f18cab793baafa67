import type { Context, Next } from 'koa';
import type { Strapi } from '../types';
import { badRequest, messageOf } from '../../core/errors';
import { routePath } from '../../utils/route-path';

/**
 * A file over the body parser's limit is refused before any route runs, in English. For the POST
 * routes matched by `path` (file uploads of our own: imports, bank statements), the same French 400 as
 * a file over the route's own limit, naming the file; nothing is written.
 */
export const refuseTooLargeFile = (strapi: Strapi, path: RegExp, message: () => string) => {
  strapi.server.use(async (ctx: Context, next: Next) => {
    if (ctx.method !== 'POST' || !path.test(routePath(ctx.path))) return next();
    try {
      await next();
    } catch (e) {
      if (!/maxFileSize|exceeded|too large|FileTooBig/i.test(messageOf(e))) throw e;
      const refusal = badRequest(message(), 'file');
      ctx.status = 400;
      ctx.body = { data: null, error: { status: 400, name: refusal.name, message: refusal.message, details: refusal.details } };
    }
  });
};
