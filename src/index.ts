import type { Core } from '@strapi/strapi';
import { bootstrapBackOffice, registerBackOffice } from './back-office';
import { closeRateLimitStore } from './utils/rate-limit-store';
import { readEnv } from './core/config';
import { applyHeapPolicy } from './core/memory';

export default {
  /** Before the app boots: document-service rules, admin routes and RBAC actions. */
  register({ strapi }: { strapi: Core.Strapi }) {
    registerBackOffice(strapi);
  },

  /** Once the database is ready: roles, permissions, settings (all idempotent) and jobs. */
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await bootstrapBackOffice(strapi);
    // the memory policy of every process that runs the application (server, imports, scripts), once it has
    // loaded: the start-up's own allocations (most of them kept) under V8's default, faster policy
    applyHeapPolicy(readEnv('HEAP_GROWING_PERCENT'));
  },

  /** When the server stops: the connection to Redis (rate limits), if any. */
  async destroy() {
    await closeRateLimitStore();
  },
};
