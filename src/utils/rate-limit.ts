import type { Context, Next } from 'koa';
import { tooManyRequests } from '../core/errors';
import { readEnv } from '../core/config';

/**
 * A fixed-window limit per client IP, in memory (one server process), for the public endpoints
 * (pre-registration, newsletter subscription...). Use as a route middleware:
 *   config: { auth: false, middlewares: [rateLimit({ name: 'registrations', max: 5, windowMs: 60_000 })] }
 * Answers 429 with a French message when exceeded. RATE_LIMIT_DISABLED=true turns it off (never in production).
 * The client IP is Koa's ctx.request.ip: behind a proxy, the X-Forwarded-For entry our proxies appended,
 * never one the client wrote (server.proxy.maxIpsCount from PROXY_HOPS in config/server.ts).
 */
export const rateLimit = ({ name, max, windowMs }: { name: string; max: number; windowMs: number }) => {
  const hits = new Map<string, { count: number; resetAt: number }>();
  return async (ctx: Context, next: Next) => {
    if (readEnv('RATE_LIMIT_DISABLED') && readEnv('NODE_ENV') !== 'production') return next();
    const now = Date.now();
    const key = `${name}:${ctx.request.ip}`;
    let entry = hits.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + windowMs };
      hits.set(key, entry);
    }
    entry.count += 1;
    if (hits.size > 10_000) for (const [k, v] of hits) if (v.resetAt <= now) hits.delete(k);
    if (entry.count > max) {
      ctx.set('Retry-After', String(Math.ceil((entry.resetAt - now) / 1000)));
      throw tooManyRequests('Trop de demandes depuis cette adresse : réessayez dans quelques minutes.');
    }
    await next();
  };
};
