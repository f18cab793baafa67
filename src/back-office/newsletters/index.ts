import type { Context } from 'koa';
import { notFound } from '../../core/errors';
import type { BackOfficeModule, Strapi } from '../types';
import { ACTIONS } from '../../contract/permissions';
import { composeMail, sendMail } from '../mail';
import { recipientsOf } from './audience';
import { newsletterMail, resumeInterrupted, senderName, startSending } from './sending';
import { ensureDeliveryIndex } from '../mail/deliveries';

const NEWSLETTER = 'api::newsletter.newsletter';
const DELIVERY = 'api::newsletter-delivery.newsletter-delivery';
const SUBSCRIBER = 'api::subscriber.subscriber';
const DERIVED = ['status', 'sentAt', 'recipientsCount', 'sentCount', 'failedCount'];

const load = async (strapi: Strapi, documentId: string) => {
  const newsletter = await strapi.db.query(NEWSLETTER).findOne({ where: { documentId } });
  if (!newsletter) throw notFound('Lettre d’information introuvable.');
  return newsletter;
};

/** The admin user as a recipient of the preview and the test send. */
const self = (ctx: Context) => ({
  email: ctx.state.user.email,
  firstName: ctx.state.user.firstname ?? null,
  lastName: ctx.state.user.lastname ?? null,
});

const summary = (n: {
  documentId: string;
  status: string;
  recipientsCount?: number;
  sentCount?: number;
  failedCount?: number;
  sentAt?: unknown;
}) => ({
  documentId: n.documentId,
  status: n.status,
  recipientsCount: n.recipientsCount,
  sentCount: n.sentCount,
  failedCount: n.failedCount,
  sentAt: n.sentAt,
});

/**
 * Newsletters: audience count, preview, test send to oneself, sending in the background with
 * delivery records (resumable, never twice), resumed at boot when a send was interrupted.
 */
const newsletters: BackOfficeModule = {
  name: 'newsletters',
  routes: [
    {
      method: 'GET',
      path: '/newsletters/:documentId/recipients',
      actions: [ACTIONS.newslettersSend],
      async handler(ctx) {
        const newsletter = await load(strapi, ctx.params.documentId);
        const recipients = newsletter.status === 'draft' ? await recipientsOf(strapi, newsletter.documentId) : null;
        ctx.body = { ...summary(newsletter), audienceCount: recipients ? recipients.length : newsletter.recipientsCount };
      },
    },
    {
      method: 'GET',
      path: '/newsletters/:documentId/preview',
      actions: [ACTIONS.newslettersSend],
      async handler(ctx) {
        const newsletter = await load(strapi, ctx.params.documentId);
        const mail = await composeMail(strapi, newsletterMail(strapi, newsletter, self(ctx), await senderName(strapi)));
        ctx.body = { subject: mail.subject, html: mail.html, text: mail.text };
      },
    },
    {
      method: 'POST',
      path: '/newsletters/:documentId/test',
      actions: [ACTIONS.newslettersSend],
      async handler(ctx) {
        const newsletter = await load(strapi, ctx.params.documentId);
        const me = self(ctx);
        await sendMail(strapi, newsletterMail(strapi, newsletter, me, await senderName(strapi), '[TEST] '));
        ctx.body = { message: `Envoi de test adressé à ${me.email}.` };
      },
    },
    {
      method: 'POST',
      path: '/newsletters/:documentId/send',
      actions: [ACTIONS.newslettersSend],
      async handler(ctx) {
        ctx.status = 202;
        ctx.body = summary(await startSending(strapi, ctx.params.documentId));
      },
    },
  ],
  writeRules: {
    // Status and counts belong to the sending (written with strapi.db.query): a form saved in the
    // admin with the values it loaded before the send must not put a sent newsletter back to draft.
    [NEWSLETTER]: {
      prepare({ action, data }) {
        if (action === 'create' || action === 'update') for (const field of DERIVED) delete data[field];
      },
    },
    // The confirmation nonce is ours alone; a status set by the bureau (unsubscribed, confirmed)
    // cancels the link in flight, so that it can never bring an unsubscribed address back.
    [SUBSCRIBER]: {
      prepare({ action, data }) {
        delete data.confirmationNonce;
        if (action === 'clone' || (data.status && data.status !== 'pending')) data.confirmationNonce = null;
      },
    },
  },
  async bootstrap(s) {
    // One delivery per newsletter and address, guaranteed by the database itself.
    await ensureDeliveryIndex(s, DELIVERY);
    await resumeInterrupted(s);
  },
};

export default newsletters;
