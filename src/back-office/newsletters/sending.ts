import { badRequest, notFound } from '../../core/errors';
import type { Strapi } from '../types';
import { readAssociation } from '../../core/association';
import { readEnv } from '../../core/config';
import { Mail, mailBrand, sendMail } from '../mail';
import { knex, link, table } from '../sql';
import { recipientsOf, suppressedAddresses, Recipient } from './audience';
import { renderNewsletter } from './render';
import { unsubscribeUrl } from './tokens';

const NEWSLETTER = 'api::newsletter.newsletter';
const DELIVERY = 'api::newsletter-delivery.newsletter-delivery';

/** Stop a run after this many refusals in a row: the SMTP server is down, resume later. */
const MAX_CONSECUTIVE_FAILURES = 3;
export const INTERRUPTED = 'Envoi interrompu pendant la remise au serveur : non renvoyé, pour ne jamais envoyer deux fois.';

const settings = () => ({
  ratePerMinute: readEnv('NEWSLETTER_RATE_PER_MINUTE'),
  batchSize: readEnv('NEWSLETTER_BATCH_SIZE'),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const senderName = async (strapi: Strapi) => (await readAssociation(strapi, ['name'])).name;

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

/** The sending loop: deliveries still to send, in batches, paced by NEWSLETTER_RATE_PER_MINUTE. */
const run = async (strapi: Strapi, documentId: string) => {
  const newsletter = await strapi.db.query(NEWSLETTER).findOne({ where: { documentId } });
  const { ratePerMinute, batchSize } = settings();
  const interval = 60_000 / ratePerMinute;
  const sender = await senderName(strapi);
  const brand = await mailBrand(strapi);
  await addMissingDeliveries(strapi, newsletter);
  // A record claimed but never confirmed: the process stopped while the SMTP server had the mail.
  // It may have been delivered, so it is not sent again.
  const interrupted = await strapi.db.query(DELIVERY).findMany({
    where: { newsletter: { id: newsletter.id }, status: 'pending', attemptedAt: { $notNull: true } },
    select: ['id'],
  });
  if (interrupted.length) {
    // still pending: one that another process has meanwhile confirmed keeps its "sent"
    await strapi.db.query(DELIVERY).updateMany({
      where: { id: { $in: interrupted.map((d: any) => d.id) }, status: 'pending' },
      data: { status: 'failed', error: INTERRUPTED },
    });
  }
  await updateCounts(strapi, newsletter.id);

  let lastId = 0;
  let consecutiveFailures = 0;
  let next = Date.now();
  while (consecutiveFailures < MAX_CONSECUTIVE_FAILURES) {
    const batch = await strapi.db.query(DELIVERY).findMany({
      where: { newsletter: { id: newsletter.id }, id: { $gt: lastId }, status: { $in: ['pending', 'failed'] }, attemptedAt: { $null: true } },
      orderBy: { id: 'asc' },
      limit: batchSize,
    });
    if (!batch.length) break;
    const suppressed = await suppressedAddresses(strapi);
    for (const d of batch) {
      lastId = d.id;
      if (suppressed.has(d.email)) {
        await strapi.db.query(DELIVERY).delete({ where: { id: d.id } });
        continue;
      }
      await sleep(Math.max(0, next - Date.now()));
      next = Date.now() + interval;
      // Claim the delivery in one conditional write: if another run (a second click, another
      // process) has claimed it since the batch was read, it is theirs and is not sent again.
      const claim = await strapi.db.query(DELIVERY).updateMany({
        where: { id: d.id, status: { $in: ['pending', 'failed'] }, attemptedAt: { $null: true } },
        data: { attemptedAt: new Date(), attempts: (d.attempts ?? 0) + 1 },
      });
      if (claim.count !== 1) continue;
      try {
        await sendMail(strapi, { ...newsletterMail(strapi, newsletter, d, sender), brand });
        await strapi.db.query(DELIVERY).update({ where: { id: d.id }, data: { status: 'sent', sentAt: new Date(), error: null } });
        consecutiveFailures = 0;
      } catch (e: any) {
        // Refused by the SMTP server: not delivered, so it is retried by the next send.
        await strapi.db.query(DELIVERY).update({ where: { id: d.id }, data: { status: 'failed', attemptedAt: null, error: String(e?.message ?? e).slice(0, 1000) } });
        consecutiveFailures += 1;
        if (consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) break;
      }
    }
    await updateCounts(strapi, newsletter.id);
  }
  const counts = await updateCounts(strapi, newsletter.id);
  const done = counts.sentCount === counts.recipientsCount;
  await updateCounts(strapi, newsletter.id, done ? 'sent' : 'failed');
  if (!done) strapi.log.warn(`[newsletter] « ${newsletter.subject} » : ${counts.recipientsCount - counts.sentCount} destinataire(s) non servi(s) ; relancez l'envoi pour reprendre.`);
};

const alreadySent = () => badRequest('Statut : cette lettre a déjà été envoyée à tous ses destinataires.', 'status');

/** The checks, then the run in the background (the caller holds this newsletter's `opening` slot). */
const open = async (strapi: Strapi, documentId: string) => {
  const newsletter = await strapi.db.query(NEWSLETTER).findOne({ where: { documentId } });
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
