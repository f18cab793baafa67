import type { BackOfficeModule } from '../types';
import { ensureRunsTable } from './runs';

/**
 * Scheduled jobs run once across instances (runner.ts) and their runs recorded (runs.ts). The jobs
 * themselves stay declared by their modules (`cron`); src/back-office/index.ts hands them to the runner.
 */
const scheduling: BackOfficeModule = {
  name: 'scheduling',
  async bootstrap(strapi) {
    await ensureRunsTable(strapi);
  },
};

export default scheduling;
export { exclusive } from './exclusive';
export { runOnce, scheduledTasks, scheduledTime } from './runner';
export { describeRun, recentRuns } from './runs';
