import fs from 'fs';
import os from 'os';
import path from 'path';
import crypto from 'crypto';
import type { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { GetObjectCommand, HeadObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { readEnv } from '../../core/config';
import type { Strapi } from '../types';

/**
 * Uploads on an S3-compatible storage (UPLOAD_PROVIDER=s3): Strapi's official provider
 * `@strapi/provider-upload-aws-s3` writes and deletes the objects, this module reads them.
 *
 * The bucket is private: no object is sent with an ACL (the bucket's own, private, applies) and the
 * provider does not declare itself private, so Strapi signs nothing by itself. Every file keeps the
 * address the local provider gives it, `/uploads/<hash><ext>` (the provider's `baseUrl`), and:
 * - the public website and the mails read `/uploads/...` from Strapi, which streams the object from
 *   the bucket with the same checks and headers as a local file (uploads-serving.ts): stable
 *   addresses that the website may keep in its pages, one place that refuses confidential files;
 * - a confidential document's file is opened only through the signed, short-lived back-office
 *   address (private-files.ts), which, after its checks, streams the object: the bucket's address
 *   and credentials never leave the server, and the bucket need not be reachable from browsers
 *   (no CORS rule: the media library's download button fetches the file);
 * - the PDFs read the logo and signature through a local copy (imagesFolder).
 */
export const S3_PROVIDER = 'aws-s3';

/** The S3 client's settings, the same for the provider (config/plugins.ts) and this module. */
export const s3ClientSettings = (): S3ClientConfig => {
  const endpoint = readEnv('S3_ENDPOINT');
  return {
    region: readEnv('S3_REGION') ?? undefined,
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: readEnv('S3_FORCE_PATH_STYLE'),
    credentials: { accessKeyId: readEnv('S3_ACCESS_KEY_ID') ?? '', secretAccessKey: readEnv('S3_SECRET_ACCESS_KEY') ?? '' },
    // checksums only where S3 requires them: several S3-compatible servers refuse the newer
    // streaming checksums the SDK would otherwise add to every upload
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
};

/** The upload plugin's settings for the S3 provider. */
export const s3ProviderOptions = () => ({
  // every file's address is /uploads/<key>, served by Strapi (uploads-serving.ts)
  baseUrl: '/uploads',
  s3Options: {
    ...s3ClientSettings(),
    // ACL present but empty: the provider then sends none (its default would be public-read) and
    // does not call itself private (Strapi would replace every address by a presigned one, which
    // expires in the website's pages)
    params: { Bucket: readEnv('S3_BUCKET') ?? '', ACL: '' },
  },
});

/** Whether the upload provider in use is the S3 one. */
export const usesS3 = (strapi: Strapi) => strapi.config.get('plugin::upload.provider') === S3_PROVIDER;

let client: { key: string; s3: S3Client } | null = null;
const s3 = () => {
  const settings = s3ClientSettings();
  const key = JSON.stringify(settings);
  if (client?.key !== key) client = { key, s3: new S3Client(settings) };
  return client.s3;
};
const bucket = () => readEnv('S3_BUCKET') ?? '';

/** Closes the S3 client's connections (the server stops). */
export const closeS3Client = () => {
  client?.s3.destroy();
  client = null;
};

/** The object key of a stored file, as the provider names it (`<hash><ext>`). */
export const objectKey = (file: { hash?: string | null; ext?: string | null }) =>
  `${String(file.hash ?? '').replace(/\.\./g, '')}${String(file.ext ?? '').replace(/[^a-zA-Z0-9.]/g, '')}`;

const isMissing = (e: unknown) => {
  const error = e as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return error?.name === 'NoSuchKey' || error?.name === 'NotFound' || error?.$metadata?.httpStatusCode === 404;
};

export interface StoredObject {
  body: Readable;
  length?: number;
  etag?: string;
  lastModified?: Date;
}

/** An object of the bucket as a stream, or null when it does not exist. */
export const openObject = async (key: string): Promise<StoredObject | null> => {
  try {
    const answer = await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
    return { body: answer.Body as Readable, length: answer.ContentLength, etag: answer.ETag, lastModified: answer.LastModified };
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
};

/** The object's size and tag (for HEAD), or null when it does not exist. */
export const objectInfo = async (key: string): Promise<Omit<StoredObject, 'body'> | null> => {
  try {
    const answer = await s3().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
    return { length: answer.ContentLength, etag: answer.ETag, lastModified: answer.LastModified };
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
};

/** An object's bytes, or null when it does not exist. */
export const readObject = async (key: string): Promise<Buffer | null> => {
  const object = await openObject(key);
  if (!object) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
};

/**
 * The folder of local copies of the bucket's images that the PDFs print (the association's logo,
 * the receipts' signature): `<folder>/uploads/<key>`, the same layout as the public folder.
 */
const copiesFolder = () =>
  path.join(
    os.tmpdir(),
    `asso-uploads-${crypto
      .createHash('sha256')
      .update(`${readEnv('S3_ENDPOINT') ?? ''} ${bucket()}`)
      .digest('hex')
      .slice(0, 12)}`
  );

/**
 * The copies this process made: the object's tag and when it was last compared. A replaced file
 * keeps its key (Strapi keeps the hash so that its address does not change): a copy is compared
 * with the object again after COPY_CHECK_MS, and fetched anew when the object changed.
 */
const copies = new Map<string, { etag?: string; checkedAt: number }>();
const COPY_CHECK_MS = 60_000;

const refreshCopy = async (name: string, copy: string) => {
  const known = copies.get(name);
  if (known && Date.now() - known.checkedAt < COPY_CHECK_MS && fs.existsSync(copy)) return;
  if (known && fs.existsSync(copy)) {
    const info = await objectInfo(name);
    if (info && info.etag === known.etag) {
      known.checkedAt = Date.now();
      return;
    }
  }
  const object = await openObject(name);
  if (!object) {
    await fs.promises.rm(copy, { force: true });
    copies.delete(name);
    return;
  }
  // written aside then renamed: a PDF drawn meanwhile never reads half a file
  const partial = `${copy}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.part`;
  await pipeline(object.body, fs.createWriteStream(partial, { mode: 0o600 }));
  await fs.promises.rename(partial, copy);
  copies.set(name, { etag: object.etag, checkedAt: Date.now() });
};

/**
 * The folder from which the files at `urls` (`/uploads/<name>`) are read, as `path.join(folder, url)`:
 * the public folder (local provider), or the local copies of the bucket's objects, fetched here
 * when missing or changed. A file that is not in the bucket is left out (the PDF prints without it).
 */
export const imagesFolder = async (strapi: Strapi, urls: Array<string | null | undefined>): Promise<string> => {
  if (!usesS3(strapi)) return strapi.dirs.static.public;
  const root = copiesFolder();
  const dir = path.join(root, 'uploads');
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  for (const url of new Set(urls)) {
    const name = url?.match(/^\/uploads\/([^/\\]+)$/)?.[1];
    if (!name || name.startsWith('.')) continue;
    await refreshCopy(name, path.join(dir, name)).catch((e: unknown) =>
      strapi.log.warn(`[fichiers] lecture de ${name} dans le stockage S3 impossible : ${(e as Error | null)?.message ?? e}`)
    );
  }
  return root;
};

/** The bytes of a stored file of either provider (local: from the public folder), or null when missing. */
export const readStoredFile = async (
  strapi: Strapi,
  file: { hash?: string | null; ext?: string | null; provider?: string | null } | null | undefined
): Promise<Buffer | null> => {
  if (!file?.hash) return null;
  const key = objectKey(file);
  if (file.provider === S3_PROVIDER) return usesS3(strapi) ? readObject(key) : null;
  const uploadsDir = path.resolve(strapi.dirs.static.public, 'uploads');
  const full = path.resolve(uploadsDir, key);
  if (path.dirname(full) !== uploadsDir) return null;
  return fs.promises.readFile(full).catch(() => null);
};
