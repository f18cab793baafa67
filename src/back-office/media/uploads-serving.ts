import fs from 'fs';
import path from 'path';
import type { Context } from 'koa';
import type { Strapi } from '../types';
import { servedAs } from './file-types';
import { isConfidentialStoredFile } from './confidential-files';
import { objectInfo, openObject, usesS3 } from './s3';

/**
 * How the public folder's uploads are served. Strapi serves `public/` with koa-static, typed by
 * extension, from the admin panel's origin; the router matches paths case-insensitively and
 * koa-send decodes and normalises them, so `/uploads/x`, `//uploads/x`, `/%75ploads/x` or
 * `/a/../uploads/x` all reach the same file. This middleware therefore decides on the file the
 * request resolves to, the way koa-send resolves it, not on the URL's spelling:
 *
 * - a confidential document's file is never served here (404): readers get it through the signed
 *   back-office address (private-files.ts);
 * - every uploaded file is sent with the type of the allow-list (unknown: an anonymous download),
 *   `X-Content-Type-Options: nosniff`, a `sandbox` Content-Security-Policy (even a file that a
 *   browser would render cannot run scripts of our origin), and as an attachment unless it is an image;
 * - with the S3 provider, `/uploads/<name>` is read from the (private) bucket and streamed the same
 *   way; a name the bucket does not hold falls through to the public folder (files stored there
 *   before the switch to S3).
 */

/** The response headers of a stored file, whoever serves it. */
export const hardenFileResponse = (ctx: Context, fileName: string, downloadName = fileName) => {
  const { type, inline } = servedAs(fileName);
  ctx.state.fileHardened = true;
  if (!inline) ctx.attachment(downloadName);
  ctx.set('Content-Type', type);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Content-Security-Policy', "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox");
};

/** The file a GET of `requestPath` would read under `root`, resolved as koa-send does, or null. */
export const resolveStaticPath = (root: string, requestPath: string): string | null => {
  let relative: string;
  try {
    relative = decodeURIComponent(requestPath.replace(/^[/\\]+/, ''));
  } catch {
    return null; // koa-send answers 400
  }
  if (relative.includes('\0')) return null;
  // koa-send serves `index.html` for a path ending with a slash
  if (/[/\\]$/.test(relative) || relative === '') relative += 'index.html';
  const resolved = path.resolve(root, path.normalize(relative));
  return resolved === root || resolved.startsWith(root + path.sep) ? resolved : null;
};

/**
 * The folder under `public/` a resolved path belongs to, in lower case (Strapi may run on a
 * case-insensitive disk), or null for a file at the root of `public/` or outside.
 */
const topFolder = (publicDir: string, file: string): string | null => {
  const relative = path.relative(publicDir, file);
  const parts = relative.split(path.sep);
  return parts.length > 1 && parts[0] !== '..' ? parts[0].toLowerCase() : null;
};

/** Answers a GET or HEAD of an uploaded file from the S3 bucket; false when the bucket does not hold it. */
const fromBucket = async (ctx: Context, target: string): Promise<boolean> => {
  const name = path.basename(target);
  if (ctx.method === 'HEAD') {
    const info = await objectInfo(name);
    if (!info) return false;
    ctx.status = 200;
    if (info.length !== undefined) ctx.length = info.length;
  } else {
    const object = await openObject(name);
    if (!object) return false;
    ctx.status = 200;
    ctx.body = object.body;
    if (object.length !== undefined) ctx.length = object.length;
    if (object.lastModified) ctx.lastModified = object.lastModified;
  }
  // as the public folder is served (Strapi's default for it)
  ctx.set('Cache-Control', 'public, max-age=60');
  hardenFileResponse(ctx, name);
  return true;
};

export const uploadsServing = (strapi: Strapi) => {
  const publicDir = path.resolve(strapi.dirs.static.public);
  return async (ctx: Context, next: () => Promise<void>) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const target = resolveStaticPath(publicDir, ctx.path);
    const folder = target ? topFolder(publicDir, target) : null;
    // `uploads`, and `uploads.before-restore` while a restore swaps the folders
    if (!target || !folder?.startsWith('uploads')) {
      await next();
      // whatever the route, a stream read from the uploads is hardened too
      const served: unknown = ctx.body instanceof fs.ReadStream ? ctx.body.path : undefined;
      if (typeof served === 'string' && !ctx.state.fileHardened && topFolder(publicDir, path.resolve(served))?.startsWith('uploads'))
        hardenFileResponse(ctx, path.basename(served));
      return;
    }
    if (folder === 'uploads' && (await isConfidentialStoredFile(strapi, path.basename(target)))) {
      ctx.status = 404;
      ctx.body = { data: null, error: { status: 404, name: 'NotFoundError', message: 'Fichier introuvable.', details: {} } };
      return;
    }
    if (
      folder === 'uploads' &&
      usesS3(strapi) &&
      path.dirname(target) === path.join(publicDir, 'uploads') &&
      (await fromBucket(ctx, target))
    )
      return;
    await next();
    const served = ctx.body instanceof fs.ReadStream && typeof ctx.body.path === 'string' ? ctx.body.path : target;
    if (ctx.status >= 200 && ctx.status < 300) hardenFileResponse(ctx, path.basename(served));
    else ctx.set('X-Content-Type-Options', 'nosniff');
  };
};
