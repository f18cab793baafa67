import type { Strapi } from '../types';
import { Mail, sendMail } from './index';

/**
 * Mass mailing with delivery guarantees (newsletters, tax receipts): one stored row per mail to
 * send, each one claimed before it goes to the SMTP server and confirmed after, so that
 *   - a run goes in batches, paced (NEWSLETTER_RATE_PER_MINUTE, NEWSLETTER_BATCH_SIZE: the SMTP
 *     server's limits, for every mass mailing);
 *   - a mail refused by the SMTP server is kept for the next run (resume after a failure);
 *   - a mail is never sent twice: two runs at once cannot claim the same row, and a row claimed but
 *     never confirmed (the process stopped while the SMTP server had the mail) is not sent again;
 *   - after MAX_CONSECUTIVE_FAILURES refusals in a row the run stops (the server is down): resume later.
 */
export const MAX_CONSECUTIVE_FAILURES = 3;
export const INTERRUPTED = 'Envoi interrompu pendant la remise au serveur : non renvoyé, pour ne jamais envoyer deux fois.';

/** The names of the delivery fields of the rows (status: 'pending' | 'sent' | 'failed'). */
export interface DeliveryFields {
  status: string;
  attemptedAt: string;
  attempts: string;
  sentAt: string;
  error: string;
}

export const DEFAULT_FIELDS: DeliveryFields = {
  status: 'status',
  attemptedAt: 'attemptedAt',
  attempts: 'attempts',
  sentAt: 'sentAt',
  error: 'error',
};

export interface DeliveryRun {
  /** content type holding one row per mail */
  uid: string;
  /** the rows of this run (e.g. the deliveries of one newsletter) */
  where: Record<string, any>;
  fields?: DeliveryFields;
  /** the mail of one row */
  mail: (row: any) => Promise<Mail> | Mail;
  /** rows not to send at all, among a batch (they are handled by `drop`): e.g. unsubscribed addresses */
  skip?: (batch: any[]) => Promise<(row: any) => boolean>;
  drop?: (row: any) => Promise<void>;
  /** called after each batch (counts shown in the admin) */
  afterBatch?: () => Promise<void>;
}

/** Pace and batch size of mass mailings (the SMTP server's limits). */
import { bulkMailPace as deliverySettings } from './deliveries';

export { deliverySettings };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One run over the rows of `where` still to send (pending, or refused by the SMTP server).
 * Returns how many were sent and refused in this run, and whether it stopped on repeated refusals.
 */
export const deliver = async (strapi: Strapi, run: DeliveryRun) => {
  const f = run.fields ?? DEFAULT_FIELDS;
  const query = strapi.db.query(run.uid as any);
  const { ratePerMinute, batchSize } = deliverySettings();
  const interval = 60_000 / ratePerMinute;

  // A row claimed but never confirmed: the process stopped while the SMTP server had the mail.
  // It may have been delivered, so it is not sent again (still pending: one that another process has
  // meanwhile confirmed keeps its "sent").
  const interrupted = await query.findMany({
    where: { ...run.where, [f.status]: 'pending', [f.attemptedAt]: { $notNull: true } },
    select: ['id'],
  });
  if (interrupted.length) {
    await query.updateMany({
      where: { id: { $in: interrupted.map((d: any) => d.id) }, [f.status]: 'pending' },
      data: { [f.status]: 'failed', [f.error]: INTERRUPTED },
    });
  }

  let lastId = 0;
  let consecutiveFailures = 0;
  let sent = 0;
  let failed = 0;
  let next = Date.now();
  while (consecutiveFailures < MAX_CONSECUTIVE_FAILURES) {
    const batch = await query.findMany({
      where: { ...run.where, id: { $gt: lastId }, [f.status]: { $in: ['pending', 'failed'] }, [f.attemptedAt]: { $null: true } },
      orderBy: { id: 'asc' },
      limit: batchSize,
    });
    if (!batch.length) break;
    const skipped = run.skip ? await run.skip(batch) : () => false;
    for (const row of batch) {
      lastId = row.id;
      if (skipped(row)) {
        await run.drop?.(row);
        continue;
      }
      await sleep(Math.max(0, next - Date.now()));
      next = Date.now() + interval;
      // Claim the row in one conditional write: if another run (a second click, another process)
      // has claimed it since the batch was read, it is theirs and is not sent again.
      const claim = await query.updateMany({
        where: { id: row.id, [f.status]: { $in: ['pending', 'failed'] }, [f.attemptedAt]: { $null: true } },
        data: { [f.attemptedAt]: new Date(), [f.attempts]: (row[f.attempts] ?? 0) + 1 },
      });
      if (claim.count !== 1) continue;
      try {
        await sendMail(strapi, await run.mail(row));
        await query.update({ where: { id: row.id }, data: { [f.status]: 'sent', [f.sentAt]: new Date(), [f.error]: null } });
        sent += 1;
        consecutiveFailures = 0;
      } catch (e: any) {
        // Refused by the SMTP server: not delivered, so it is retried by the next run.
        await query.update({
          where: { id: row.id },
          data: { [f.status]: 'failed', [f.attemptedAt]: null, [f.error]: String(e?.message ?? e).slice(0, 1000) },
        });
        failed += 1;
        consecutiveFailures += 1;
        if (consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) break;
      }
    }
    await run.afterBatch?.();
  }
  return { sent, failed, stopped: consecutiveFailures >= MAX_CONSECUTIVE_FAILURES };
};
