import type { BackOfficeModule, Strapi } from '../types';
import type { Context, Next } from 'koa';
import { readEnv } from '../../core/config';
import { badRequest, messageOf, tooLarge } from '../../core/errors';
import { routePath } from '../../utils/route-path';
import { ALLOWED_MIME_TYPES, TYPE_MESSAGE } from './file-types';
import { guardUploads } from './upload-guard';
import { uploadsServing } from './uploads-serving';
import { registerPrivateFiles } from './private-files';
import { guardMediaLibraryActions } from './file-permissions';
import { syncFileFlags, watchFileAttachments } from './file-flags';
import { closeS3Client } from './s3';

/**
 * Media library rules (local provider, or a private S3-compatible bucket: s3.ts):
 * - which files are accepted: the allow-list of file-types.ts (extension, and content detected from
 *   the bytes), checked wherever Strapi stores a file (upload-guard.ts);
 * - how /uploads is served: types from that list only, nosniff, sandbox, downloads (uploads-serving.ts);
 * - confidential documents' files: never under /uploads, signed back-office links (private-files.ts),
 *   known by a flag on the file (file-flags.ts);
 * - bulk actions check every file against the role's conditions (file-permissions.ts);
 * - the French messages when Strapi refuses a file (below).
 * The size limit (UPLOAD_MAX_MB, default 20) is set in config/plugins.ts (upload service) and
 * config/middlewares.ts (body parser).
 */
// Strapi's own check, a first filter before ours. SVG can carry scripts run from our own origin.
export const ALLOWED_TYPES = ALLOWED_MIME_TYPES;
export const DENIED_TYPES = ['image/svg+xml'];

export const uploadMaxMb = () => readEnv('UPLOAD_MAX_MB');

const sizeMessage = () => `Fichier : trop volumineux, la taille maximale est de ${uploadMaxMb()} Mo.`;

/** The French message for an upload refused by Strapi (English messages), or null. */
export const frenchUploadError = (message: string): { status: number; message: string } | null => {
  if (/exceeds size limit|maxFileSize|FileTooBig|too large|exceeded/i.test(message)) return { status: 413, message: sizeMessage() };
  if (/is not allowed|Cannot verify file type|Validation failed for file/i.test(message)) return { status: 400, message: TYPE_MESSAGE };
  return null;
};

const UPLOAD_PATH = /^\/(api\/)?upload(\/|$)/;

const translate = (ctx: Context, message: string) => {
  const french = frenchUploadError(message);
  if (!french) return false;
  const error = french.status === 413 ? tooLarge(french.message, 'files') : badRequest(french.message, 'files');
  ctx.status = french.status;
  ctx.body = { data: null, error: { status: french.status, name: error.name, message: error.message, details: error.details } };
  return true;
};

const media: BackOfficeModule = {
  name: 'media',
  register(strapi: Strapi) {
    strapi.config.set('plugin::upload.security', { allowedTypes: ALLOWED_TYPES, deniedTypes: DENIED_TYPES });
    guardUploads(strapi);
    guardMediaLibraryActions(strapi);
    registerPrivateFiles(strapi);
    watchFileAttachments(strapi);
    strapi.server.use(uploadsServing(strapi));
    // the S3 client's connections end with the server
    strapi.server.httpServer.on('close', closeS3Client);
    strapi.server.use(async (ctx: Context, next: Next) => {
      if (!UPLOAD_PATH.test(routePath(ctx.path))) return next();
      try {
        await next();
      } catch (e) {
        if (!translate(ctx, messageOf(e))) throw e;
        return;
      }
      const body = ctx.body as { error?: { message?: unknown } } | null | undefined;
      if (ctx.status >= 400 && body?.error?.message) translate(ctx, String(body.error.message));
    });
  },
  async bootstrap(strapi: Strapi) {
    // files stored before the confidential / tax receipt flags existed get theirs
    await syncFileFlags(strapi);
  },
};

export default media;
