import { DateTime } from 'luxon';
import type { Strapi, Values } from '../types';
import { TZ } from '../../core/dates';
import { readEnv } from '../../core/config';
import { badRequest, conflict, messageOf } from '../../core/errors';
import { HelloAssoClient, HelloAssoError, isConfigured } from './client';
import {
  FORM,
  ITEM,
  emptyCounts,
  importOrder,
  knownItems,
  loadContext,
  loadMappings,
  orderNeedsWork,
  refundItems,
  unrefundedItems,
  type ImportContext,
  type SyncCounts,
} from './importer';
import { itemKey, parseInstant, type HaOrder } from './orders';
import type { SyncRun, SyncTrigger } from './contract';

/**
 * The synchronisation: every hour (cron), on demand (« Synchroniser ») and for a notification. Reads the
 * orders paid since the last synchronisation, minus an overlap of two days (an order paid late, a refund),
 * oldest first; each order in its own transaction. Then the past orders of the forms mapped late, and the
 * refunds of older orders (HelloAsso's refunded payments), whose notification may have been lost. It stops
 * at the first failure of HelloAsso (wrong credentials, HelloAsso down, a page failing after the retries),
 * keeps what it committed, records why in French, and the next one starts again from the last order fully
 * processed. Two never run together, even
 * on two instances: a run first writes its record, and gives way to an older run still going.
 */

export const SYNC = 'api::helloasso-sync.helloasso-sync';
export type Trigger = SyncTrigger;

const OVERLAP_DAYS = 2;
/** a run older than this without an end crashed (its process stopped): it no longer blocks */
const STALE_MS = 2 * 60 * 60 * 1000;

const now = () => new Date();

/** How far back refunds are looked for among HelloAsso's payments (orders older than the sync's overlap). */
const REFUNDS_MONTHS = 12;

/** Where the very first synchronisation starts (and a form mapped late is read from): HELLOASSO_SYNC_FROM, else 1 January of last year. */
export const firstStart = () => {
  const setting = readEnv('HELLOASSO_SYNC_FROM');
  if (setting) return DateTime.fromISO(setting, { zone: TZ }).toJSDate();
  return DateTime.now().setZone(TZ).minus({ years: 1 }).startOf('year').toJSDate();
};

/** Where the next synchronisation starts: the furthest point already processed, minus the overlap. */
export const syncStart = async (strapi: Strapi) => {
  const last = await strapi.db.query(SYNC).findOne({
    where: { processedUntil: { $notNull: true } },
    orderBy: { processedUntil: 'desc' },
    select: ['processedUntil'],
  });
  const until = last?.processedUntil ? new Date(last.processedUntil) : null;
  if (until) return DateTime.fromJSDate(until).minus({ days: OVERLAP_DAYS }).toJSDate();
  return firstStart();
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
  const run = await strapi.db
    .query(SYNC)
    .create({ data: { trigger, state: 'running', startedAt: now(), fromDate, toDate, counts: emptyCounts(), messages: [] } });
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

const ALREADY_RUNNING =
  'Une synchronisation HelloAsso est déjà en cours : attendez qu’elle se termine (quelques minutes au plus), puis réessayez.';

/** Runs while holding the lock; 409 when another run holds it. */
export const withRun = async <T>(
  strapi: Strapi,
  trigger: Trigger,
  range: { from: Date | null; to: Date | null },
  fn: (run: Values) => Promise<T>
) => {
  const run = await acquireRun(strapi, trigger, range.from, range.to);
  if (!run) throw conflict(ALREADY_RUNNING);
  return fn(run);
};

/** A failure as the treasurer reads it (HelloAsso's own message, or a short French sentence). */
const failureMessage = (e: unknown) =>
  e instanceof HelloAssoError
    ? e.message
    : `Erreur pendant la synchronisation : ${messageOf(e)}. Ce qui a été importé avant est conservé ; la prochaine synchronisation reprendra.`;

/** Imports the orders of these pages that have something to do; false when one of them failed. */
const importPages = async (
  ctx: ImportContext,
  pages: AsyncIterable<HaOrder[]>,
  counts: SyncCounts,
  onOrder?: (order: HaOrder, ok: boolean) => void
) => {
  let allOk = true;
  for await (const page of pages) {
    const known = await knownItems(
      ctx.strapi,
      page.flatMap((o) => (o.items ?? []).map(itemKey))
    );
    for (const order of page) {
      const ok = orderNeedsWork(order, known) ? await importOrder(ctx, order, counts) : true;
      if (!ok) allOk = false;
      onOrder?.(order, ok);
    }
  }
  return allOk;
};

/**
 * The forms mapped after their orders (« à reprendre », set by mapForm): each one's orders read from the
 * start, imported like any order (what is already imported is skipped), then the flag cleared. A form
 * with an order that failed keeps its flag: the next synchronisation reads it again.
 */
const catchUpForms = async (ctx: ImportContext, client: HelloAssoClient, to: Date, counts: SyncCounts) => {
  const { strapi } = ctx;
  const forms = (await strapi.db
    .query(FORM)
    .findMany({ where: { pastOrdersPending: true }, select: ['id', 'formType', 'formSlug', 'kind', 'updatedAt'] })) as Values[];
  if (!forms.length) return;
  // the mappings as they are now (one may have been saved while this synchronisation was running)
  ctx.mappings = await loadMappings(strapi);
  for (const form of forms) {
    if (form.kind === 'ignored') continue;
    // what was set aside while the form was ignored is imported this time
    await strapi.db.query(ITEM).deleteMany({ where: { formType: form.formType, formSlug: form.formSlug, state: 'ignored' } });
    const ok = await importPages(ctx, client.formOrderPages(form.formType, form.formSlug, firstStart(), to), counts);
    // cleared unless the mapping was saved again meanwhile (then read again next time)
    if (ok)
      await strapi.db.query(FORM).updateMany({ where: { id: form.id, updatedAt: form.updatedAt }, data: { pastOrdersPending: false } });
  }
};

/**
 * The refunds of orders older than the overlap, whose notification may have been lost: HelloAsso's
 * payments refunded (or being refunded) over the last twelve months, and every item they pay that is
 * imported (or waiting for review) marked refunded, by the same rule as an order read again.
 */
const catchUpRefunds = async (ctx: ImportContext, client: HelloAssoClient, counts: SyncCounts) => {
  const since = DateTime.now().minus({ months: REFUNDS_MONTHS }).toJSDate();
  for await (const page of client.refundedPaymentPages(since)) {
    const keys = await unrefundedItems(ctx.strapi, page);
    if (keys.length) await refundItems(ctx, keys, counts);
  }
};

/** One synchronisation of the orders since the last one, of the forms mapped late, and of the refunds of older orders. */
export const runSync = async (strapi: Strapi, trigger: Trigger, client = new HelloAssoClient(strapi)): Promise<SyncCounts> => {
  if (!isConfigured(client.settings)) {
    throw badRequest(
      'HelloAsso n’est pas configuré : renseignez HELLOASSO_CLIENT_ID, HELLOASSO_CLIENT_SECRET et HELLOASSO_ORGANIZATION_SLUG (voir docs/helloasso.md).'
    );
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
      await importPages(ctx, client.orderPages(from, to), counts, (order, ok) => {
        if (!ok) advancing = false;
        if (advancing) processedUntil = parseInstant(order.date) ?? processedUntil;
      });
      if (advancing) processedUntil = to;
      await catchUpForms(ctx, client, to, counts);
      await catchUpRefunds(ctx, client, counts);
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
