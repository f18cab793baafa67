import type { Context } from 'koa';
import { forbidden } from '../../core/errors';
import type { Strapi } from '../types';
import type { Ability } from '../access/content-manager-guard';

const FILE = 'plugin::upload.file';
const FOLDER = 'plugin::upload.folder';
const UPDATE = 'plugin::upload.assets.update';

/**
 * The media library's per-file conditions (the files of confidential documents, "is creator"...)
 * on the routes that take several files or folders at once. Strapi checks them on the routes for
 * one file (view, edit, replace, delete) but not on bulk move, bulk delete (folders included) or
 * a folder's move: they answered with the names and addresses of files the role may not see, and
 * deleted them. Each of these actions now checks every file it would touch, those inside the
 * folders and their sub-folders included, before touching any: one refused file and nothing is
 * done (French 403).
 */

/** A media library file as read from the database, with its creator (populated, or its id). */
export interface FileRecord {
  id: number;
  createdBy?: { id: number } | number | null;
  [field: string]: unknown;
}

const creatorIdOf = (file: FileRecord): number | null | undefined => {
  const creator = file.createdBy;
  return typeof creator === 'object' ? creator?.id : creator;
};

/** Whether `ability` allows `action` on every one of `files` (conditions evaluated per file, as Strapi does). */
export const mayOnFiles = async (
  strapi: Strapi,
  ability: Ability | null | undefined,
  action: string,
  files: FileRecord[]
): Promise<boolean> => {
  if (!ability) return false;
  const pm = strapi.service('admin::permission').createPermissionsManager({ ability, action, model: FILE });
  if (!files.length) return pm.isAllowed !== false;
  // the admin's own conditions read the creator and the creator's roles
  const creatorIds = [...new Set(files.map(creatorIdOf).filter((id) => id != null))];
  const creators = creatorIds.length
    ? await strapi.db.query('admin::user').findMany({ where: { id: { $in: creatorIds } }, populate: ['roles'] })
    : [];
  const byId = new Map(creators.map((u: { id: number }) => [u.id, u]));
  return files.every((file) => {
    const creatorId = creatorIdOf(file);
    const subject = pm.toSubject({ ...file, createdBy: creatorId != null ? (byId.get(creatorId) ?? null) : null });
    return pm.ability.can(pm.action, subject);
  });
};

/** The files (with their creator) among `fileIds` and inside `folderIds` and their sub-folders. */
const filesConcerned = async (strapi: Strapi, fileIds: unknown[], folderIds: unknown[]): Promise<FileRecord[]> => {
  const ids = fileIds.filter((id) => id !== null && id !== undefined);
  const folders = folderIds.length
    ? await strapi.db.query(FOLDER).findMany({ where: { id: { $in: folderIds } }, select: ['id', 'path'] })
    : [];
  const or: Array<Record<string, unknown>> = [];
  if (ids.length) or.push({ id: { $in: ids } });
  for (const folder of folders) or.push({ folderPath: { $eq: folder.path } }, { folderPath: { $startsWith: `${folder.path}/` } });
  if (!or.length) return [];
  return strapi.db.query(FILE).findMany({ where: { $or: or }, populate: { createdBy: { select: ['id'] } } });
};

const refused = (field: string) =>
  forbidden(
    'Médiathèque : votre rôle ne peut pas modifier certains des fichiers demandés (ou contenus dans ces dossiers). Rien n’a été déplacé, modifié ni supprimé.',
    field
  );

const assertMay = async (strapi: Strapi, ctx: Context, fileIds: unknown, folderIds: unknown) => {
  const ability = ctx.state.userAbility;
  const files = Array.isArray(fileIds) ? fileIds : [];
  const folders = Array.isArray(folderIds) ? folderIds : [];
  if (!(await mayOnFiles(strapi, ability, UPDATE, await filesConcerned(strapi, files, [])))) throw refused('fileIds');
  if (folders.length && !(await mayOnFiles(strapi, ability, UPDATE, await filesConcerned(strapi, [], folders)))) throw refused('folderIds');
};

/** Wraps the media library's controllers that act on several files or on a folder's content. */
export const guardMediaLibraryActions = (strapi: Strapi) => {
  const guards: Record<string, Record<string, (ctx: Context) => Promise<void>>> = {
    'plugin::upload.admin-folder-file': {
      // POST /upload/actions/bulk-delete and /bulk-move: { fileIds, folderIds }
      deleteMany: (ctx) => assertMay(strapi, ctx, ctx.request.body?.fileIds, ctx.request.body?.folderIds),
      moveMany: (ctx) => assertMay(strapi, ctx, ctx.request.body?.fileIds, ctx.request.body?.folderIds),
    },
    'plugin::upload.admin-upload': {
      // POST /upload/actions/bulk-update: { updates: [{ id, fileInfo }] }; Strapi checks file by
      // file while updating, so a refused second file left the first one renamed
      bulkUpdateFileInfo: (ctx) =>
        assertMay(
          strapi,
          ctx,
          (Array.isArray(ctx.request.body?.updates) ? ctx.request.body.updates : []).map((u: { id?: unknown } | null) => u?.id),
          []
        ),
    },
    'plugin::upload.admin-folder': {
      // PUT /upload/folders/:id with a new parent moves the folder and everything inside it
      update: async (ctx) => {
        const parent = ctx.request.body?.parent;
        if (parent === undefined) return;
        const folder = await strapi.db.query(FOLDER).findOne({ where: { id: ctx.params.id }, populate: { parent: { select: ['id'] } } });
        // the edit dialog sends the parent with a rename: only a real move is checked
        if (!folder || String(folder.parent?.id ?? null) === String(parent)) return;
        await assertMay(strapi, ctx, [], [folder.id]);
      },
    },
    'plugin::upload.admin-file': {
      // POST /upload/actions/generate-ai-metadata: { fileIds } rewrites their descriptions
      generateAIMetadata: (ctx) => assertMay(strapi, ctx, ctx.request.body?.fileIds, []),
    },
  };
  for (const [uid, actions] of Object.entries(guards)) {
    strapi.get('controllers').extend(uid, (controller: Record<string, unknown>) => {
      const extended = { ...controller };
      for (const [action, guard] of Object.entries(actions)) {
        const original = controller[action];
        if (typeof original !== 'function') continue;
        extended[action] = async function (this: unknown, ctx: Context) {
          await guard(ctx);
          return original.call(this, ctx);
        };
      }
      return extended;
    });
  }
};
