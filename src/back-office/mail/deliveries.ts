import type { UID } from '@strapi/strapi';
import type { DocumentData, Strapi } from '../types';
import { Mail, sendMail } from './index';
import { column, knex, link, metaOf, table } from '../sql';
import { readEnv } from '../../core/config';

/**
 * Mail sent to many people, one record per recipient (newsletters, messages to a mission's
 * volunteers, tax receipts): pending, sent or failed. The records make a send resumable and
 * guarantee that nobody gets the same mail twice, even with two sends at the same moment or two
 * server processes:
 *   - one record per mail and recipient (unique `deliveryKey`, enforced by the database);
 *   - a record is claimed by one conditional write before its mail leaves: whoever loses the claim
 *     does not send;
 *   - a record claimed but never confirmed (the process stopped while the SMTP server had the mail)
 *     is marked failed and never sent again: it may have been delivered.
 *
 * A delivery content type has the fields deliveryKey, email, firstName, lastName, status
 * (pending/sent/failed), attemptedAt, sentAt, attempts, error, and what makes a series: a relation
 * to what is sent (a newsletter, a message) or plain fields (the receipts of a year).
 */
export type DeliverySeries =
  | {
      /** content type of the per-recipient records */
      uid: string;
      /** relation from a record to what is sent (its newsletter, its message) */
      parentField: string;
      /** id and documentId of what is sent */
      parentId: number;
      parentDocumentId: string;
    }
  | {
      uid: string;
      /** the fields every record of the series carries, e.g. `{ year: 2026 }` for the receipts of a year */
      scope: Record<string, string | number>;
    };

export interface DeliveryRecipient {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  /** what makes the record unique in its series (default: the address), e.g. `receipt-12` for the receipt it carries */
  key?: string;
  /** more fields of the record, e.g. the relation to the receipt it carries */
  data?: Record<string, unknown>;
}

/** A delivery record, as the sending reads it (the fields every delivery content type has). */
export interface Delivery {
  id: number;
  documentId: string;
  deliveryKey: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  status: 'pending' | 'sent' | 'failed';
  attempts?: number | null;
}

/** The text of what was thrown, as kept on a failed record (its message, or the value itself). */
const errorText = (e: unknown) => String((e as { message?: unknown } | null | undefined)?.message ?? e).slice(0, 1000);

export const INTERRUPTED = 'Envoi interrompu pendant la remise au serveur : non renvoyé, pour ne jamais envoyer deux fois.';

/** Stop a run after this many refusals in a row: the SMTP server is down, resume later. */
const MAX_CONSECUTIVE_FAILURES = 3;

