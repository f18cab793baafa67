import path from 'path';
import { Readable } from 'stream';
import { file as fileUtils } from '@strapi/utils';
import { forbidden, notFound } from '../../core/errors';
import type { AdminContext, Strapi } from '../types';
import { RECEIPT_FILE_FLAGS } from '../media/file-flags';
import type { FileRow } from './rows';
import { readStoredFile } from '../media/s3';

const FILE = 'plugin::upload.file';

/**
 * The rendered PDF of a receipt, stored once when it is issued (and its cancelled version when it
 * is cancelled, the original kept): a receipt prints the same bytes forever, whatever later
 * changes to the code, the logo or the settings. The PDFs are media-library files of the upload
 * provider in use (the disk, or the S3 bucket: then drawn in memory and stored by the provider),
 * flagged confidential and tax receipt (media/file-flags.ts): `/uploads/...` answers 404 for them, the
 * media library hides them from the roles that may not read confidential files, and the receipts'
 * readers download them through `GET /back-office/receipts/:documentId/pdf`. They are never
 * deleted nor replaced (guardReceiptFiles).
 *
 * Storing is part of the issue's transaction: the file's record is written in it (rolled back with
 * the number), and the bytes written on disk meanwhile are removed if the transaction fails
 * (`withStoredFiles`), so a failure leaves neither a consumed number nor an orphan file.
 */

/** The files stored during one transaction, removed from the disk if it does not commit. */
export interface StoredFiles {
  /** the upload provider's file (before its record is written), then the file's record */
  files: UploadedFile[];
}

/** A file as the upload service names it and the upload provider writes and deletes it (the fields read here). */
type UploadedFile = Omit<FileRow, 'id'> & { id?: number; getStream?: () => Readable; [field: string]: unknown };

/** Runs `work` (which opens the transaction) with a list of the PDFs it stores; removes them from disk if it throws. */
export const withStoredFiles = async <T>(strapi: Strapi, work: (stored: StoredFiles) => Promise<T>): Promise<T> => {
  const stored: StoredFiles = { files: [] };
  try {
    return await work(stored);
  } catch (e) {
    // the file records were rolled back with the transaction; their bytes are removed here
    await Promise.all(
      stored.files.map((file) =>
        Promise.resolve(strapi.plugin('upload').provider.delete(file)).catch((err: unknown) =>
          strapi.log.error(
            `[reçus] fichier orphelin ${file.hash}${file.ext} non supprimé : ${(err as { message?: unknown } | null)?.message ?? err}`
          )
        )
      )
    );
    throw e;
  }
};

/**
 * Stores one PDF as a media-library file: the upload service names it (hash, extension, size), the
 * upload provider writes it within the upload size limit, and its record is written in the current
 * transaction. The upload service's `upload` is not used: it copies the bytes to a temporary folder
 * and asks the image library twice whether this is an image, for every one of thousands of receipts,
 * and the bytes were drawn here (their type is known).
 */
export const storePdf = async (strapi: Strapi, stored: StoredFiles, pdf: Buffer, name: string) => {
  const upload = strapi.plugin('upload');
  const entity: UploadedFile = await upload
    .service('upload')
    .formatFileInfo({ filename: name, type: 'application/pdf', size: pdf.length }, { name });
  entity.getStream = () => Readable.from([pdf]);
  await upload.service('provider').checkFileSize(entity);
  await upload.service('provider').upload(entity);
  delete entity.getStream;
  stored.files.push(entity);
  const file: FileRow = await strapi.db.query(FILE).create({
    data: { ...entity, ...RECEIPT_FILE_FLAGS, provider: strapi.config.get('plugin::upload.provider') },
  });
  stored.files[stored.files.length - 1] = file;
  return file;
};

/**
 * A receipt's PDF on its way to the media library: drawn straight into its file (local provider) and
 * not yet recorded, or drawn in memory (another provider).
 */
export type DrawnPdf = { entity: UploadedFile } | { pdf: Buffer; name: string };

/**
 * Draws a PDF (`draw.toFile`: into the file given, answering its size) where the local upload provider
 * keeps its files: the upload service names it (hash, extension), the file is listed in `stored` before
 * it is written (removed from disk if the transaction fails); nothing is written in the database yet
 * (recordPdf). The PDF's bytes never pass through this thread. With another provider, the PDF is drawn
 * in memory (`draw.toBuffer`) and stored by storePdf.
 */
export const drawPdf = async (
  strapi: Strapi,
  stored: StoredFiles,
  name: string,
  draw: { toFile: (file: string) => Promise<number>; toBuffer: () => Promise<Buffer> }
): Promise<DrawnPdf> => {
  if (strapi.config.get('plugin::upload.provider') !== 'local') return { pdf: await draw.toBuffer(), name };
  const upload = strapi.plugin('upload');
  const entity: UploadedFile = await upload
    .service('upload')
    .formatFileInfo({ filename: name, type: 'application/pdf', size: 0 }, { name });
  const full = diskPath(strapi, entity);
  if (!full) throw new Error(`[reçus] nom de fichier inattendu : ${entity.hash}${entity.ext}`);
  stored.files.push(entity);
  const size = await draw.toFile(full);
  // what the local provider and the upload service write of a file they stored
  Object.assign(entity, { size: fileUtils.bytesToKbytes(size), sizeInBytes: size, url: `/uploads/${entity.hash}${entity.ext}` });
  return { entity };
};

