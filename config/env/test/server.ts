import { readEnvIfSet } from '../../../src/core/config';

export default () => ({
  host: '127.0.0.1',
  port: readEnvIfSet('PORT') ?? 0,
  app: { keys: ['testKeyA', 'testKeyB'] },
  cron: { enabled: false },
});
