import { errors } from '@strapi/utils';
import type { Strapi } from '../types';
import { Mail, mailBrand } from '../mail';
import { deliver } from '../mail/deliveries';
import { knex, link, table } from '../sql';
import { recipientsOf, suppressedAddresses, Recipient } from './audience';
import { renderNewsletter } from './render';
import { unsubscribeUrl } from './tokens';

const NEWSLETTER = 'api::newsletter.newsletter';
const DELIVERY = 'api::newsletter-delivery.newsletter-delivery';

export { INTERRUPTED } from '../mail/deliveries';

export const senderName = async (strapi: Strapi) =>
  (await strapi.db.query('api::association.association').findOne({ select: ['name'] }))?.name || 'l’association';

/** One recipient's mail, with the one-click unsubscribe headers (RFC 2369 / RFC 8058). */
export const newsletterMail = (strapi: Strapi, newsletter: any, r: Recipient, sender: string, subjectPrefix = ''): Mail => {
  const url = unsubscribeUrl(strapi, r.email);
  const rendered = renderNewsletter(newsletter, { firstName: r.firstName, lastName: r.lastName, unsubscribeUrl: url }, sender);
  return {
    to: r.email,
    subject: `${subjectPrefix}${rendered.subject}`,
    body: rendered.body,
    headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
};

const deliveryKey = (newsletterId: number, email: string) => `${newsletterId}:${email}`;

/** Delivery records for recipients who have none yet (first send, or a send interrupted while preparing). */
const addMissingDeliveries = async (strapi: Strapi, newsletter: any) => {
  const recipients = await recipientsOf(strapi, newsletter.documentId);
  const existing = new Set(
    (await strapi.db.query(DELIVERY).findMany({ where: { newsletter: { id: newsletter.id } }, select: ['email'] })).map((d: any) => d.email)
  );
  for (const r of recipients) {
    if (existing.has(r.email)) continue;
    try {
      await strapi.documents(DELIVERY).create({
        data: { newsletter: newsletter.documentId, deliveryKey: deliveryKey(newsletter.id, r.email), email: r.email, firstName: r.firstName, lastName: r.lastName } as any,
      });
    } catch (e: any) {
      // another run created it in the meantime: the unique index keeps one record per address
      if (!(await strapi.db.query(DELIVERY).findOne({ where: { deliveryKey: deliveryKey(newsletter.id, r.email) }, select: ['id'] }))) throw e;
    }
  }
};

/** Recounts the deliveries into the newsletter (status and counts shown in the admin). */
const updateCounts = async (strapi: Strapi, newsletterId: number, status?: string) => {
  const lnk = link(strapi, DELIVERY, 'newsletter');
  const rows = await knex(strapi)(`${table(strapi, DELIVERY)} as d`)
    .join(`${lnk.table} as l`, `l.${lnk.from}`, 'd.id')
    .where(`l.${lnk.to}`, newsletterId)
    .select('d.status')
    .count({ n: '*' })
    .groupBy('d.status');
  const count = (s: string) => Number(rows.find((r: any) => r.status === s)?.n ?? 0);
  const data: any = {
    recipientsCount: rows.reduce((sum: number, r: any) => sum + Number(r.n), 0),
    sentCount: count('sent'),
    failedCount: count('failed'),
  };
  if (status) data.status = status;
  if (status === 'sent') data.sentAt = new Date();
  await strapi.db.query(NEWSLETTER).update({ where: { id: newsletterId }, data });
  return data;
};

const running = new Map<string, Promise<void>>();

/** The sending loop: deliveries still to send, in batches, paced, never twice (mail/deliveries.ts). */
const run = async (strapi: Strapi, documentId: string) => {
  const newsletter = await strapi.db.query(NEWSLETTER).findOne({ where: { documentId } });
  const sender = await senderName(strapi);
  const brand = await mailBrand(strapi);
  await addMissingDeliveries(strapi, newsletter);
  await deliver(strapi, {
    uid: DELIVERY,
    where: { newsletter: { id: newsletter.id } },
    mail: (d) => ({ ...newsletterMail(strapi, newsletter, d, sender), brand }),
    // unsubscribed since the deliveries were prepared: not sent, and no longer a recipient
    skip: async () => {
      const suppressed = await suppressedAddresses(strapi);
      return (d) => suppressed.has(d.email);
    },
    drop: async (d) => {
      await strapi.db.query(DELIVERY).delete({ where: { id: d.id } });
    },
    afterBatch: async () => {
      await updateCounts(strapi, newsletter.id);
    },
  });
  const counts = await updateCounts(strapi, newsletter.id);
  const done = counts.sentCount === counts.recipientsCount;
  await updateCounts(strapi, newsletter.id, done ? 'sent' : 'failed');
  if (!done) strapi.log.warn(`[newsletter] « ${newsletter.subject} » : ${counts.recipientsCount - counts.sentCount} destinataire(s) non servi(s) ; relancez l'envoi pour reprendre.`);
};

const alreadySent = () => new errors.ValidationError('Statut : cette lettre a déjà été envoyée à tous ses destinataires.');

/** The checks, then the run in the background (the caller holds this newsletter's `opening` slot). */
const open = async (strapi: Strapi, documentId: string) => {
  const newsletter = await strapi.db.query(NEWSLETTER).findOne({ where: { documentId } });
  if (!newsletter) throw new errors.NotFoundError('Lettre d’information introuvable.');
  if (newsletter.status === 'sent') throw alreadySent();
  const recipients = await recipientsOf(strapi, documentId); // French 400 before anything changes (e.g. no pole)
  const alreadyQueued = await strapi.db.query(DELIVERY).count({ where: { newsletter: { id: newsletter.id } } });
  if (!recipients.length && !alreadyQueued) throw new errors.ValidationError('Audience : aucun destinataire ne correspond à cette audience.');
  await strapi.db.query(NEWSLETTER).update({ where: { id: newsletter.id }, data: { status: 'sending' } });
  const job = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => run(strapi, documentId))
    .catch(async (e) => {
      strapi.log.error(`[newsletter] envoi de ${documentId} interrompu : ${e?.stack ?? e}`);
      await strapi.db.query(NEWSLETTER).update({ where: { id: newsletter.id }, data: { status: 'failed' } }).catch(() => undefined);
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
export const startSending = async (strapi: Strapi, documentId: string): Promise<any> => {
  const other = opening.get(documentId);
  if (other) {
    // another request is opening this send: wait for it, then answer as if it had come first
    await other.catch(() => undefined);
    return startSending(strapi, documentId);
  }
  if (running.has(documentId)) {
    const newsletter = await strapi.db.query(NEWSLETTER).findOne({ where: { documentId }, select: ['status'] });
    if (!newsletter) throw new errors.NotFoundError('Lettre d’information introuvable.');
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
  return strapi.db.query(NEWSLETTER).findOne({ where: { documentId }, select: ['documentId', 'status', 'recipientsCount', 'sentCount', 'failedCount'] });
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
