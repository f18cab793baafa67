import type { Core } from '@strapi/strapi';

export type Strapi = Core.Strapi;

/** An admin route mounted under /back-office, guarded by admin authentication and RBAC actions. */
export interface BackOfficeRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** RBAC action ids (see permissions.ts); the admin needs all of them. */
  actions: string[];
  handler: (ctx: any) => Promise<void> | void;
}

export interface CronJob {
  /** cron rule, in the association's timezone (Europe/Paris) */
  rule: string;
  task: (args: { strapi: Strapi }) => Promise<unknown> | unknown;
}

/**
 * One feature of the back-office (dues, exports, stats...). src/back-office/index.ts lists them;
 * each declares its admin routes, its jobs and its register/bootstrap hooks in its own folder.
 */
export interface BackOfficeModule {
  name: string;
  routes?: BackOfficeRoute[];
  /** cron jobs by name; not scheduled when server.cron.enabled is false (CRON_ENABLED=false) */
  cron?: (strapi: Strapi) => Record<string, CronJob>;
  register?: (strapi: Strapi) => void;
  bootstrap?: (strapi: Strapi) => Promise<void> | void;
}