/** Writes the record of a PDF drawn by drawPdf in the current transaction, within the upload size limit. */
export const recordPdf = async (strapi: Strapi, stored: StoredFiles, drawn: DrawnPdf): Promise<FileRow> => {
  if ('pdf' in drawn) return storePdf(strapi, stored, drawn.pdf, drawn.name);
  await strapi.plugin('upload').service('provider').checkFileSize(drawn.entity);
  const file: FileRow = await strapi.db.query(FILE).create({ data: { ...drawn.entity, ...RECEIPT_FILE_FLAGS, provider: 'local' } });
  stored.files[stored.files.indexOf(drawn.entity)] = file;
  return file;
};

/** The path of a stored file on disk (local provider), or null. */
const diskPath = (strapi: Strapi, file: Pick<FileRow, 'hash' | 'ext'> | null | undefined): string | null => {
  if (!file?.hash) return null;
  const uploadsDir = path.resolve(strapi.dirs.static.public, 'uploads');
  const full = path.resolve(uploadsDir, `${file.hash}${file.ext ?? ''}`);
  return path.dirname(full) === uploadsDir ? full : null;
};

/** The stored bytes of a receipt's PDF, from the disk or the S3 bucket (404 in French when missing). */
export const storedPdf = async (
  strapi: Strapi,
  file: (Pick<FileRow, 'hash' | 'ext'> & { provider?: string | null }) | null | undefined
): Promise<Buffer> => {
  const bytes = await readStoredFile(strapi, file);
  if (!bytes) throw notFound('Reçu fiscal : le fichier PDF de ce reçu est introuvable.');
  return bytes;
};

/**
 * The ids, among `among`, of receipts' files (issued and cancelled versions): confidential, never
 * deleted. Read from the files' « reçu fiscal » flag (media/file-flags.ts), by slices: a folder of tens
 * of thousands of files would pass SQLite's limit of bound values.
 */
export const receiptFileIds = async (strapi: Strapi, among: number[]): Promise<number[]> => {
  const found: number[] = [];
  for (let i = 0; i < among.length; i += 5000) {
    const rows: Array<{ id: number }> = await strapi.db
      .query(FILE)
      .findMany({ where: { id: { $in: among.slice(i, i + 5000) }, taxReceipt: true }, select: ['id'] });
    found.push(...rows.map((r) => Number(r.id)));
  }
  return found;
};

/** What is wrapped of the upload service. */
interface UploadService {
  remove: (file: unknown) => Promise<unknown>;
  replace: (id: number | string, input: unknown, opts?: unknown) => Promise<unknown>;
}

/** What is wrapped of the media library's folder-and-file controller. */
interface FolderFileController {
  deleteMany: (ctx: AdminContext) => Promise<unknown>;
}

const NEVER_DELETED = 'Médiathèque : ce fichier est le PDF d’un reçu fiscal ; il est conservé tel quel (ni supprimé, ni remplacé).';

/**
 * A receipt's PDF is never deleted nor replaced, whoever asks (the super admin included) and by
 * whatever route: the upload service's `remove` and `replace` refuse it (403 in French), and the
 * bulk delete checks every file it would remove (folders' contents included) before removing any.
 */
export const guardReceiptFiles = (strapi: Strapi) => {
  const assertNotReceiptFiles = async (ids: number[]) => {
    if (ids.length && (await receiptFileIds(strapi, ids)).length) throw forbidden(NEVER_DELETED, 'files');
  };
  strapi.get('services').extend('plugin::upload.upload', (service: UploadService) => ({
    ...service,
    async remove(file: { id?: number | string } | null | undefined) {
      if (file?.id) await assertNotReceiptFiles([Number(file.id)]);
      return service.remove(file);
    },
    async replace(id: number | string, input: unknown, opts?: unknown) {
      await assertNotReceiptFiles([Number(id)]);
      return service.replace(id, input, opts);
    },
  }));
  strapi.get('controllers').extend('plugin::upload.admin-folder-file', (controller: FolderFileController) => ({
    ...controller,
    async deleteMany(ctx: AdminContext) {
      const fileIds: unknown[] = Array.isArray(ctx.request.body?.fileIds) ? ctx.request.body.fileIds : [];
      const folderIds: unknown[] = Array.isArray(ctx.request.body?.folderIds) ? ctx.request.body.folderIds : [];
      const folders = folderIds.length
        ? await strapi.db.query('plugin::upload.folder').findMany({ where: { id: { $in: folderIds } }, select: ['path'] })
        : [];
      const inFolders = folders.length
        ? await strapi.db.query(FILE).findMany({
            where: {
              $or: folders.flatMap((f: { path: string }) => [{ folderPath: f.path }, { folderPath: { $startsWith: `${f.path}/` } }]),
            },
            select: ['id'],
          })
        : [];
      await assertNotReceiptFiles([...fileIds.map(Number).filter(Number.isFinite), ...inFolders.map((f: { id: number }) => Number(f.id))]);
      return controller.deleteMany.call(this, ctx);
    },
  }));
};
