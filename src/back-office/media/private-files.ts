import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import type { Context } from 'koa';
import { forbidden, notFound } from '../../core/errors';
import type { Strapi } from '../types';
import { isConfidentialFile } from './confidential-files';
import { syncFileFlags } from './file-flags';
import { mayOnFiles } from './file-permissions';
import { hardenFileResponse } from './uploads-serving';
import { objectKey, openObject, S3_PROVIDER, usesS3 } from './s3';

const FILE = 'plugin::upload.file';
const DOCUMENT = 'api::document.document';
export const PRIVATE_FILE_PATH = '/back-office/files';

/** A media library file as the upload service hands it over (with its resized versions). */
interface UploadFile {
  id?: number;
  provider?: string;
  url?: string;
  isUrlSigned?: boolean;
  formats?: Record<string, Record<string, unknown>> | null;
  [field: string]: unknown;
}

/**
 * Confidential documents' files are not served under /uploads (uploads-serving.ts). The admin
 * panel still shows and downloads them with plain links (images, the media library's download
 * button, the document's file field), which carry no admin token; so the address of such a file in
 * an admin answer is a signed, short-lived back-office URL, bound to the admin and the session that
 * asked. Opening it re-checks, at that moment, that the session is still open and that the admin's
 * role may read the file (the media library's conditions included); a link copied out of the panel
 * dies with the session or after at most LIFETIME.
 *
 * This uses Strapi's own hook for private providers, `signFileUrls`, which the media library calls
 * on every file it answers with: confidential files get their signed address there, the others keep
 * their public /uploads one. The document form reads its file through the document service, so a
 * document-service middleware does the same for documents (no other content type points to them).
 *
 * With the S3 provider the bucket is private: after the same checks, the back-office address streams
 * the object from the bucket with the same headers (s3.ts); the bucket's own address is never given.
 */
const LIFETIME_S = 30 * 60;
// URLs stay the same for 10 minutes, so the browser can cache what it showed
const STEP_S = 10 * 60;

interface FileClaim {
  /** file id */
  f: number;
  /** `original` or a format (thumbnail, small...) */
  k: string;
  /** admin user id */
  u: number;
  /** admin session id */
  s: string;
  /** expiry, seconds since the epoch */
  e: number;
}

const keyOf = (strapi: Strapi) =>
  crypto
    .createHmac('sha256', String(strapi.config.get('admin.auth.secret')))
    .update('asso-back-office:private-file-url')
    .digest();

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export const signFileClaim = (key: Buffer, claim: FileClaim): string => {
  const body = b64(JSON.stringify(claim));
  return `${body}.${b64(crypto.createHmac('sha256', key).update(body).digest())}`;
};

export const readFileClaim = (key: Buffer, token: unknown): FileClaim | null => {
  if (typeof token !== 'string') return null;
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return null;
  const expected = crypto.createHmac('sha256', key).update(body).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  try {
    const claim = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return claim && typeof claim === 'object' ? (claim as FileClaim) : null;
  } catch {
    return null;
  }
};

/** The admin user and session of the current request, if it is an admin panel request. */
const currentAdmin = (strapi: Strapi): { userId: number; sessionId: string } | null => {
  const ctx = strapi.requestContext.get();
  const user = ctx?.state?.user;
  const sessionId = ctx?.state?.session?.id;
  if (ctx?.state?.auth?.strategy?.name !== 'admin' || !user?.id || !sessionId) return null;
  return { userId: Number(user.id), sessionId: String(sessionId) };
};

const privateUrl = (key: Buffer, claim: FileClaim) =>
  `${PRIVATE_FILE_PATH}/${claim.f}?format=${encodeURIComponent(claim.k)}&token=${signFileClaim(key, claim)}`;

