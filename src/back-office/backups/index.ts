import fs from 'fs';
import path from 'path';
import type { BackOfficeModule, Strapi } from '../types';
import { TZ } from '../../core/dates';
import { badRequest, messageOf, notFound } from '../../core/errors';
import { ACTIONS } from '../../contract/permissions';
import { sendMail } from '../mail';
import { backupPath, BackupInfo, createBackup, listBackups } from './archive';
import { DatabaseTarget, targetFromConfig } from './database';
import { applyRetention } from './retention';
import { backupSettings } from './settings';
import { describeRun, recentRuns } from '../scheduling';

const BACKUP_JOB = 'backupsDaily';

export const databaseTarget = (strapi: Strapi): DatabaseTarget => targetFromConfig(strapi.config.get<Parameters<typeof targetFromConfig>[0]>('database.connection'));
export const uploadsDir = (strapi: Strapi) => path.join(strapi.dirs.static.public, 'uploads');

/** Kept in the backup folder, so that the admin page shows a failed night even after a restart. */
const FAILURE_FILE = '.last-failure.json';

let running: Promise<BackupInfo> | null = null;
/** The running Strapi, for the route handlers (set in register). */
let app: Strapi;

/**
 * One backup then the retention, one at a time (a click during the nightly job waits for it and gets
 * its archive). The retention runs only after a good archive: a failure never deletes an older one.
 */
export const backupNow = (strapi: Strapi): Promise<BackupInfo> => {
  if (running) return running;
  const settings = backupSettings();
  running = (async () => {
    const backup = await createBackup({ target: databaseTarget(strapi), uploadsDir: uploadsDir(strapi), dir: settings.dir });
    fs.rmSync(path.join(settings.dir, FAILURE_FILE), { force: true });
    const deleted = applyRetention(settings.dir, settings.retention);
    strapi.log.info(`[sauvegardes] ${backup.name} écrite (${backup.size} octets)${deleted.length ? ` ; supprimées : ${deleted.join(', ')}` : ''}`);
    return backup;
  })().finally(() => {
    running = null;
  });
  return running;
};

const superAdmins = (strapi: Strapi) =>
  strapi.db.query('admin::user').findMany({
    where: { isActive: true, blocked: false, roles: { code: 'strapi-super-admin' } },
    select: ['email', 'firstname'],
  });

/**
 * The nightly job: a failure is logged, remembered for the admin page, e-mailed to the super admins and
 * thrown again, for the run's record (scheduling/runner.ts).
 */
export const scheduledBackup = async (strapi: Strapi) => {
  try {
    return await backupNow(strapi);
  } catch (e) {
    const message = messageOf(e);
    const at = new Date();
    strapi.log.error(`[sauvegardes] la sauvegarde automatique a échoué : ${(e instanceof Error && e.stack) || message}`);
    const dir = backupSettings().dir;
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, FAILURE_FILE), JSON.stringify({ at: at.toISOString(), message }));
    } catch {
      // the folder itself may be the problem; the log and the e-mail still tell it
    }
    const when = at.toLocaleString('fr-FR', { timeZone: TZ });
    for (const admin of await superAdmins(strapi)) {
      await sendMail(strapi, {
        to: admin.email,
        subject: 'Échec de la sauvegarde automatique du back-office',
        body: [
          `Bonjour${admin.firstname ? ` ${admin.firstname}` : ''},`,
          '',
          `La sauvegarde automatique du ${when} a échoué :`,
          { type: 'card', lines: message.split('\n') },
          `Les sauvegardes précédentes sont conservées (aucune n'a été supprimée). ` +
            `Vérifiez le serveur puis lancez « Sauvegarder maintenant » depuis la page Sauvegardes du back-office.`,
        ],
      }).catch((mailError) => strapi.log.error(`[sauvegardes] e-mail d'échec non envoyé à ${admin.email} : ${mailError.message}`));
    }
    throw e;
  }
};

const describe = (b: BackupInfo) => ({ name: b.name, size: b.size, createdAt: b.createdAt.toISOString() });

const backups: BackOfficeModule = {
  name: 'backups',
  routes: [
    {
      method: 'GET',
      path: '/backups',
      actions: [ACTIONS.backupsManage],
      handler: async (ctx) => {
        const settings = backupSettings();
        const [lastRun] = await recentRuns(app, BACKUP_JOB, 1);
        const failureFile = path.join(settings.dir, FAILURE_FILE);
        ctx.body = {
          backups: listBackups(settings.dir).map(describe),
          dir: settings.dir,
          cron: settings.cron,
          retention: settings.retention,
          lastFailure: fs.existsSync(failureFile) ? JSON.parse(fs.readFileSync(failureFile, 'utf8')) : null,
          // the last nightly run, whichever instance ran it
          lastRun: lastRun ? describeRun(lastRun) : null,
        };
      },
    },
    {
      method: 'POST',
      path: '/backups',
      actions: [ACTIONS.backupsManage],
      handler: async (ctx) => {
        try {
          ctx.body = { backup: describe(await backupNow(app)) };
        } catch (e) {
          app.log.error(`[sauvegardes] sauvegarde manuelle en échec : ${(e instanceof Error && e.stack) || e}`);
          throw badRequest(`La sauvegarde a échoué : ${messageOf(e)}`);
        }
      },
    },
    {
      method: 'GET',
      path: '/backups/:name/download',
      actions: [ACTIONS.backupsManage],
      handler: (ctx) => {
        const file = backupPath(backupSettings().dir, ctx.params.name);
        if (!file) throw notFound('Sauvegarde introuvable.');
        ctx.attachment(path.basename(file));
        ctx.type = 'application/gzip';
        ctx.length = fs.statSync(file).size;
        ctx.body = fs.createReadStream(file);
      },
    },
  ],
  register(strapi) {
    app = strapi;
  },
  cron: (strapi) => ({
    [BACKUP_JOB]: { rule: backupSettings().cron, task: () => scheduledBackup(strapi) },
  }),
};

export default backups;
