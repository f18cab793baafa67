'use strict';
/**
 * One instance of the back-office in a process of its own, for tests/helpers/instances.ts: boots the
 * compiled build (TEST_DIST_DIR) on the database its environment names, listens on 127.0.0.1 (port 0),
 * and obeys the test through IPC:
 *   - { type: 'schedule', at, jobs }: schedules the jobs (the server's own cron tasks, src/back-office
 *     cronTasks) once at `at` with Strapi's cron, as the server does with their rules; answers
 *     { type: 'ran', job, outcome } for each when it has run;
 *   - { type: 'run', job, at }: runs a job's task now for the scheduled time `at`, as croner does when
 *     it fires late; answers its outcome;
 *   - { type: 'query', uid, method, args }: strapi.db.query(uid)[method](args) (test data, reads);
 *   - { type: 'create', uid, data }: strapi.documents(uid).create({ data }), through the write rules;
 *   - { type: 'stop' }: strapi.destroy(), then exits.
 * Plain JS: run by node itself, outside jest.
 */
const path = require('path');

const main = async () => {
  const distDir = process.env.TEST_DIST_DIR;
  const { createStrapi } = require('@strapi/strapi');
  const strapi = await createStrapi({ appDir: path.resolve(__dirname, '../..'), distDir }).load();
  await strapi.server.mount();
  const server = strapi.server.httpServer;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const tasks = require(path.join(distDir, 'src/back-office')).cronTasks(strapi);

  const handlers = {
    schedule: ({ at, jobs }) => {
      for (const job of jobs) {
        const { task, options } = tasks[job];
        strapi.cron.add({
          [job]: {
            task: async (args, fireDate) => process.send({ type: 'ran', job, outcome: await task(args, fireDate) }),
            options: { ...options, rule: new Date(at) },
          },
        });
      }
      return null;
    },
    run: ({ job, at }) => tasks[job].task({ strapi }, new Date(at)),
    query: ({ uid, method, args }) => strapi.db.query(uid)[method](args),
    create: ({ uid, data }) => strapi.documents(uid).create({ data }),
    stop: async () => {
      await strapi.destroy();
      setImmediate(() => process.exit(0));
      return null;
    },
  };

  process.on('message', async (message) => {
    try {
      const result = await handlers[message.type](message);
      process.send({ id: message.id, result });
    } catch (e) {
      process.send({ id: message.id, error: String((e && e.stack) || e) });
    }
  });
  process.send({ type: 'ready', port: server.address().port });
};

main().catch((e) => {
  process.send?.({ type: 'failed', error: String((e && e.stack) || e) });
  process.exit(1);
});
