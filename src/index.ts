import type { Core } from '@strapi/strapi';
import { bootstrapBackOffice, registerBackOffice } from './back-office';
import { closeRateLimitStore } from './utils/rate-limit-store';

export default {
  /** Before the app boots: document-service rules, admin routes and RBAC actions. */
  register({ strapi }: { strapi: Core.Strapi }) {
    registerBackOffice(strapi);
  },

  /** Once the database is ready: roles, permissions, settings (all idempotent) and jobs. */
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await bootstrapBackOffice(strapi);
  },

  /** When the server stops: the connection to Redis (rate limits), if any. */
  async destroy() {
    await closeRateLimitStore();
  },
};
