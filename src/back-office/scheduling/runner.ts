import type { Knex } from 'knex';
import type { CronJob, Strapi } from '../types';
import { isPostgres, knex } from '../sql';
import { messageOf } from '../../core/errors';
import { claimRun, finishRun } from './runs';

/**
 * Runs each scheduled job once across the instances of the back-office (several Strapi processes on
 * one database): every instance schedules every job (Strapi's cron runs in each process), and this
 * runner lets one of them do it.
 *
 * - The scheduled time of a run is the time the rule gave for it: Strapi hands the task the fire date
 *   croner computed from the rule (not the clock's time when it fired), the same on every instance,
 *   whatever its clock or how late it fired; milliseconds dropped.
 * - PostgreSQL: the run happens inside a transaction that holds an advisory lock named after the job
 *   (pg_try_advisory_xact_lock): an instance that fires while another one runs the job does nothing.
 *   In that transaction, the run is recorded under (job, scheduled time), a unique key: an instance
 *   that fires after the first one finished (clock skew, slow event loop) finds the row and does
 *   nothing. The lock goes with the transaction, even if the process dies.
 * - SQLite (one instance only): the same row, recorded on its own, is enough.
 *
 * The row keeps the outcome (done, or failed with the error's French message) and the instance
 * (hostname:pid). A process that stops during a job leaves no row on PostgreSQL (its transaction is
 * rolled back) and a row « running » on SQLite; either way the next scheduled time runs again.
 */

/** The first key of the advisory locks of the jobs (the second: a hash of the job's name). */
const LOCK_NAMESPACE = 0x4a4f4253; // "JOBS"

export type RunOutcome = 'done' | 'failed' | 'skipped';

/** The scheduled time of a run, as the runs table keys it. */
export const scheduledTime = (fireDate: Date | undefined) => {
  const at = fireDate instanceof Date && !Number.isNaN(fireDate.getTime()) ? fireDate : new Date();
  return new Date(Math.floor(at.getTime() / 1000) * 1000);
};

/** Calls `fn` holding the job's lock: in its transaction on PostgreSQL; null when another instance holds it. */
const withJobLock = async <T>(strapi: Strapi, job: string, fn: (db: Knex | Knex.Transaction) => Promise<T>): Promise<T | null> => {
  if (!isPostgres(strapi)) return fn(knex(strapi));
  return knex(strapi).transaction(async (trx) => {
    const { rows } = await trx.raw('SELECT pg_try_advisory_xact_lock(?, hashtext(?)) AS locked', [LOCK_NAMESPACE, job]);
    return rows[0].locked ? fn(trx) : null;
  });
};

/** Runs `task` as the run of `job` at `fireDate`, unless another instance runs it or has run it. */
export const runOnce = async (strapi: Strapi, job: string, fireDate: Date | undefined, task: () => unknown): Promise<RunOutcome> => {
  const at = scheduledTime(fireDate);
  const outcome = await withJobLock(strapi, job, async (db): Promise<RunOutcome> => {
    const id = await claimRun(strapi, db, job, at);
    if (id === null) return 'skipped';
    let error: string | null = null;
    try {
      await task();
    } catch (e) {
      error = messageOf(e).slice(0, 2000);
      strapi.log.error(`[tâches planifiées] ${job} du ${at.toISOString()} : échec (${error})`);
    }
    await finishRun(strapi, db, id, error);
    return error === null ? 'done' : 'failed';
  });
  if (outcome === null || outcome === 'skipped') {
    strapi.log.debug(`[tâches planifiées] ${job} du ${at.toISOString()} : lancée par une autre instance`);
    return 'skipped';
  }
  return outcome;
};

/** The modules' jobs as Strapi cron tasks, each through runOnce, in the association's timezone. */
export const scheduledTasks = (strapi: Strapi, jobs: Record<string, CronJob>) =>
  Object.fromEntries(
    Object.entries(jobs).map(([name, job]) => [
      name,
      {
        // Strapi's cron calls a task with { strapi } and the fire date the rule gave
        task: (_args: { strapi: Strapi }, fireDate?: Date) => runOnce(strapi, name, fireDate, () => job.task({ strapi })),
        options: { rule: job.rule, tz: 'Europe/Paris' },
      },
    ])
  );
