import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import type { Json } from '../helpers/types';

/**
 * The runner of the scheduled jobs on one instance (SQLite or PostgreSQL): one run per job and scheduled
 * time, recorded with its outcome. Two instances: tests/scale/instances.test.ts.
 */
describe(`scheduled jobs: one run per scheduled time (${DB_CLIENT})`, () => {
  let app: TestApp;
  const scheduling = () => require(`${process.env.TEST_DIST_DIR}/src/back-office/scheduling`);
  const runs = (job: string) => scheduling().recentRuns(app.strapi, job);

  beforeAll(async () => {
    app = await startStrapi();
  }, 300_000);
  afterAll(() => app?.stop());

  it('runs a job once for its scheduled time, even when it fires again a little later', async () => {
    const tasks = require(`${process.env.TEST_DIST_DIR}/src/back-office`).cronTasks(app.strapi);
    // the options Strapi's cron receives stay the job's rule, in Paris time
    expect(tasks.duesDigest.options).toEqual({ rule: '0 8 * * 1', tz: 'Europe/Paris' });
    const at = new Date('2030-03-04T07:00:00.000Z');
    expect(await tasks.duesDigest.task({ strapi: app.strapi }, at)).toBe('done');
    // the same occurrence, fired late (milliseconds of the fire date do not make another time)
    expect(await tasks.duesDigest.task({ strapi: app.strapi }, new Date(at.getTime() + 400))).toBe('skipped');
    // the next occurrence runs
    expect(await tasks.duesDigest.task({ strapi: app.strapi }, new Date('2030-03-11T07:00:00.000Z'))).toBe('done');
    const recorded = await runs('duesDigest');
    expect(recorded.map((r: Json) => [(r.scheduledAt as Date).toISOString(), r.status, r.error])).toEqual([
      ['2030-03-11T07:00:00.000Z', 'done', null],
      ['2030-03-04T07:00:00.000Z', 'done', null],
    ]);
    expect(recorded[0].instance).toMatch(new RegExp(`:${process.pid}$`));
  });

  it('records a failed run with its French message, and does not throw', async () => {
    const { runOnce } = scheduling();
    const at = new Date('2030-03-05T02:00:00.000Z');
    const failing = () => {
      throw new Error('Le dossier des sauvegardes est introuvable.');
    };
    expect(await runOnce(app.strapi, 'essai', at, failing)).toBe('failed');
    // failed is still a run of that time: not done again by another instance
    expect(await runOnce(app.strapi, 'essai', at, () => undefined)).toBe('skipped');
    const [run] = await runs('essai');
    expect(run).toMatchObject({ status: 'failed', error: 'Le dossier des sauvegardes est introuvable.' });
    expect(run.finishedAt).toBeInstanceOf(Date);
  });
});
