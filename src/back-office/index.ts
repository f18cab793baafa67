import type { BackOfficeModule, Strapi } from './types';
import { ACTION_DEFINITIONS } from './permissions';
import rules from './rules';
import mail from './mail';
import settings from './settings';
import missions from './missions';
import exportsModule from './exports';
import reports from './reports';
import stats from './stats';
import access from './access';
import dues from './dues';
import newsletters from './newsletters';
import media from './media';
import backups from './backups';
import imports from './imports';

/**
 * Every back-office feature, in one list. To add one: create src/back-office/<feature>/index.ts
 * exporting a BackOfficeModule, and add it here.
 */
const modules: BackOfficeModule[] = [rules, mail, settings, dues, newsletters, media, access, stats, exportsModule, reports, missions, backups, imports];

export const registerBackOffice = (strapi: Strapi) => {
  strapi.admin.services.permission.actionProvider.registerMany(ACTION_DEFINITIONS as any);

  const routes = modules.flatMap((m) => m.routes ?? []);
  if (routes.length) {
    strapi.server.routes({
      type: 'admin',
      prefix: '/back-office',
      routes: routes.map((r) => ({
        method: r.method,
        path: r.path,
        handler: r.handler,
        config: {
          policies: [
            'admin::isAuthenticatedAdmin',
            ...(r.actions.length ? [{ name: 'admin::hasPermissions', config: { actions: r.actions } }] : []),
          ],
        },
      })),
    } as any);
  }

  for (const m of modules) m.register?.(strapi);
};

export const bootstrapBackOffice = async (strapi: Strapi) => {
  for (const m of modules) await m.bootstrap?.(strapi);

  if (strapi.config.get('server.cron.enabled', false)) strapi.cron.add(cronTasks(strapi));
};

/** The modules' jobs as Strapi cron tasks, in the association's timezone (scheduled unless CRON_ENABLED=false). */
export const cronTasks = (strapi: Strapi) => {
  const jobs = Object.assign({}, ...modules.map((m) => m.cron?.(strapi) ?? {}));
  return Object.fromEntries(
    Object.entries(jobs).map(([name, job]: [string, any]) => [name, { task: job.task, options: { rule: job.rule, tz: 'Europe/Paris' } }])
  );
};
