import crypto from 'crypto';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Core } from '@strapi/strapi';
import { readEnv } from '../core/config';

/**
 * Where the rate limits count (rate-limiter-flexible), so that several instances of the back-office
 * behind a load balancer share one count per visitor:
 *   - Redis when REDIS_URL is set;
 *   - else PostgreSQL when the database is PostgreSQL: the table back_office_rate_limits, one row per
 *     key, incremented by one atomic upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING) that starts a
 *     new window once the previous one has expired;
 *   - else (SQLite: one instance only) this process's memory.
 * If Redis or PostgreSQL fails, the count goes on in memory (rate-limiter-flexible's insurance
 * limiter) rather than refusing or letting everybody through.
 */
export interface Limit {
  /** the limit's name, shared by every instance: part of the key */
  name: string;
  max: number;
  windowMs: number;
}

export interface Hit {
  /** requests counted in the current window, this one included */
  count: number;
  /** milliseconds until the window ends */
  resetInMs: number;
}

export type StoreKind = 'redis' | 'postgres' | 'memory';

const TABLE = 'back_office_rate_limits';

let redis: Redis | null = null;
/** the limiters of each running Strapi (a test process boots several, one after the other) */
let limiters = new WeakMap<object, Map<string, Promise<RateLimiterAbstract>>>();
const NO_STRAPI = {};

/** The Strapi of this process (global, as Strapi sets it); none in a test of the store alone. */
export const runningStrapi = () => (globalThis as { strapi?: Core.Strapi }).strapi;

/** The store the limits of this process use. */
export const storeKind = (strapi: Core.Strapi | undefined): StoreKind =>
  readEnv('REDIS_URL') ? 'redis' : strapi?.db?.dialect.client === 'postgres' ? 'postgres' : 'memory';

const redisClient = () => {
  // commands wait while the connection opens; a Redis down fails the command fast (insurance limiter)
  redis ??= new Redis(readEnv('REDIS_URL')!, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  return redis;
};

const postgresLimiter = (
  strapi: Core.Strapi,
  options: { keyPrefix: string; points: number; duration: number; insuranceLimiter: RateLimiterMemory }
) =>
  new Promise<RateLimiterAbstract>((resolve, reject) => {
    const schema = strapi.db.connection.client.connectionSettings?.schema as string | undefined;
    // creates the table if needed (two instances at once included), then resolves
    const limiter: RateLimiterPostgres = new RateLimiterPostgres(
      { ...options, storeClient: strapi.db.connection, storeType: 'knex', tableName: TABLE, schemaName: schema },
      (error?: Error) => (error ? reject(error) : resolve(limiter))
    );
  });

const createLimiter = async (strapi: Core.Strapi | undefined, { name, max, windowMs }: Limit): Promise<RateLimiterAbstract> => {
  const options = { keyPrefix: `asso-rl:${name}`, points: max, duration: Math.max(1, Math.ceil(windowMs / 1000)) };
  const insuranceLimiter = new RateLimiterMemory(options);
  const kind = storeKind(strapi);
  if (kind === 'redis') return new RateLimiterRedis({ ...options, storeClient: redisClient(), insuranceLimiter });
  if (kind === 'postgres') return postgresLimiter(strapi!, { ...options, insuranceLimiter });
  return insuranceLimiter;
};

const limiterOf = (strapi: Core.Strapi | undefined, limit: Limit) => {
  const owner = strapi ?? NO_STRAPI;
  const mine = limiters.get(owner) ?? new Map<string, Promise<RateLimiterAbstract>>();
  limiters.set(owner, mine);
  const id = `${limit.name}:${limit.max}:${limit.windowMs}`;
  let limiter = mine.get(id);
  if (!limiter) {
    limiter = createLimiter(strapi, limit);
    mine.set(id, limiter);
    // a store that could not be set up (table not created): tried again at the next request
    limiter.catch(() => mine.delete(id));
  }
  return limiter;
};

/** Keys stay short whatever the client sends (an e-mail address of any length). */
const storeKey = (key: string) => (key.length <= 120 ? key : crypto.createHash('sha256').update(key).digest('hex'));

/** Counts one request of `key` against `limit`, in the shared store. */
export const hit = async (strapi: Core.Strapi | undefined, limit: Limit, key: string): Promise<Hit> => {
  const limiter = await limiterOf(strapi, limit);
  let res: RateLimiterRes;
  try {
    res = await limiter.consume(storeKey(key));
  } catch (e) {
    // over the limit: rate-limiter-flexible rejects with the count
    if (!(e instanceof RateLimiterRes)) throw e;
    res = e;
  }
  return { count: res.consumedPoints, resetInMs: Math.max(0, res.msBeforeNext) };
};

/** Closes the Redis connection and forgets the limiters (when Strapi stops). */
export const closeRateLimitStore = async () => {
  limiters = new WeakMap();
  const client = redis;
  redis = null;
  if (client) await client.quit().catch(() => client.disconnect());
};
