import { parentPort } from 'worker_threads';
import { renderReceipt } from './pdf';
import type { PrintedReceipt } from './rows';

/**
 * The receipts' worker thread (render.ts): draws the receipts it is sent, one message each
 * ({ id, publicDir, receipt }), and answers { id, pdf } or { id, error }, with the warnings met.
 */
parentPort?.on('message', async ({ id, publicDir, receipt }: { id: number; publicDir: string; receipt: PrintedReceipt }) => {
  const warnings: string[] = [];
  try {
    const pdf = await renderReceipt(publicDir, receipt, (message) => warnings.push(message));
    parentPort!.postMessage({ id, pdf, warnings });
  } catch (e) {
    parentPort!.postMessage({ id, error: e instanceof Error ? (e.stack ?? e.message) : String(e), warnings });
  }
});