/** The pace of bulk mail (NEWSLETTER_RATE_PER_MINUTE, NEWSLETTER_BATCH_SIZE): what the SMTP server accepts. */
export const bulkMailPace = () => ({
  ratePerMinute: readEnv('NEWSLETTER_RATE_PER_MINUTE'),
  batchSize: readEnv('NEWSLETTER_BATCH_SIZE'),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One record per mail and recipient: `<id of what is sent>:<address>`, or `<scope values>:<recipient key>`. */
export const deliveryKey = (series: DeliverySeries, recipient: DeliveryRecipient) =>
  `${'scope' in series ? Object.values(series.scope).join(':') : series.parentId}:${recipient.key ?? recipient.email}`;

/** The filter of a series' records. */
const ofSeries = (series: DeliverySeries): Record<string, unknown> =>
  'scope' in series ? { ...series.scope } : { [series.parentField]: { id: series.parentId } };

/** The fields a new record of the series starts with. */
const seriesData = (series: DeliverySeries): Record<string, unknown> =>
  'scope' in series ? { ...series.scope } : { [series.parentField]: series.parentDocumentId };

/** A unique index on one field, created at boot (Strapi's `unique` is only checked before writing, not by the database). */
export const ensureUniqueIndex = async (strapi: Strapi, uid: string, field: string) => {
  const t = table(strapi, uid);
  const column = metaOf(strapi, uid).attributes[field].columnName ?? field;
  await strapi.db.connection.raw(`CREATE UNIQUE INDEX IF NOT EXISTS ${t}_${column}_uq ON ${t} (${column})`);
};

/** The unique index that keeps one record per mail and address. */
export const ensureDeliveryIndex = (strapi: Strapi, uid: string) => ensureUniqueIndex(strapi, uid, 'deliveryKey');

/** Records for the recipients who have none yet (a first send, a send interrupted while preparing, new recipients). */
export const addDeliveries = async (strapi: Strapi, series: DeliverySeries, recipients: DeliveryRecipient[]) => {
  const existing = new Set(
    (
      (await strapi.db.query(series.uid as UID.Schema).findMany({ where: ofSeries(series), select: ['deliveryKey'] })) as Array<
        Pick<Delivery, 'deliveryKey'>
      >
    ).map((d) => d.deliveryKey)
  );
  let added = 0;
  for (const r of recipients) {
    const key = deliveryKey(series, r);
    if (existing.has(key)) continue;
    try {
      await strapi.documents(series.uid as UID.ContentType).create({
        data: {
          ...seriesData(series),
          ...r.data,
          deliveryKey: key,
          email: r.email,
          firstName: r.firstName ?? null,
          lastName: r.lastName ?? null,
        } as DocumentData,
      });
      added += 1;
    } catch (e: unknown) {
      // another run created it in the meantime: the unique index keeps one record per address
      if (!(await strapi.db.query(series.uid as UID.Schema).findOne({ where: { deliveryKey: key }, select: ['id'] }))) throw e;
    }
  }
  return added;
};

/**
 * Records claimed but never confirmed: the process stopped while the SMTP server had the mail.
 * It may have been delivered, so it is marked failed and not sent again.
 */
export const markInterrupted = async (strapi: Strapi, series: DeliverySeries) => {
  const interrupted: Array<Pick<Delivery, 'id'>> = await strapi.db.query(series.uid as UID.Schema).findMany({
    where: { ...ofSeries(series), status: 'pending', attemptedAt: { $notNull: true } },
    select: ['id'],
  });
  if (!interrupted.length) return;
  // still pending: one that another process has meanwhile confirmed keeps its "sent"
  await strapi.db.query(series.uid as UID.Schema).updateMany({
    where: { id: { $in: interrupted.map((d) => d.id) }, status: 'pending' },
    data: { status: 'failed', error: INTERRUPTED },
  });
};

/** Recipients, sent and failed, counted in SQL. */
export const countDeliveries = async (strapi: Strapi, series: DeliverySeries) => {
  let query = knex(strapi)(`${table(strapi, series.uid)} as d`);
  if ('scope' in series) {
    for (const [field, value] of Object.entries(series.scope)) query = query.where(`d.${column(strapi, series.uid, field)}`, value);
  } else {
    const lnk = link(strapi, series.uid, series.parentField);
    query = query.join(`${lnk.table} as l`, `l.${lnk.from}`, 'd.id').where(`l.${lnk.to}`, series.parentId);
  }
  const rows: Array<{ status: string; n: number | string }> = await query.select('d.status').count({ n: '*' }).groupBy('d.status');
  const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return {
    recipientsCount: rows.reduce((sum: number, r) => sum + Number(r.n), 0),
    sentCount: count('sent'),
    failedCount: count('failed'),
  };
};

export interface SendOptions {
  /** the mail of one record */
  mailFor: (delivery: Delivery) => Mail | Promise<Mail>;
  /** addresses that must not be written to any more: their records are removed, nothing is sent */
  suppressed?: () => Promise<Set<string>>;
  /** among a batch, the ids of the records not to send any more (e.g. a receipt cancelled meanwhile): removed, nothing is sent */
  withdrawn?: (batch: Delivery[]) => Promise<Set<number>>;
  /** after a record's mail is confirmed sent (e.g. to date what it carried) */
  afterSent?: (delivery: Delivery) => Promise<unknown>;
  /** after each batch (e.g. to show the counts while sending) */
  afterBatch?: () => Promise<unknown>;
}

/**
 * Sends the records still to send (pending, or refused by the SMTP server), in batches paced by
 * bulkMailPace(). Each record is claimed before its mail leaves, so two runs never send the same one.
 * Stops after a few refusals in a row (the server is down): calling it again resumes.
 */
export const sendDeliveries = async (strapi: Strapi, series: DeliverySeries, options: SendOptions) => {
  const { ratePerMinute, batchSize } = bulkMailPace();
  const interval = 60_000 / ratePerMinute;
  const records = strapi.db.query(series.uid as UID.Schema);
  let lastId = 0;
  let consecutiveFailures = 0;
  let next = Date.now();
  while (consecutiveFailures < MAX_CONSECUTIVE_FAILURES) {
    const batch: Delivery[] = await records.findMany({
      where: { ...ofSeries(series), id: { $gt: lastId }, status: { $in: ['pending', 'failed'] }, attemptedAt: { $null: true } },
      orderBy: { id: 'asc' },
      limit: batchSize,
    });
    if (!batch.length) break;
    const suppressed = (await options.suppressed?.()) ?? new Set<string>();
    const withdrawn = (await options.withdrawn?.(batch)) ?? new Set<number>();
    for (const d of batch) {
      lastId = d.id;
      if (suppressed.has(d.email) || withdrawn.has(d.id)) {
        await records.delete({ where: { id: d.id } });
        continue;
      }
      await sleep(Math.max(0, next - Date.now()));
      next = Date.now() + interval;
      // Claim the record in one conditional write: if another run (a second click, another
      // process) has claimed it since the batch was read, it is theirs and is not sent again.
      const claim = await records.updateMany({
        where: { id: d.id, status: { $in: ['pending', 'failed'] }, attemptedAt: { $null: true } },
        data: { attemptedAt: new Date(), attempts: (d.attempts ?? 0) + 1 },
      });
      if (claim.count !== 1) continue;
      let mail: Mail;
      try {
        mail = await options.mailFor(d);
      } catch (e: unknown) {
        // the mail could not be prepared (nothing left for the server): released for the next send
        await records.update({ where: { id: d.id }, data: { status: 'failed', attemptedAt: null, error: errorText(e) } });
        throw e;
      }
      try {
        await sendMail(strapi, mail);
        await records.update({ where: { id: d.id }, data: { status: 'sent', sentAt: new Date(), error: null } });
        consecutiveFailures = 0;
      } catch (e: unknown) {
        // Refused by the SMTP server: not delivered, so it is retried by the next send.
        await records.update({ where: { id: d.id }, data: { status: 'failed', attemptedAt: null, error: errorText(e) } });
        consecutiveFailures += 1;
        if (consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) break;
        continue;
      }
      await options.afterSent?.(d);
    }
    await options.afterBatch?.();
  }
};
