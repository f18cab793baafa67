import { Stores } from 'koa2-ratelimit';
import { hit, runningStrapi } from './rate-limit-store';

/**
 * The store of Strapi's own limiters (koa2-ratelimit): the admin login (config/admin.ts
 * `rateLimit.store`), the admin « mot de passe oublié » (config/plugins.ts, email `ratelimit.store`) and
 * the users-permissions sign-in routes (users-permissions `ratelimit.store`). Strapi keeps its rule
 * (`max` attempts per `interval` for one e-mail address from one IP, 429 beyond) and counts in the
 * store the public forms use (rate-limit-store.ts: Redis or PostgreSQL), so that every instance of the
 * back-office sees the attempts made on the others. Without it, koa2-ratelimit counts in each
 * process's memory.
 *
 * koa2-ratelimit refuses a store that does not extend its own Store class: the project depends on the
 * version @strapi/admin uses (one copy in node_modules).
 */
interface KoaRateLimitOptions {
  /** milliseconds (koa2-ratelimit converts { min: 5 }) */
  interval: number;
  max: number;
}

class SharedLimiterStore extends Stores.Store {
  constructor(private readonly name: string) {
    super();
  }

  async incr(key: string, options: KoaRateLimitOptions) {
    // the Strapi instance is read at request time: the config file is loaded before it exists
    const { count, resetInMs } = await hit(runningStrapi(), { name: this.name, max: options.max, windowMs: options.interval }, key);
    return { counter: count, dateEnd: Date.now() + resetInMs };
  }

  /** only with koa2-ratelimit's skipFailedRequests, which Strapi does not set */
  decrement() {}

  saveAbuse() {}
}

/** A store for one of Strapi's limiters; `name` keeps its counts apart from the others'. */
export const strapiLimiterStore = (name: string) => new SharedLimiterStore(name);
