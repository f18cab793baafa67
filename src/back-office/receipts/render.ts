import fs from 'fs';
import path from 'path';
import { Worker } from 'worker_threads';
import type { Strapi } from '../types';
import type { PrintedReceipt } from './rows';
import { imagesFolder } from '../media/s3';

/**
 * The receipts' PDFs are drawn in a worker thread of their own, one for the process, started at the
 * first receipt and stopped after a minute without one. Two gains for a generation of thousands of
 * receipts: the drawing runs beside the database writes instead of between them (the issue's
 * transaction waits less), and its short-lived objects are collected in the worker's small heap
 * instead of swelling the server's (the server's memory stays flat). A receipt is sent with
 * everything it prints (its snapshot, number, replaced number, cancellation) and comes back as
 * the PDF's bytes; an error while drawing comes back as an error of the caller.
 *
 * Without the compiled worker file (code run from its TypeScript sources), the receipt is drawn in
 * the process, the same way.
 */
type Draw = (publicDir: string, receipt: PrintedReceipt, warn?: (message: string) => void) => Promise<Buffer>;
interface Pending {
  resolve: (pdf: Buffer | number) => void;
  reject: (e: Error) => void;
}
interface Renderer {
  worker: Worker;
  pending: Map<number, Pending>;
  idle?: NodeJS.Timeout;
}

const WORKER_FILE = path.join(__dirname, 'pdf-worker.js');
const IDLE_MS = 60_000;
/**
 * The worker's heap, small: a receipt's short-lived objects (fonts' tables, layout) are collected
 * early instead of letting the heap grow (measured over 600 receipts: 30 MB of growth instead of 86,
 * at the same speed). A receipt needs a few megabytes, a summary of hundreds of gifts a few more.
 */
const LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };

let current: Renderer | null = null;
let nextId = 0;

const start = (strapi: Strapi): Renderer => {
  const renderer: Renderer = { worker: new Worker(WORKER_FILE, { resourceLimits: LIMITS }), pending: new Map() };
  const { worker, pending } = renderer;
  // never keeps the process alive (a stopping server, the end of a test run)
  worker.unref();
  const fail = (e: Error) => {
    if (current === renderer) current = null;
    clearTimeout(renderer.idle);
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on(
    'message',
    ({ id, pdf, size, error, warnings }: { id: number; pdf?: Uint8Array; size?: number; error?: string; warnings?: string[] }) => {
      for (const message of warnings ?? []) strapi.log.warn(message);
      const p = pending.get(id);
      if (!p) return;
      pending.delete(id);
      if (error !== undefined || (!pdf && size === undefined)) p.reject(new Error(`[reçus] PDF non dessiné : ${error}`));
      else p.resolve(pdf ? Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength) : size!);
      if (!pending.size) {
        renderer.idle = setTimeout(() => {
          if (current === renderer) current = null;
          void worker.terminate();
        }, IDLE_MS);
        renderer.idle.unref();
      }
    }
  );
  worker.on('error', (e) => fail(e));
  worker.on('exit', (code) => fail(new Error(`[reçus] le dessin des PDF s’est arrêté (code ${code}).`)));
  return renderer;
};

/** The folder the receipt's images (logo, signature) are read from: the public folder, or local copies of the S3 objects. */
export const receiptImagesFolder = (strapi: Strapi, receipt: PrintedReceipt) =>
  imagesFolder(strapi, [receipt.snapshot?.issuer?.logo, receipt.snapshot?.issuer?.signature]);

/** Sends one receipt to the worker: its PDF comes back, or its size once the worker wrote it to `file`. */
const send = async (strapi: Strapi, receipt: PrintedReceipt, file?: string) => {
  const publicDir = await receiptImagesFolder(strapi, receipt);
  const renderer = (current ??= start(strapi));
  clearTimeout(renderer.idle);
  const id = ++nextId;
  return new Promise<Buffer | number>((resolve, reject) => {
    renderer.pending.set(id, { resolve, reject });
    renderer.worker.postMessage({ id, publicDir, receipt, file });
  });
};

/** Draws one receipt (with its `replacesNumber`) in the worker; `draw` in the process when there is no compiled worker. */
export const renderInWorker = async (strapi: Strapi, receipt: PrintedReceipt, draw: Draw): Promise<Buffer> => {
  if (!fs.existsSync(WORKER_FILE)) return draw(await receiptImagesFolder(strapi, receipt), receipt, (message) => strapi.log.warn(message));
  return (await send(strapi, receipt)) as Buffer;
};

/**
 * Draws one receipt into the file `file` (written by the worker) and answers its size in bytes: the
 * PDF's bytes never reach the server's thread. A generation of thousands of receipts otherwise holds
 * each PDF there (about 25 KB) across the database writes of its receipt, long enough for it to
 * outlive the young objects' collections: tens of MB of PDFs waited for a full collection.
 */
export const renderFileInWorker = async (strapi: Strapi, receipt: PrintedReceipt, draw: Draw, file: string): Promise<number> => {
  if (!fs.existsSync(WORKER_FILE)) {
    const pdf = await draw(await receiptImagesFolder(strapi, receipt), receipt, (message) => strapi.log.warn(message));
    await fs.promises.writeFile(file, pdf);
    return pdf.length;
  }
  return (await send(strapi, receipt, file)) as number;
};
