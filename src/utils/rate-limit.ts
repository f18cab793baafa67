import type { Context, Next } from 'koa';
import { tooManyRequests } from '../core/errors';
import { readEnv } from '../core/config';
import { hit, runningStrapi } from './rate-limit-store';

/**
 * A fixed-window limit per client IP for the public endpoints (pre-registration, newsletter
 * subscription...), counted in a store shared by every instance of the back-office (Redis or
 * PostgreSQL, see rate-limit-store.ts). Use as a route middleware:
 *   config: { auth: false, middlewares: [rateLimit({ name: 'registrations', max: 5, windowMs: 60_000 })] }
 * Answers 429 with a French message when exceeded. RATE_LIMIT_DISABLED=true turns it off (never in production).
 * The client IP is Koa's ctx.request.ip: behind a proxy, the X-Forwarded-For entry our proxies appended,
 * never one the client wrote (server.proxy.maxIpsCount from PROXY_HOPS in config/server.ts).
 */
export const rateLimit = ({ name, max, windowMs }: { name: string; max: number; windowMs: number }) => {
  return async (ctx: Context, next: Next) => {
    if (readEnv('RATE_LIMIT_DISABLED') && readEnv('NODE_ENV') !== 'production') return next();
    const { count, resetInMs } = await hit(runningStrapi(), { name, max, windowMs }, ctx.request.ip);
    if (count > max) {
      ctx.set('Retry-After', String(Math.max(1, Math.ceil(resetInMs / 1000))));
      throw tooManyRequests('Trop de demandes depuis cette adresse : réessayez dans quelques minutes.');
    }
    await next();
  };
};
