import { DateTime } from 'luxon';
import type { Strapi, Values } from '../types';
import { TZ } from '../../core/dates';
import { readEnv } from '../../core/config';
import { badRequest, conflict, messageOf } from '../../core/errors';
import { HelloAssoClient, HelloAssoError, isConfigured } from './client';
import { emptyCounts, importOrder, knownItems, loadContext, orderNeedsWork, type SyncCounts } from './importer';
import { itemKey } from './orders';
import { parseInstant } from './orders';
import type { SyncRun, SyncTrigger } from './contract';

/**
 * The synchronisation: every hour (cron), on demand (« Synchroniser ») and for a notification. Reads the
 * orders paid since the last synchronisation, minus an overlap of two days (an order paid late, a refund),
 * oldest first; each order in its own transaction. It stops at the first failure of HelloAsso (wrong
 * credentials, HelloAsso down, a page failing after the retries), keeps what it committed, records why in
 * French, and the next one starts again from the last order fully processed. Two never run together, even
 * on two instances: a run first writes its record, and gives way to an older run still going.
 */

export const SYNC = 'api::helloasso-sync.helloasso-sync';
export type Trigger = SyncTrigger;

const OVERLAP_DAYS = 2;
/** a run older than this without an end crashed (its process stopped): it no longer blocks */
const STALE_MS = 2 * 60 * 60 * 1000;

const now = () => new Date();

/** Where the next synchronisation starts: the furthest point already processed, minus the overlap. */
export const syncStart = async (strapi: Strapi) => {
  const last = await strapi.db.query(SYNC).findOne({
    where: { processedUntil: { $notNull: true } },
    orderBy: { processedUntil: 'desc' },
    select: ['processedUntil'],
  });
  const until = last?.processedUntil ? new Date(last.processedUntil) : null;
  if (until) return DateTime.fromJSDate(until).minus({ days: OVERLAP_DAYS }).toJSDate();
  const setting = readEnv('HELLOASSO_SYNC_FROM');
  if (setting) return DateTime.fromISO(setting, { zone: TZ }).toJSDate();
  return DateTime.now().setZone(TZ).minus({ years: 1 }).startOf('year').toJSDate();
};

/**
 * Takes the synchronisation lock: writes this run's record, then gives way (deletes it, returns null)
 * if an older run is still going. Two runs started together both see each other; the older one goes on.
 */
export const acquireRun = async (strapi: Strapi, trigger: Trigger, fromDate: Date | null, toDate: Date | null) => {
  const staleBefore = new Date(Date.now() - STALE_MS);
  await strapi.db.query(SYNC).updateMany({
    where: { state: 'running', startedAt: { $lt: staleBefore } },
    data: { state: 'failed', finishedAt: now(), messages: ['Synchronisation interrompue (serveur arrêté pendant la synchronisation).'] },
  });
  const run = await strapi.db.query(SYNC).create({ data: { trigger, state: 'running', startedAt: now(), fromDate, toDate, counts: emptyCounts(), messages: [] } });
  const older = await strapi.db.query(SYNC).count({ where: { state: 'running', id: { $lt: run.id }, startedAt: { $gte: staleBefore } } });
  if (older) {
    await strapi.db.query(SYNC).delete({ where: { id: run.id } });
    return null;
  }
  return run as Values;
};

const finishRun = (strapi: Strapi, run: Values, counts: SyncCounts, failed: boolean, processedUntil: Date | null) =>
  strapi.db.query(SYNC).update({
    where: { id: run.id },
    data: {
      state: failed ? 'failed' : 'done',
      finishedAt: now(),
      counts: { created: counts.created, updated: counts.updated, refunded: counts.refunded, toReview: counts.toReview },
      messages: counts.errors,
      processedUntil,
    },
  });

const ALREADY_RUNNING = 'Une synchronisation HelloAsso est déjà en cours : attendez qu’elle se termine (quelques minutes au plus), puis réessayez.';

/** Runs while holding the lock; 409 when another run holds it. */
export const withRun = async <T>(strapi: Strapi, trigger: Trigger, range: { from: Date | null; to: Date | null }, fn: (run: Values) => Promise<T>) => {
  const run = await acquireRun(strapi, trigger, range.from, range.to);
  if (!run) throw conflict(ALREADY_RUNNING);
  return fn(run);
};

/** A failure as the treasurer reads it (HelloAsso's own message, or a short French sentence). */
const failureMessage = (e: unknown) =>
  e instanceof HelloAssoError ? e.message : `Erreur pendant la synchronisation : ${messageOf(e)}. Ce qui a été importé avant est conservé ; la prochaine synchronisation reprendra.`;

/** One synchronisation of the orders since the last one. */
export const runSync = async (strapi: Strapi, trigger: Trigger, client = new HelloAssoClient(strapi)): Promise<SyncCounts> => {
  if (!isConfigured(client.settings)) {
    throw badRequest('HelloAsso n’est pas configuré : renseignez HELLOASSO_CLIENT_ID, HELLOASSO_CLIENT_SECRET et HELLOASSO_ORGANIZATION_SLUG (voir docs/helloasso.md).');
  }
  const from = await syncStart(strapi);
  const to = now();
  return withRun(strapi, trigger, { from, to }, async (run) => {
    const counts = emptyCounts();
    // the furthest point before which every order was imported: a failure stops it where it is
    let processedUntil: Date | null = null;
    let advancing = true;
    let failed = false;
    try {
      const ctx = await loadContext(strapi);
      for await (const page of client.orderPages(from, to)) {
        const known = await knownItems(strapi, page.flatMap((o) => (o.items ?? []).map(itemKey)));
        for (const order of page) {
          const ok = orderNeedsWork(order, known) ? await importOrder(ctx, order, counts) : true;
          if (!ok) advancing = false;
          if (advancing) processedUntil = parseInstant(order.date) ?? processedUntil;
        }
      }
      if (advancing) processedUntil = to;
    } catch (e) {
      failed = true;
      counts.errors.push(failureMessage(e));
      if (!(e instanceof HelloAssoError)) strapi.log.error(`HelloAsso : synchronisation interrompue (${messageOf(e)})`);
    }
    await finishRun(strapi, run, counts, failed, processedUntil);
    return counts;
  });
};

/** The hourly job: nothing when HelloAsso is not configured, silent when another run is going. */
export const scheduledSync = async (strapi: Strapi) => {
  if (!isConfigured()) return null;
  try {
    return await runSync(strapi, 'cron');
  } catch (e) {
    if (messageOf(e) !== ALREADY_RUNNING) strapi.log.error(`HelloAsso : synchronisation planifiée impossible (${messageOf(e)})`);
    return null;
  }
};

/** The last synchronisations, newest first, as the admin page shows them. */
export const lastSyncs = async (strapi: Strapi, limit = 10): Promise<SyncRun[]> => {
  const rows = await strapi.db.query(SYNC).findMany({ orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], limit });
  return rows.map((r: Values) => {
    const counts = { ...emptyCounts(), ...(r.counts ?? {}) };
    return {
      id: r.id as number,
      trigger: r.trigger as Trigger,
      startedAt: r.startedAt ? new Date(r.startedAt).toISOString() : null,
      finishedAt: r.finishedAt ? new Date(r.finishedAt).toISOString() : null,
      created: counts.created,
      updated: counts.updated,
      refunded: counts.refunded,
      toReview: counts.toReview,
      errors: (r.messages ?? []) as string[],
    };
  });
};
