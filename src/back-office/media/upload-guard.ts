import type { Strapi } from '../types';
import { checkFile, IncomingFile } from './file-types';

const FILE = 'plugin::upload.file';
/** What the upload service offers that is wrapped here. */
interface UploadService {
  upload: (input: unknown, opts?: unknown) => Promise<unknown>;
  replace: (id: number | string, input: unknown, opts?: unknown) => Promise<unknown>;
}

/** What the check reads of a request: the multipart files Strapi's body parser puts on it. */
type UploadRequest = { request?: { files?: { files?: IncomingFile | IncomingFile[] } } };
type ControllerAction = (ctx: UploadRequest) => unknown;

const asArray = <T>(value: T | T[] | undefined | null): T[] => (value == null ? [] : Array.isArray(value) ? value : [value]);

/**
 * Puts the file check (file-types.ts) where Strapi stores files, so that every way in goes through
 * it: the admin's uploads and replacements, the content API's, uploads from a URL, the scripts.
 *
 * - the upload service's `upload` and `replace` (every caller, whatever its route or casing);
 * - the upload controllers, before Strapi's own check: Strapi drops the refused files of a
 *   multi-file request and stores the others, we refuse the whole request (nothing stored).
 */
export const guardUploads = (strapi: Strapi) => {
  strapi.get('services').extend('plugin::upload.upload', (service: UploadService) => ({
    ...service,
    async upload(input: { data?: unknown; files: IncomingFile | IncomingFile[] }, opts?: unknown) {
      for (const file of asArray(input?.files)) await checkFile(file);
      return service.upload(input, opts);
    },
    async replace(id: number | string, input: { data?: unknown; file: IncomingFile }, opts?: unknown) {
      const stored = await strapi.db.query(FILE).findOne({ where: { id }, select: ['ext'] });
      // no such file: Strapi answers its own 404
      if (stored) await checkFile(input?.file, { storedExt: stored.ext ?? '' });
      return service.replace(id, input, opts);
    },
  }));

  const checkRequestFiles = (action: ControllerAction) =>
    async function (this: unknown, ctx: UploadRequest) {
      for (const file of asArray<IncomingFile>(ctx.request?.files?.files)) await checkFile(file);
      return action.call(this, ctx);
    };
  const controllers = strapi.get('controllers');
  for (const [uid, actions] of [
    ['plugin::upload.admin-upload', ['upload', 'uploadFiles', 'uploadFile', 'replaceFile']],
    ['plugin::upload.content-api', ['upload', 'uploadFiles', 'replaceFile']],
  ] as const) {
    controllers.extend(uid, (controller: Record<string, ControllerAction>) => {
      const extended = { ...controller };
      for (const action of actions) if (typeof controller[action] === 'function') extended[action] = checkRequestFiles(controller[action]);
      return extended;
    });
  }
};
