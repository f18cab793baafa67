/** Demo data (`npm run seed`) and demo accounts (`npm run demo`): used by scripts/seed.js and scripts/demo.js. */
export { seedDemo, demoSizes, SeedRefusedError, SUMMARY_LABELS } from './seed';
export type { SeedOptions } from './seed';
export { runSeedCli, parseSeedArgs } from './cli';
export { createDemoAccounts, DEMO_ACCOUNTS } from './accounts';
export { isContentEmpty, countContent, clearContent, ProductionDataError } from './reset';
