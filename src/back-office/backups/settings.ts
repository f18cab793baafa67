import path from 'path';
import { readEnv } from '../../core/config';

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

/** Read at each use (not at import), so that the tests and the launchers can set the variables first. */
export const backupSettings = (): BackupSettings => ({
  dir: readEnv('BACKUP_DIR'),
  cron: readEnv('BACKUP_CRON'),
  retention: {
    daily: readEnv('BACKUP_KEEP_DAILY'),
    weekly: readEnv('BACKUP_KEEP_WEEKLY'),
    monthly: readEnv('BACKUP_KEEP_MONTHLY'),
  },
});

/** The uploads live in <public dir>/uploads; PUBLIC_DIR is the same variable as in config/server.ts. */
export const uploadsDirFromEnv = () => path.join(readEnv('PUBLIC_DIR'), 'uploads');
