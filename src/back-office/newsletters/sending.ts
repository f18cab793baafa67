import { badRequest, notFound } from '../../core/errors';
import type { Strapi } from '../types';
import { readAssociation } from '../../core/association';
import { Mail, mailBrand } from '../mail';
import { addDeliveries, countDeliveries, DeliverySeries, markInterrupted, sendDeliveries } from '../mail/deliveries';
import { recipientsOf, suppressedAddresses, Recipient } from './audience';
import { renderNewsletter } from './render';
import { unsubscribeUrl } from './tokens';

export { INTERRUPTED } from '../mail/deliveries';

const NEWSLETTER = 'api::newsletter.newsletter';
const DELIVERY = 'api::newsletter-delivery.newsletter-delivery';

/** What the sending reads of a stored newsletter (strapi.db.query rows are typed as any). */
export interface NewsletterRow {
  id: number;
  documentId: string;
  subject: string;
  body?: unknown;
  status: string;
  recipientsCount?: number;
  sentCount?: number;
  failedCount?: number;
  sentAt?: unknown;
}

/** A newsletter's counts, and the status it moves to. */
type NewsletterCounts = Awaited<ReturnType<typeof countDeliveries>> & { status?: string; sentAt?: Date };

export const senderName = async (strapi: Strapi) => (await readAssociation(strapi, ['name'])).name;

/** One recipient's mail, with the one-click unsubscribe headers (RFC 2369 / RFC 8058). */
export const newsletterMail = (
  strapi: Strapi,
  newsletter: Pick<NewsletterRow, 'subject' | 'body'>,
  r: Recipient,
  sender: string,
  subjectPrefix = ''
): Mail => {
  const url = unsubscribeUrl(strapi, r.email);
  const rendered = renderNewsletter(newsletter, { firstName: r.firstName, lastName: r.lastName, unsubscribeUrl: url }, sender);
  return {
    to: r.email,
    subject: `${subjectPrefix}${rendered.subject}`,
    body: rendered.body,
    headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
};

/** The newsletter's delivery records (mail/deliveries.ts). */
const seriesOf = (newsletter: Pick<NewsletterRow, 'id' | 'documentId'>): DeliverySeries => ({
  uid: DELIVERY,
  parentField: 'newsletter',
  parentId: newsletter.id,
  parentDocumentId: newsletter.documentId,
});

/** Recounts the deliveries into the newsletter (status and counts shown in the admin). */
const updateCounts = async (strapi: Strapi, newsletter: Pick<NewsletterRow, 'id' | 'documentId'>, status?: string) => {
  const data: NewsletterCounts = await countDeliveries(strapi, seriesOf(newsletter));
  if (status) data.status = status;
  if (status === 'sent') data.sentAt = new Date();
  await strapi.db.query(NEWSLETTER).update({ where: { id: newsletter.id }, data });
  return data;
};

const running = new Map<string, Promise<void>>();

/** The sending: a record per recipient, then the records still to send (mail/deliveries.ts). */
const run = async (strapi: Strapi, documentId: string) => {
  const newsletter: NewsletterRow = await strapi.db.query(NEWSLETTER).findOne({ where: { documentId } });
  const series = seriesOf(newsletter);
  const sender = await senderName(strapi);
  const brand = await mailBrand(strapi);
  await addDeliveries(strapi, series, await recipientsOf(strapi, newsletter.documentId));
  await markInterrupted(strapi, series);
  await updateCounts(strapi, newsletter);
  await sendDeliveries(strapi, series, {
    mailFor: (d) => ({ ...newsletterMail(strapi, newsletter, d, sender), brand }),
    suppressed: () => suppressedAddresses(strapi),
    afterBatch: () => updateCounts(strapi, newsletter),
  });
  const counts = await updateCounts(strapi, newsletter);
  const done = counts.sentCount === counts.recipientsCount;
  await updateCounts(strapi, newsletter, done ? 'sent' : 'failed');
  if (!done)
    strapi.log.warn(
      `[newsletter] « ${newsletter.subject} » : ${counts.recipientsCount - counts.sentCount} destinataire(s) non servi(s) ; relancez l'envoi pour reprendre.`
    );
};

const alreadySent = () => badRequest('Statut : cette lettre a déjà été envoyée à tous ses destinataires.', 'status');

/** The checks, then the run in the background (the caller holds this newsletter's `opening` slot). */
const open = async (strapi: Strapi, documentId: string) => {
  const newsletter: NewsletterRow | null = await strapi.db.query(NEWSLETTER).findOne({ where: { documentId } });
  if (!newsletter) throw notFound('Lettre d’information introuvable.');
  if (newsletter.status === 'sent') throw alreadySent();
  const recipients = await recipientsOf(strapi, documentId); // French 400 before anything changes (e.g. no pole)
  const alreadyQueued = await strapi.db.query(DELIVERY).count({ where: { newsletter: { id: newsletter.id } } });
  if (!recipients.length && !alreadyQueued) throw badRequest('Audience : aucun destinataire ne correspond à cette audience.', 'audience');
  await strapi.db.query(NEWSLETTER).update({ where: { id: newsletter.id }, data: { status: 'sending' } });
  const job = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => run(strapi, documentId))
    .catch(async (e) => {
      strapi.log.error(`[newsletter] envoi de ${documentId} interrompu : ${e?.stack ?? e}`);
      await strapi.db
        .query(NEWSLETTER)
        .update({ where: { id: newsletter.id }, data: { status: 'failed' } })
        .catch(() => undefined);
    })
    .finally(() => running.delete(documentId));
  running.set(documentId, job);
};

