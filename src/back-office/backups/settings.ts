import { fromRoot } from '../../utils/paths';

/** How many archives the daily job keeps: the newest of each of the last N days, weeks and months. */
export interface Retention {
  daily: number;
  weekly: number;
  monthly: number;
}

export interface BackupSettings {
  /** absolute folder of the archives (BACKUP_DIR, default ./backups from the project root) */
  dir: string;
  /** cron rule of the daily backup, Europe/Paris time (BACKUP_CRON) */
  cron: string;
  retention: Retention;
}

const count = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} : « ${raw} » n'est pas un nombre entier positif ou nul.`);
  return n;
};

/** Read at each use (not at import), so that the tests and the launchers can set the variables first. */
export const backupSettings = (): BackupSettings => ({
  dir: fromRoot(process.env.BACKUP_DIR || './backups'),
  cron: process.env.BACKUP_CRON || '0 3 * * *',
  retention: {
    daily: count('BACKUP_KEEP_DAILY', 7),
    weekly: count('BACKUP_KEEP_WEEKLY', 4),
    monthly: count('BACKUP_KEEP_MONTHLY', 12),
  },
});

/** The uploads live in <public dir>/uploads; PUBLIC_DIR is the same variable as in config/server.ts. */
export const uploadsDirFromEnv = () => fromRoot(`${process.env.PUBLIC_DIR || './public'}/uploads`);