export const registerPrivateFiles = (strapi: Strapi) => {
  const key = keyOf(strapi);
  /** the providers whose files this module serves: the disk, and the S3 bucket when it is the one in use */
  const servedProvider = (provider: unknown) => !provider || provider === 'local' || (provider === S3_PROVIDER && usesS3(strapi));

  strapi.get('services').extend('plugin::upload.file', (service: Record<string, unknown>) => ({
    ...service,
    async signFileUrls(file: UploadFile | null | undefined) {
      if (!file) return file;
      file.isUrlSigned = false;
      if (!servedProvider(file.provider) || typeof file.id !== 'number') return file;
      if (!(await isConfidentialFile(strapi, { ...file, id: file.id }))) return file;
      const admin = currentAdmin(strapi);
      // anyone else (an API token, a script) keeps the /uploads address, which answers 404
      if (!admin) return file;
      const e = Math.ceil(Date.now() / 1000 / STEP_S) * STEP_S + LIFETIME_S;
      const signed = { ...file, isUrlSigned: true };
      signed.url = privateUrl(key, { f: file.id, k: 'original', u: admin.userId, s: admin.sessionId, e });
      if (file.formats && typeof file.formats === 'object') {
        signed.formats = Object.fromEntries(
          Object.entries(file.formats).map(([k, format]) => [
            k,
            { ...format, url: privateUrl(key, { f: file.id, k, u: admin.userId, s: admin.sessionId, e }) },
          ])
        );
      }
      return signed;
    },
  }));

  // after a write the file's flag read with the document predates syncFileFlags: it is read again
  const WRITES = new Set(['create', 'update', 'delete', 'clone', 'publish', 'unpublish', 'discardDraft']);
  const signDocument = async (entry: unknown, written: boolean) => {
    if (!entry || typeof entry !== 'object' || !('file' in entry) || !entry.file || typeof entry.file !== 'object') return entry;
    const file: Record<string, unknown> = { ...entry.file };
    if (written) delete file.confidential;
    return { ...entry, file: await strapi.plugin('upload').service('file').signFileUrls(file) };
  };
  strapi.documents.use(async (ctx, next) => {
    const result = await next();
    if (ctx.uid !== DOCUMENT) return result;
    const written = WRITES.has(ctx.action);
    // a document's flag, file or removal changes which files are confidential
    if (written) await syncFileFlags(strapi);
    if (!result || typeof result !== 'object') return result;
    // the same documents, their file's addresses signed
    const sign = (entry: unknown) => signDocument(entry, written);
    const signed = Array.isArray(result)
      ? await Promise.all(result.map(sign))
      : 'entries' in result && Array.isArray(result.entries)
        ? { ...result, entries: await Promise.all(result.entries.map(sign)) }
        : await sign(result);
    return signed as typeof result;
  });

  const denied = () => forbidden('Fichier : lien invalide ou expiré ; rouvrez le fichier depuis le panneau d’administration.');

  strapi.server.routes({
    type: 'admin',
    prefix: '/back-office',
    routes: [
      {
        method: 'GET',
        path: '/files/:id',
        info: { type: 'admin' },
        // the signed token is the credential: a link opened by the browser carries no admin token
        config: { auth: false },
        async handler(ctx: Context) {
          const claim = readFileClaim(key, ctx.query.token);
          const format = typeof ctx.query.format === 'string' ? ctx.query.format : 'original';
          if (!claim || String(claim.f) !== String(ctx.params.id) || claim.k !== format || !(claim.e > Date.now() / 1000)) throw denied();
          if (!(await strapi.sessionManager('admin').isSessionActive(claim.s))) throw denied();
          const user = await strapi.db.query('admin::user').findOne({ where: { id: claim.u }, populate: ['roles'] });
          if (!user || user.isActive !== true || user.blocked === true) throw denied();
          const file = await strapi.db.query(FILE).findOne({ where: { id: claim.f } });
          if (!file) throw notFound('Fichier introuvable.');
          const ability = await strapi.admin.services.permission.engine.generateUserAbility(user);
          if (!(await mayOnFiles(strapi, ability, 'plugin::upload.read', [file]))) throw denied();
          const stored = format === 'original' ? file : file.formats?.[format];
          if (!stored?.hash || !servedProvider(file.provider)) throw notFound('Fichier introuvable.');
          const name = `${stored.hash}${stored.ext ?? ''}`;
          const downloadName = `${path.parse(String(file.name ?? stored.hash)).name}${String(stored.ext ?? '').toLowerCase()}`;
          if (file.provider === S3_PROVIDER) {
            const object = await openObject(objectKey(stored));
            if (!object) throw notFound('Fichier introuvable.');
            ctx.status = 200;
            ctx.body = object.body;
            if (object.length !== undefined) ctx.length = object.length;
            hardenFileResponse(ctx, name, downloadName);
            ctx.set('Cache-Control', 'private, max-age=600');
            ctx.set('Referrer-Policy', 'no-referrer');
            return;
          }
          const uploadsDir = path.resolve(strapi.dirs.static.public, 'uploads');
          const fullPath = path.resolve(uploadsDir, name);
          if (path.dirname(fullPath) !== uploadsDir) throw notFound('Fichier introuvable.');
          const stat = await fs.promises.stat(fullPath).catch(() => null);
          if (!stat?.isFile()) throw notFound('Fichier introuvable.');
          ctx.status = 200;
          ctx.body = fs.createReadStream(fullPath);
          ctx.length = stat.size;
          hardenFileResponse(ctx, name, downloadName);
          ctx.set('Cache-Control', 'private, max-age=600');
          ctx.set('Referrer-Policy', 'no-referrer');
        },
      },
    ],
  });
};
