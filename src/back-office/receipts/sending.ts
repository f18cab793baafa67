import type { Strapi } from '../types';
import { mailBrand } from '../mail';
import { deliver } from '../mail/row-deliveries';
import { formatCentsAsEuros } from '../pdf/typography';
import { RECEIPT } from './plan';
import { receiptPdf } from './pdf';
import { toCents } from './words';

/**
 * E-mailing the receipts of a year to their donors, PDF attached, with the delivery guarantees of
 * every mass mailing (mail/deliveries.ts: batches, pace, resume after an SMTP failure, never twice).
 * The delivery state lives on the receipt itself (emailStatus, emailAttemptedAt, emailAttempts,
 * emailError, sentAt): one mail per receipt, ever. Cancelled receipts are not sent; donors without
 * an e-mail address are listed for printing.
 */
const FIELDS = { status: 'emailStatus', attemptedAt: 'emailAttemptedAt', attempts: 'emailAttempts', sentAt: 'sentAt', error: 'emailError' };

const live = (year: number) => ({ numberYear: year, cancelled: false });

const running = new Map<number, Promise<void>>();

const mailOf = async (strapi: Strapi, receipt: any, brand: any) => ({
  to: receipt.donorEmail,
  subject: `Votre reçu fiscal n° ${receipt.number} — ${receipt.snapshot?.issuer?.name ?? brand.name}`,
  brand,
  text: [
    `Bonjour,`,
    ``,
    `Merci pour votre générosité. Vous trouverez ci-joint le reçu fiscal n° ${receipt.number} de ${formatCentsAsEuros(toCents(receipt.total))}, à conserver : il justifie la réduction d’impôt de vos dons.`,
    ``,
    `Cordialement,`,
    `${receipt.snapshot?.issuer?.signatoryName ?? ''}, ${receipt.snapshot?.issuer?.signatoryCapacity ?? ''}`,
  ].join('\n'),
  attachments: [
    { filename: `recu-fiscal-${receipt.number}.pdf`, content: await receiptPdf(strapi, receipt), contentType: 'application/pdf' },
  ],
});

/** Where the sending of a year stands: counts by state, and the receipts to print (no e-mail). */
export const sendingStatus = async (strapi: Strapi, year: number) => {
  const q = strapi.db.query(RECEIPT);
  const count = (where: any) => q.count({ where: { ...live(year), ...where } });
  const withoutEmail = await q.findMany({
    where: { ...live(year), $or: [{ donorEmail: { $null: true } }, { donorEmail: '' }] },
    select: ['documentId', 'number', 'donorName', 'total'],
    orderBy: { sequence: 'asc' },
  });
  return {
    year,
    running: running.has(year),
    receipts: await count({}),
    pending: await count({ emailStatus: 'pending' }),
    sent: await count({ emailStatus: 'sent' }),
    failed: await count({ emailStatus: 'failed' }),
    withoutEmail,
  };
};

const run = async (strapi: Strapi, year: number) => {
  const brand = await mailBrand(strapi);
  const result = await deliver(strapi, { uid: RECEIPT, where: live(year), fields: FIELDS, mail: (r) => mailOf(strapi, r, brand) });
  if (result.stopped) strapi.log.warn(`[reçus] envoi ${year} arrêté après des refus du serveur SMTP ; relancez l'envoi pour reprendre.`);
};

/**
 * Queues every live receipt of the year that has an e-mail address and was never queued, then
 * starts (or resumes) the sending in the background. Sending again only sends what is left.
 */
export const startSending = async (strapi: Strapi, year: number) => {
  await strapi.db.query(RECEIPT).updateMany({
    where: { ...live(year), emailStatus: { $null: true }, donorEmail: { $notNull: true, $ne: '' } },
    data: { emailStatus: 'pending' },
  });
  if (!running.has(year)) {
    const job = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => run(strapi, year))
      .catch((e) => {
        strapi.log.error(`[reçus] envoi ${year} interrompu : ${e?.stack ?? e}`);
      })
      .finally(() => running.delete(year));
    running.set(year, job);
  }
  return sendingStatus(strapi, year);
};

/** At boot: sendings left half-done by a stop or a crash are resumed. */
export const resumeInterrupted = async (strapi: Strapi) => {
  const rows = await strapi.db.query(RECEIPT).findMany({ where: { emailStatus: 'pending', cancelled: false }, select: ['numberYear'] });
  for (const year of new Set<number>(rows.map((r: any) => r.numberYear))) {
    strapi.log.info(`[reçus] reprise de l'envoi des reçus ${year}`);
    await startSending(strapi, year).catch((e) => strapi.log.error(`[reçus] reprise impossible : ${e?.message ?? e}`));
  }
};
