import type { BackOfficeModule, CronJob, Strapi } from './types';
import { ACTION_DEFINITIONS } from '../contract/permissions';
import { writePipeline } from './rules';
import members from './members';
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
import donations from './donations';
import subsidies from './subsidies';
import articles from './articles';
import receipts from './receipts';
import imports from './imports';
import books from './books';
import expenseClaims from './expense-claims';
import reconciliation from './books/reconciliation';
import helloasso from './helloasso';
import scheduling, { scheduledTasks } from './scheduling';

/**
 * Every back-office feature, in one list. To add one: create src/back-office/<feature>/index.ts
 * exporting a BackOfficeModule, and add it here. Write rules of one content type run in this order.
 */
export const modules: BackOfficeModule[] = [
  scheduling,
  mail,
  settings,
  members,
  dues,
  donations,
  subsidies,
  articles,
  newsletters,
  media,
  access,
  stats,
  exportsModule,
  reports,
  missions,
  backups,
  receipts,
  imports,
  books,
  expenseClaims,
  reconciliation,
  helloasso,
];

export const registerBackOffice = (strapi: Strapi) => {
  strapi.admin.services.permission.actionProvider.registerMany(ACTION_DEFINITIONS);
  // every write, whatever its path, through the modules' write rules (first: outermost document middleware)
  strapi.documents.use(writePipeline(strapi, modules));

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
      // Strapi's Route type also requires `info`, which Strapi fills in for routes mounted this way
    } as unknown as Parameters<Strapi['server']['routes']>[0]);
  }

  for (const m of modules) m.register?.(strapi);
};

export const bootstrapBackOffice = async (strapi: Strapi) => {
  for (const m of modules) await m.bootstrap?.(strapi);

  if (strapi.config.get('server.cron.enabled', false)) strapi.cron.add(cronTasks(strapi));
};

/**
 * The modules' jobs as Strapi cron tasks, in the association's timezone (scheduled unless CRON_ENABLED=false),
 * each run once across instances (scheduling/runner.ts).
 */
export const cronTasks = (strapi: Strapi) => {
  const jobs: Record<string, CronJob> = Object.assign({}, ...modules.map((m) => m.cron?.(strapi) ?? {}));
  return scheduledTasks(strapi, jobs);
};
