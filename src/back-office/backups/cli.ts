import path from 'path';
import { createLogger, winston } from '@strapi/logger';
import databaseConfig from '../../../config/database';
import { readEnv } from '../../core/config';
import { projectRoot } from '../../utils/paths';
import { createBackup } from './archive';
import { targetFromConfig } from './database';
import { BackupError } from './errors';
import { applyRetention } from './retention';
import { restoreBackup } from './restore';
import { backupSettings, uploadsDirFromEnv } from './settings';

/**
 * `npm run backup` and `npm run restore` (scripts/backup.js, scripts/restore.js): they read the same
 * configuration as the server (.env, config/database.ts) without booting Strapi, so that a restore
 * works on a new machine with an empty database, before the first start.
 */
const loadConfiguration = () => {
   
  require('dotenv').config({ path: path.join(projectRoot, '.env') });
  return { target: targetFromConfig(databaseConfig().connection), uploadsDir: uploadsDirFromEnv(), settings: backupSettings() };
};

/**
 * Strapi's own logger (same format as the server's log), built here because these commands do not
 * boot Strapi; errors and warnings go to stderr, the rest to stdout.
 */
const log = createLogger({ transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })] });

const size = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} Ko` : `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} Mo`;

export const backupCommand = async () => {
  const { target, uploadsDir, settings } = loadConfiguration();
  const backup = await createBackup({ target, uploadsDir, dir: settings.dir });
  log.info(`Sauvegarde écrite et vérifiée : ${path.join(settings.dir, backup.name)} (${size(backup.size)}).`);
  const deleted = applyRetention(settings.dir, settings.retention);
  if (deleted.length) log.info(`Anciennes sauvegardes supprimées (rétention) : ${deleted.join(', ')}`);
  return 0;
};

export const restoreCommand = async (args: string[]) => {
  const force = args.includes('--force');
  const files = args.filter((a) => a !== '--force');
  if (files.length !== 1) {
    log.error('Usage : npm run restore -- <archive.tar.gz> [--force]');
    return 2;
  }
  const { target, uploadsDir } = loadConfiguration();
  // npm runs scripts from the project root: a relative path is taken from where the command was typed (INIT_CWD)
  const archive = path.resolve(readEnv('INIT_CWD') ?? process.cwd(), files[0]);
  const report = await restoreBackup({ archive, target, uploadsDir, force, log: (l) => log.info(l) });
  const rows = Object.values(report.tables).reduce((a, b) => a + b, 0);
  log.info(`Base restaurée : ${Object.keys(report.tables).length} table(s), ${rows} ligne(s) ; ${report.uploads} fichier(s) envoyé(s) restauré(s).`);
  if (report.mismatches.length) {
    log.error('ATTENTION : le nombre de lignes diffère de celui de la sauvegarde pour :');
    for (const m of report.mismatches) log.error(`  ${m.table} : attendu ${m.expected ?? 'absente'}, trouvé ${m.actual ?? 'absente'}`);
    return 1;
  }
  log.info('Contrôle : le nombre de lignes de chaque table est celui de la sauvegarde. Vous pouvez démarrer le back-office (npm start).');
  return 0;
};

/** Runs a command and turns its French errors into a message and an exit code, without stack trace. */
export const run = (command: () => Promise<number>) =>
  command().then(
    (code) => code,
    (e) => {
      log.error(e instanceof BackupError ? e.message : `Erreur inattendue : ${e?.stack ?? e}`);
      return 1;
    }
  );
