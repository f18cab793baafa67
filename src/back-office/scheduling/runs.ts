import os from 'os';
import type { Knex } from 'knex';
import type { Strapi } from '../types';
import { datetimeFromDb, datetimeValue, knex } from '../sql';

/**
 * The runs of the scheduled jobs: one row per job and scheduled time, whichever instance ran it. The
 * unique index on (job, scheduled_at) is what makes a job run once across instances: an instance that
 * fires late (clock skew, slow start) finds the row and does nothing.
 *
 * A plain table, created at boot, rather than a content type: nobody edits these rows, they have no
 * place in the content manager, the content API, the roles or the demo data; what people read of them
 * goes through the pages that show a job's outcome (backups). Strapi leaves alone a table it never
 * created (its schema sync drops only the tables it tracked).
 */
export const RUNS_TABLE = 'back_office_job_runs';

export type RunStatus = 'running' | 'done' | 'failed';

export interface JobRun {
  job: string;
  scheduledAt: Date;
  /** hostname:pid of the instance that ran it */
  instance: string;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  /** the French message of the failure */
  error: string | null;
}

/** This server process, as the runs name it. */
export const instanceName = () => `${os.hostname()}:${process.pid}`;

export const ensureRunsTable = async (strapi: Strapi) => {
  const db = knex(strapi);
  if (await db.schema.hasTable(RUNS_TABLE)) return;
  try {
    await db.schema.createTable(RUNS_TABLE, (t) => {
      t.increments('id');
      t.string('job', 100).notNullable();
      // epoch milliseconds on SQLite, timestamptz on PostgreSQL, as Strapi's own datetimes (sql.ts)
      t.timestamp('scheduled_at', { useTz: true }).notNullable();
      t.string('instance', 255).notNullable();
      t.string('status', 20).notNullable();
      t.timestamp('started_at', { useTz: true }).notNullable();
      t.timestamp('finished_at', { useTz: true }).nullable();
      t.text('error').nullable();
      t.unique(['job', 'scheduled_at'], { indexName: `${RUNS_TABLE}_job_scheduled_uq` });
    });
  } catch (e) {
    // two instances starting together: the other one created it
    if (!(await db.schema.hasTable(RUNS_TABLE))) throw e;
  }
};

/**
 * Claims the run of `job` for `scheduledAt`: its id, or null when a run of that time is already
 * recorded (by this instance or another). `db`: the job's transaction on PostgreSQL.
 */
export const claimRun = async (strapi: Strapi, db: Knex | Knex.Transaction, job: string, scheduledAt: Date) => {
  const now = datetimeValue(strapi, new Date());
  const rows: Array<{ id: number } | number> = await db(RUNS_TABLE)
    .insert({
      job,
      scheduled_at: datetimeValue(strapi, scheduledAt),
      instance: instanceName(),
      status: 'running',
      started_at: now,
    })
    .onConflict(['job', 'scheduled_at'])
    .ignore()
    .returning('id');
  if (!rows.length) return null;
  return Number(typeof rows[0] === 'object' ? rows[0].id : rows[0]);
};

/** Records the outcome of a claimed run: done, or failed with its French message. */
export const finishRun = async (strapi: Strapi, db: Knex | Knex.Transaction, id: number, error: string | null) => {
  await db(RUNS_TABLE)
    .where({ id })
    .update({ status: error === null ? 'done' : 'failed', finished_at: datetimeValue(strapi, new Date()), error });
};

const toRun = (r: Record<string, unknown>): JobRun => ({
  job: String(r.job),
  scheduledAt: datetimeFromDb(r.scheduled_at)!,
  instance: String(r.instance),
  status: r.status as RunStatus,
  startedAt: datetimeFromDb(r.started_at)!,
  finishedAt: datetimeFromDb(r.finished_at),
  error: (r.error as string | null) ?? null,
});

/** The runs of a job, newest scheduled time first. */
export const recentRuns = async (strapi: Strapi, job: string, limit = 10): Promise<JobRun[]> => {
  if (!(await knex(strapi).schema.hasTable(RUNS_TABLE))) return [];
  const rows = await knex(strapi)(RUNS_TABLE).where({ job }).orderBy('scheduled_at', 'desc').orderBy('id', 'desc').limit(limit);
  return rows.map(toRun);
};

/** A run as the admin pages show it (dates as ISO strings). */
export const describeRun = (run: JobRun) => ({
  scheduledAt: run.scheduledAt.toISOString(),
  instance: run.instance,
  status: run.status,
  startedAt: run.startedAt.toISOString(),
  finishedAt: run.finishedAt?.toISOString() ?? null,
  error: run.error,
});
