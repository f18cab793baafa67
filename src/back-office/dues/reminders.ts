import crypto from 'crypto';
import { DateTime } from 'luxon';
import type { Strapi } from '../types';
import { column, datetimeValue, knex, link, metaOf, table } from '../sql';
import { mailBrand, sendMail } from '../mail';
import { readAssociation } from '../../core/association';
import { todayInParis } from '../../core/dates';
import { messageOf } from '../../core/errors';
import { duesRows } from './list';
import { reminderMail } from './template';
import { exclusive } from '../scheduling/exclusive';

const LOG = 'api::dues-reminder.dues-reminder';
const TYPE = 'api::membership-type.membership-type';

/** Same as the membership type's schema default: used when a contribution has no type. */
export const DEFAULT_REMINDER_DAYS = [30, 7, 0, -30];
/** Members whose dues ended longer ago than this are not reminded any more. */
export const STOP_AFTER_DAYS = 90;
/**
 * Reminders are claimed in the log, sent, then marked, by groups of this size: a crash mid-run leaves
 * at most one group claimed but unsent. SQL queries of a run (dues/query-count.ts counts them): 4 to
 * plan it, whatever the number of members (a dry run stops there), then, when there is something to
 * send, the letterhead of the mails (read once), and per group of reminders to send one transaction
 * (2 inserts) and one update (+1 per further distinct SMTP error).
 */
export const BATCH = 50;

/** A membership type's reminderDays (JSON text on SQLite, jsonb on PostgreSQL) as whole days. */
export const reminderOffsets = (raw: unknown): number[] => {
  if (raw === null || raw === undefined) return DEFAULT_REMINDER_DAYS;
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return DEFAULT_REMINDER_DAYS;
    }
  }
  if (!Array.isArray(value)) return DEFAULT_REMINDER_DAYS;
  return [...new Set(value.map(Number).filter((n) => Number.isInteger(n)))];
};

/**
 * The reminder due on `today` for dues ending `duesPaidUntil`: among the offsets whose day has come
 * (day = duesPaidUntil − offset), the latest one. After a downtime several may have come at once:
 * only the latest is sent, the older ones are out of date.
 */
export const dueOffset = (duesPaidUntil: string, offsets: number[], today: string): number | null =>
  dueOffsetOn(today)(duesPaidUntil, offsets);

/** dueOffset for one day, for many members: « due » is duesPaidUntil ≤ today + offset, a string comparison. */
export const dueOffsetOn = (today: string) => {
  const limits = new Map<number, string>();
  const limit = (offset: number) => {
    if (!limits.has(offset)) limits.set(offset, DateTime.fromISO(today).plus({ days: offset }).toISODate()!);
    return limits.get(offset)!;
  };
  return (duesPaidUntil: string, offsets: number[]) => {
    let due: number | null = null;
    for (const offset of offsets) if (duesPaidUntil <= limit(offset) && (due === null || offset < due)) due = offset;
    return due;
  };
};

export interface PlannedReminder {
  documentId: string;
  memberNumber: number | null;
  firstName: string;
  lastName: string;
  email: string | null;
  duesPaidUntil: string;
  offsetDays: number;
  amount: number | null;
  error?: string;
}

export interface RemindersReport {
  today: string;
  dryRun: boolean;
  /** sent (in a dry run: would be sent) */
  sent: PlannedReminder[];
  /** refused by the SMTP server: not recorded as sent, tried again on the next run */
  failed: PlannedReminder[];
  /** a reminder was due but the member has no e-mail address */
  withoutEmail: PlannedReminder[];
  counts: { sent: number; failed: number; withoutEmail: number };
}

const onceKey = (memberId: number, duesPaidUntil: string, offsetDays: number) => `${memberId}|${duesPaidUntil}|${offsetDays}`;

