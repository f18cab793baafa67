import type { BackOfficeModule, Strapi } from '../types';
import { routePath } from '../../utils/route-path';

/**
 * Media library rules (local provider): which files are accepted and the French messages when a
 * file is refused. The size limit (UPLOAD_MAX_MB, default 20) is set in config/plugins.ts (upload
 * service) and config/middlewares.ts (body parser); the types are checked by Strapi's upload
 * security (content detected from the file itself, not only its name).
 */
export const ALLOWED_TYPES = [
  'image/*',
  'application/pdf',
  // OpenDocument, Office 2007+, Office 97-2003 (detected as a compound file, the extension decides)
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/x-cfb',
  'text/plain',
  'text/csv',
];
// SVG can carry scripts run from our own origin.
export const DENIED_TYPES = ['image/svg+xml'];

export const uploadMaxMb = () => Number(process.env.UPLOAD_MAX_MB) || 20;

const TYPE_MESSAGE =
  'Fichier : ce type de fichier n’est pas accepté. Types acceptés : images (JPEG, PNG, GIF, WebP…), PDF, documents bureautiques (odt, ods, odp, docx, xlsx, pptx, doc, xls, ppt), texte et CSV.';
const sizeMessage = () => `Fichier : trop volumineux, la taille maximale est de ${uploadMaxMb()} Mo.`;

/** The French message for an upload refused by Strapi (English messages), or null. */
export const frenchUploadError = (message: string): { status: number; message: string } | null => {
  if (/exceeds size limit|maxFileSize|FileTooBig|too large|exceeded/i.test(message)) return { status: 413, message: sizeMessage() };
  if (/is not allowed|Cannot verify file type|Validation failed for file/i.test(message)) return { status: 400, message: TYPE_MESSAGE };
  return null;
};

const UPLOAD_PATH = /^\/(api\/)?upload(\/|$)/;

const translate = (ctx: any, message: string) => {
  const french = frenchUploadError(message);
  if (!french) return false;
  ctx.status = french.status;
  ctx.body = { data: null, error: { status: french.status, name: french.status === 413 ? 'PayloadTooLargeError' : 'ValidationError', message: french.message, details: { field: 'files' } } };
  return true;
};

const media: BackOfficeModule = {
  name: 'media',
  register(strapi: Strapi) {
    strapi.config.set('plugin::upload.security', { allowedTypes: ALLOWED_TYPES, deniedTypes: DENIED_TYPES });
    strapi.server.use(async (ctx: any, next: () => Promise<void>) => {
      if (!UPLOAD_PATH.test(routePath(ctx.path))) return next();
      try {
        await next();
      } catch (e: any) {
        if (!translate(ctx, String(e?.message ?? ''))) throw e;
        return;
      }
      if (ctx.status >= 400 && ctx.body?.error?.message) translate(ctx, String(ctx.body.error.message));
    });
  },
};

export default media;
