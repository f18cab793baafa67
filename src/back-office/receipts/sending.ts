import type { Strapi } from '../types';
import { Mail, mailBrand } from '../mail';
import { addDeliveries, countDeliveries, Delivery, DeliverySeries, markInterrupted, sendDeliveries } from '../mail/deliveries';
import { formatCentsAsEuros } from '../pdf/typography';
import { RECEIPT } from './plan';
import type { FileRow, ReceiptRow } from './rows';
import { storedPdf } from './storage';
import { toCents } from './words';

export const RECEIPT_DELIVERY = 'api::receipt-delivery.receipt-delivery';

/**
 * E-mailing the receipts of a year to their donors, the stored PDF attached, through the engine of
 * every mass mailing (mail/deliveries.ts: one delivery record per receipt, batches, pace, resume
 * after an SMTP failure, never twice). A receipt has one record, ever (its key is the receipt):
 * sending the year again only sends what is left. Cancelled receipts are not sent (a record queued
 * before the cancellation is withdrawn); donors without an e-mail address are listed for printing.
 */
const live = (year: number) => ({ numberYear: year, cancelled: false });

const seriesOf = (year: number): DeliverySeries => ({ uid: RECEIPT_DELIVERY, scope: { year } });

const running = new Map<number, Promise<void>>();

const mailOf = async (strapi: Strapi, delivery: Delivery, brand: Mail['brand']): Promise<Mail> => {
  const record: { receipt?: (ReceiptRow & { pdf: FileRow | null }) | null } | null = await strapi.db
    .query(RECEIPT_DELIVERY)
    .findOne({ where: { id: delivery.id }, select: ['id'], populate: { receipt: { populate: { pdf: true } } } });
  const receipt = record?.receipt;
  if (!receipt) throw new Error('Reçu fiscal introuvable pour cet envoi.');
  return {
    to: delivery.email,
    subject: `Votre reçu fiscal n° ${receipt.number} — ${receipt.snapshot?.issuer?.name ?? brand?.name ?? ''}`,
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
      { filename: `recu-fiscal-${receipt.number}.pdf`, content: await storedPdf(strapi, receipt.pdf), contentType: 'application/pdf' },
    ],
  };
};

/** Where the sending of a year stands: counts by state, and the receipts to print (no e-mail). */
export const sendingStatus = async (strapi: Strapi, year: number) => {
  const withoutEmail = await strapi.db.query(RECEIPT).findMany({
    where: { ...live(year), $or: [{ donorEmail: { $null: true } }, { donorEmail: '' }] },
    select: ['documentId', 'number', 'donorName', 'total'],
    orderBy: { sequence: 'asc' },
  });
  const { recipientsCount, sentCount, failedCount } = await countDeliveries(strapi, seriesOf(year));
  return {
    year,
    running: running.has(year),
    receipts: await strapi.db.query(RECEIPT).count({ where: live(year) }),
    pending: recipientsCount - sentCount - failedCount,
    sent: sentCount,
    failed: failedCount,
    withoutEmail,
  };
};

/** A delivery record for every live receipt of the year that has an e-mail address and none yet. */
const queue = async (strapi: Strapi, year: number) => {
  const receipts = await strapi.db.query(RECEIPT).findMany({
    where: { ...live(year), donorEmail: { $notNull: true, $ne: '' } },
    select: ['id', 'documentId', 'donorEmail', 'donorName'],
    orderBy: { sequence: 'asc' },
  });
  await addDeliveries(
    strapi,
    seriesOf(year),
    receipts.map((r: Pick<ReceiptRow, 'id' | 'documentId' | 'donorEmail' | 'donorName'>) => ({
      email: r.donorEmail,
      lastName: r.donorName,
      key: `receipt-${r.id}`,
      data: { receipt: r.documentId },
    }))
  );
};

const run = async (strapi: Strapi, year: number) => {
  const series = seriesOf(year);
  const brand = await mailBrand(strapi);
  await queue(strapi, year);
  await markInterrupted(strapi, series);
  await sendDeliveries(strapi, series, {
    mailFor: (d) => mailOf(strapi, d, brand),
    // a receipt cancelled after its record was queued is not sent
    withdrawn: async (batch) =>
      new Set(
        (
          await strapi.db.query(RECEIPT_DELIVERY).findMany({
            where: { id: { $in: batch.map((d) => d.id) }, $or: [{ receipt: { cancelled: true } }, { receipt: { id: { $null: true } } }] },
            select: ['id'],
          })
        ).map((d: { id: number }) => d.id)
      ),
    afterSent: async (d) => {
      const record = await strapi.db
        .query(RECEIPT_DELIVERY)
        .findOne({ where: { id: d.id }, select: ['id', 'sentAt'], populate: { receipt: { select: ['id'] } } });
      if (record?.receipt)
        await strapi.db.query(RECEIPT).update({ where: { id: record.receipt.id }, data: { sentAt: record.sentAt ?? new Date() } });
    },
  });
  const status = await sendingStatus(strapi, year);
  if (status.failed || status.pending)
    strapi.log.warn(`[reçus] envoi ${year} incomplet (${status.failed} en échec) ; relancez l'envoi pour reprendre.`);
};

/**
 * Starts (or resumes) the sending of the year's receipts in the background and answers at once:
 * every live receipt with an e-mail address and no delivery record gets one, then the records
 * still to send go out. Sending again only sends what is left.
 */
export const startSending = async (strapi: Strapi, year: number) => {
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
  const rows = await strapi.db.query(RECEIPT_DELIVERY).findMany({ where: { status: 'pending' }, select: ['year'] });
  for (const year of new Set<number>(rows.map((r: { year: number }) => r.year))) {
    strapi.log.info(`[reçus] reprise de l'envoi des reçus ${year}`);
    await startSending(strapi, year).catch((e) => strapi.log.error(`[reçus] reprise impossible : ${e?.message ?? e}`));
  }
};