/** Reminders already sent (or being sent) for periods ending on or after `from`, as once-keys. One query. */
const alreadySent = async (strapi: Strapi, from: string) => {
  const log = table(strapi, LOG);
  const byMember = link(strapi, LOG, 'member');
  const paid = column(strapi, LOG, 'duesPaidUntil');
  const offset = column(strapi, LOG, 'offsetDays');
  const rows = await knex(strapi)(`${log} as r`)
    .join(`${byMember.table} as l`, `l.${byMember.from}`, 'r.id')
    .select(`l.${byMember.to} as memberId`, `r.${paid} as duesPaidUntil`, `r.${offset} as offsetDays`)
    .whereIn(`r.${column(strapi, LOG, 'status')}`, ['sending', 'sent'])
    .where(`r.${paid}`, '>=', from);
  return new Set(
    rows.map((r: { memberId: unknown; duesPaidUntil: unknown; offsetDays: unknown }) =>
      onceKey(Number(r.memberId), String(r.duesPaidUntil).slice(0, 10), Number(r.offsetDays))
    )
  );
};

/** Who gets which reminder today: a handful of set-based queries, whatever the number of members. */
export const planReminders = async (strapi: Strapi, today: string) => {
  const settings = await readAssociation(strapi, ['name', 'duesGraceDays', 'reminderSubject', 'reminderTemplate']);
  const types = await strapi.db.query(TYPE).findMany({ select: ['reminderDays'] });
  const longest = Math.max(
    0,
    ...DEFAULT_REMINDER_DAYS,
    ...types.flatMap((t: { reminderDays: unknown }) => reminderOffsets(t.reminderDays))
  );
  const day = DateTime.fromISO(today);
  const from = day.minus({ days: STOP_AFTER_DAYS }).toISODate()!;
  const to = day.plus({ days: longest }).toISODate()!;

  const rows = await duesRows(strapi, {
    today,
    graceDays: settings.duesGraceDays,
    filter: (qb, paid) => qb.where(paid, '>=', from).where(paid, '<=', to),
  });
  const sent = await alreadySent(strapi, from);

  const due = dueOffsetOn(today);
  const planned: Array<PlannedReminder & { memberId: number }> = [];
  const withoutEmail: PlannedReminder[] = [];
  for (const r of rows) {
    const offsetDays = due(r.duesPaidUntil!, reminderOffsets(r.reminderDays));
    if (offsetDays === null || sent.has(onceKey(r.id, r.duesPaidUntil!, offsetDays))) continue;
    const email = r.email?.trim() || null;
    const item = {
      documentId: r.documentId,
      memberNumber: r.memberNumber,
      firstName: r.firstName,
      lastName: r.lastName,
      email,
      duesPaidUntil: r.duesPaidUntil!,
      offsetDays,
      amount: r.typeAmount ?? r.lastAmount,
    };
    if (email) planned.push({ ...item, memberId: r.id });
    else withoutEmail.push(item);
  }
  return { settings, planned, withoutEmail };
};

/** Records the reminders about to be sent (status « sending »), in one insert per batch. */
const claim = async (strapi: Strapi, today: string, batch: Array<PlannedReminder & { memberId: number }>) => {
  const col = (f: string) => column(strapi, LOG, f);
  const now = datetimeValue(strapi, new Date());
  const byMember = metaOf(strapi, LOG).attributes.member.joinTable!;
  return strapi.db.transaction(async ({ trx }) => {
    const inserted = await trx(table(strapi, LOG))
      .insert(
        batch.map((p) => ({
          document_id: crypto.randomBytes(16).toString('hex').slice(0, 24),
          [col('duesPaidUntil')]: p.duesPaidUntil,
          [col('offsetDays')]: p.offsetDays,
          [col('remindedOn')]: today,
          [col('email')]: p.email,
          [col('status')]: 'sending',
          created_at: now,
          updated_at: now,
          published_at: now,
        }))
      )
      .returning('id');
    // PostgreSQL returns rows ({ id }), SQLite the ids
    const ids: number[] = inserted.map((r: { id: number } | number) => Number(typeof r === 'object' ? r.id : r));
    await trx(byMember.name).insert(
      ids.map((id, i) => ({
        [byMember.joinColumn.name]: id,
        [byMember.inverseJoinColumn.name]: batch[i].memberId,
        ...(byMember.orderColumnName ? { [byMember.orderColumnName]: 1 } : {}),
        ...(byMember.inverseOrderColumnName ? { [byMember.inverseOrderColumnName]: 1 } : {}),
      }))
    );
    return ids;
  });
};