/** Sends being opened (checks in progress), so that two clicks at the same moment open one run. */
const opening = new Map<string, Promise<void>>();

/**
 * Starts (or resumes) the sending of a newsletter in the background and answers at once.
 * Resuming is calling it again: only the deliveries not yet sent (or refused by the server) go out.
 */
export const startSending = async (
  strapi: Strapi,
  documentId: string
): Promise<Pick<NewsletterRow, 'documentId' | 'status' | 'recipientsCount' | 'sentCount' | 'failedCount'>> => {
  const other = opening.get(documentId);
  if (other) {
    // another request is opening this send: wait for it, then answer as if it had come first
    await other.catch(() => undefined);
    return startSending(strapi, documentId);
  }
  if (running.has(documentId)) {
    const newsletter = await strapi.db.query(NEWSLETTER).findOne({ where: { documentId }, select: ['status'] });
    if (!newsletter) throw notFound('Lettre d’information introuvable.');
    if (newsletter.status === 'sent') throw alreadySent();
  } else {
    // taken before the first await: a second click arriving meanwhile finds it
    const opened = open(strapi, documentId);
    opening.set(documentId, opened);
    try {
      await opened;
    } finally {
      opening.delete(documentId);
    }
  }
  return strapi.db
    .query(NEWSLETTER)
    .findOne({ where: { documentId }, select: ['documentId', 'status', 'recipientsCount', 'sentCount', 'failedCount'] });
};

/** At boot: newsletters left in "sending" by a stop or a crash are resumed. */
export const resumeInterrupted = async (strapi: Strapi) => {
  const left = await strapi.db.query(NEWSLETTER).findMany({ where: { status: 'sending' }, select: ['documentId', 'subject'] });
  for (const n of left) {
    strapi.log.info(`[newsletter] reprise de l'envoi interrompu de « ${n.subject} »`);
    await startSending(strapi, n.documentId).catch((e) => strapi.log.error(`[newsletter] reprise impossible : ${e?.message ?? e}`));
  }
};

/** Waits for the background sending of a newsletter started in this process (tests, shutdown). */
export const sendingFinished = (documentId: string) => running.get(documentId) ?? Promise.resolve();
