import type { Strapi } from '../types';
import { sendMail } from '../mail';
import { fieldError } from '../rules/validation';
import { normaliseEmail } from './audience';
import { newNonce, publicUrl, signConfirmToken, verifyConfirmToken, verifyToken } from './tokens';
import { senderName } from './sending';
import { personNameProblem } from '../../utils/person-name';

const SUBSCRIBER = 'api::subscriber.subscriber';
const MEMBER = 'api::member.member';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The one answer to a subscription request, whatever the address's state (no oracle). */
export const SUBSCRIBE_ANSWER =
  'Merci ! Si cette adresse peut recevoir notre lettre d’information, un e-mail de confirmation vient d’y être envoyé : cliquez sur le lien qu’il contient pour valider votre inscription.';

const findSubscriber = (strapi: Strapi, email: string) => strapi.db.query(SUBSCRIBER).findOne({ where: { email } });

const sendConfirmation = async (strapi: Strapi, email: string, firstName: string | null, nonce: string) => {
  const url = publicUrl(strapi, `/api/subscribers/confirm?token=${encodeURIComponent(signConfirmToken(strapi, email, nonce))}`);
  const name = await senderName(strapi);
  await sendMail(strapi, {
    to: email,
    subject: `Confirmez votre inscription à la lettre d’information de ${name}`,
    text: `Bonjour${firstName ? ` ${firstName}` : ''},\n\nVous avez demandé à recevoir la lettre d’information de ${name}.\nPour confirmer votre inscription, ouvrez ce lien (valable 7 jours, une seule fois) :\n${url}\n\nSi vous n’êtes pas à l’origine de cette demande, ignorez cet e-mail : vous ne recevrez rien.\n`,
  });
};

/**
 * Website subscription, double opt-in. Only the form is checked before answering (it does not depend
 * on the address's state); the subscription is recorded after the answer (recordSubscription), so
 * that neither the answer nor its timing tells whether the address was known.
 */
export const requestSubscription = async (strapi: Strapi, input: { email?: unknown; firstName?: unknown }) => {
  const email = typeof input.email === 'string' ? normaliseEmail(input.email) : '';
  if (!email) throw fieldError(SUBSCRIBER, 'email', 'ce champ est obligatoire.');
  if (!EMAIL.test(email) || email.length > 255)
    throw fieldError(SUBSCRIBER, 'email', `« ${email.slice(0, 100)} » n'est pas une adresse e-mail valide.`);
  // printed in the confirmation e-mail (« Bonjour <prénom>, »): only what looks like a name
  if (input.firstName !== undefined && input.firstName !== null && typeof input.firstName !== 'string') {
    throw fieldError(SUBSCRIBER, 'firstName', 'doit être un texte.');
  }
  const firstName = typeof input.firstName === 'string' && input.firstName.trim() ? input.firstName.trim() : null;
  const problem = firstName ? personNameProblem(firstName) : null;
  if (problem) throw fieldError(SUBSCRIBER, 'firstName', problem);
  setImmediate(() =>
    recordSubscription(strapi, email, firstName).catch((e) =>
      strapi.log.error(`[abonnés] demande d’abonnement non traitée : ${e?.message ?? e}`)
    )
  );
};

/**
 * Records a subscription request and mails the confirmation link. Whatever the address's state
 * (unknown, pending, confirmed, unsubscribed, a member's), the same work: one read and one write of
 * the subscriber's row in one transaction (an insert or an update: one statement).
 *  - unknown: a "pending" row; pending or unsubscribed: the row keeps its status (an unsubscribed
 *    address stays out of every send until the new link is clicked). Each gets a new confirmation
 *    nonce, which replaces the previous one: only the latest link works, once.
 *  - confirmed: the row is written with its own values (its name is not changed by an anonymous
 *    form) and no mail is sent.
 */
export const recordSubscription = async (strapi: Strapi, email: string, firstName: string | null) => {
  const nonce = newNonce();
  const { confirmed, data } = await strapi.db.transaction(async () => {
    const existing = await strapi.db
      .query(SUBSCRIBER)
      .findOne({ where: { email }, select: ['id', 'status', 'firstName', 'confirmationNonce'] });
    const confirmed = existing?.status === 'confirmed';
    const now = new Date();
    const data = confirmed
      ? { firstName: existing.firstName, confirmationNonce: existing.confirmationNonce, updatedAt: now }
      : { firstName: firstName ?? existing?.firstName ?? null, confirmationNonce: nonce, updatedAt: now };
    // one statement either way (the *Many forms neither read back nor wrap in a transaction of their own)
    if (existing) await strapi.db.query(SUBSCRIBER).updateMany({ where: { id: existing.id }, data });
    else
      await strapi.db
        .query(SUBSCRIBER)
        .createMany({ data: [{ ...data, email, status: 'pending', source: 'site', createdAt: now, publishedAt: now }] });
    return { confirmed, data };
  });
  if (!confirmed) await sendConfirmation(strapi, email, data.firstName, nonce);
};

/**
 * Confirmation link clicked: the address is subscribed, if the link is the latest one sent to it and
 * has not been used (its nonce is still the subscriber's, cleared here in the same statement: two
 * clicks at once confirm once). An unsubscribe, or the bureau setting a status, clears the nonce: an
 * old link never brings an unsubscribed address back. 'invalid' for a forged or expired link, 'used'
 * for a link that no longer confirms anything (nothing is changed).
 */
export const confirmSubscription = async (strapi: Strapi, token: unknown): Promise<'confirmed' | 'used' | 'invalid'> => {
  const link = verifyConfirmToken(strapi, token);
  if (!link) return 'invalid';
  const { count } = await strapi.db.query(SUBSCRIBER).updateMany({
    where: { email: link.email, confirmationNonce: link.nonce },
    data: { status: 'confirmed', confirmedAt: new Date(), unsubscribedAt: null, confirmationNonce: null, updatedAt: new Date() },
  });
  return count ? 'confirmed' : 'used';
};

/**
 * Unsubscribe link: the address receives no newsletter any more, whatever the audience. A member
 * loses the opt-in, and the address is kept as "unsubscribed" in the subscribers: the suppression
 * list every send checks. Returns the address, or null for an invalid link.
 */
export const unsubscribe = async (strapi: Strapi, token: unknown) => {
  const email = verifyToken(strapi, 'unsubscribe', token);
  if (!email) return null;
  await strapi.db.query(MEMBER).updateMany({ where: { email: { $eqi: email } }, data: { newsletterOptIn: false } });
  const existing = await findSubscriber(strapi, email);
  if (existing) {
    // the pending confirmation link, if any, dies with the subscription
    if (existing.status !== 'unsubscribed' || existing.confirmationNonce) {
      await strapi.db.query(SUBSCRIBER).update({
        where: { id: existing.id },
        data: {
          status: 'unsubscribed',
          unsubscribedAt: existing.status === 'unsubscribed' ? existing.unsubscribedAt : new Date(),
          confirmationNonce: null,
        },
      });
    }
  } else {
    await strapi
      .documents(SUBSCRIBER)
      .create({ data: { email, status: 'unsubscribed', source: 'désinscription', unsubscribedAt: new Date() } });
  }
  return email;
};
