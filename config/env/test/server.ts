export default ({ env }) => ({
  host: '127.0.0.1',
  port: env.int('PORT', 0),
  app: { keys: ['testKeyA', 'testKeyB'] },
  cron: { enabled: false },
});