const mark = async (strapi: Strapi, ids: number[], values: Record<string, unknown>) => {
  if (!ids.length) return;
  const data = Object.fromEntries(Object.entries(values).map(([f, v]) => [column(strapi, LOG, f), v]));
  await knex(strapi)(table(strapi, LOG))
    .whereIn('id', ids)
    .update({ ...data, updated_at: datetimeValue(strapi, new Date()) });
};

// One run at a time in this process, and across instances on PostgreSQL (exclusive): the daily job and
// clicks on « Envoyer », on any instance, never overlap; the run that waited finds the reminders sent.
let queue: Promise<unknown> = Promise.resolve();
const oneAtATime = <T>(fn: () => Promise<T>): Promise<T> => {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
};

/**
 * The reminders job (daily at 08:00, or on demand). Each reminder is claimed in the log before it is
 * sent, so that neither a rerun nor a crash mid-run can send it twice; a reminder the SMTP server
 * refuses is marked « failed », which does not count as sent: the next run tries it again.
 */
export const runReminders = (strapi: Strapi, { today = todayInParis(), dryRun = false }: { today?: string; dryRun?: boolean } = {}) =>
  // a dry run sends nothing: no need to wait for the other instances
  oneAtATime(() => (dryRun ? remind(strapi, today, dryRun) : exclusive(strapi, 'duesReminders', () => remind(strapi, today, dryRun))));

const remind = async (strapi: Strapi, today: string, dryRun: boolean): Promise<RemindersReport> => {
  const { settings, planned, withoutEmail } = await planReminders(strapi, today);
  const sent: PlannedReminder[] = [];
  const failed: PlannedReminder[] = [];
  const strip = ({ memberId: _id, ...p }: PlannedReminder & { memberId: number }) => p;

  if (dryRun) sent.push(...planned.map(strip));
  else {
    // the association's letterhead, read once for the whole run
    const brand = planned.length ? await mailBrand(strapi) : undefined;
    for (let i = 0; i < planned.length; i += BATCH) {
      const batch = planned.slice(i, i + BATCH);
      const ids = await claim(strapi, today, batch);
      const ok: number[] = [];
      const ko: Array<{ id: number; error: string }> = [];
      for (const [j, p] of batch.entries()) {
        const mail = reminderMail(settings, p);
        try {
          await sendMail(strapi, { to: p.email!, ...mail, brand });
          ok.push(ids[j]);
          sent.push(strip(p));
        } catch (e) {
          const error = messageOf(e).slice(0, 500);
          ko.push({ id: ids[j], error });
          failed.push({ ...strip(p), error });
        }
      }
      await mark(strapi, ok, { status: 'sent', sentAt: datetimeValue(strapi, new Date()) });
      // one update per distinct error (an SMTP server down gives the same error to the whole batch)
      const byError = new Map<string, number[]>();
      for (const f of ko) byError.set(f.error, [...(byError.get(f.error) ?? []), f.id]);
      for (const [error, failedIds] of byError) await mark(strapi, failedIds, { status: 'failed', error });
    }
    if (sent.length || failed.length) {
      strapi.log.info(
        `[cotisations] relances du ${today} : ${sent.length} envoyée(s), ${failed.length} en échec, ${withoutEmail.length} sans e-mail`
      );
    }
  }
  return {
    today,
    dryRun,
    sent,
    failed,
    withoutEmail,
    counts: { sent: sent.length, failed: failed.length, withoutEmail: withoutEmail.length },
  };
};
