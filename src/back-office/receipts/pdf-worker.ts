import fs from 'fs';
import { parentPort } from 'worker_threads';
import { renderReceipt } from './pdf';
import type { PrintedReceipt } from './rows';

/**
 * The receipts' worker thread (render.ts): draws the receipts it is sent, one message each
 * ({ id, publicDir, receipt, file? }), and answers { id, pdf } (or, with `file`, writes the PDF there
 * and answers { id, size }: its bytes never reach the server's thread) or { id, error }, with the warnings met.
 */
parentPort?.on(
  'message',
  async ({ id, publicDir, receipt, file }: { id: number; publicDir: string; receipt: PrintedReceipt; file?: string }) => {
    const warnings: string[] = [];
    try {
      const pdf = await renderReceipt(publicDir, receipt, (message) => warnings.push(message));
      if (file) {
        await fs.promises.writeFile(file, pdf);
        parentPort!.postMessage({ id, size: pdf.length, warnings });
      } else parentPort!.postMessage({ id, pdf, warnings });
    } catch (e) {
      parentPort!.postMessage({ id, error: e instanceof Error ? (e.stack ?? e.message) : String(e), warnings });
    }
  }
);
