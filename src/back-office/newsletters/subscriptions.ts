import type { Strapi } from '../types';
import { sendMail } from '../mail';
import { fieldError } from '../rules/validation';
import { normaliseEmail } from './audience';
import { publicUrl, signToken, verifyToken } from './tokens';
import { senderName } from './sending';
import { personNameProblem } from '../../utils/person-name';

const SUBSCRIBER = 'api::subscriber.subscriber';
const MEMBER = 'api::member.member';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The one answer to a subscription request, whatever the address's state (no oracle). */
export const SUBSCRIBE_ANSWER =
  'Merci ! Si cette adresse peut recevoir notre lettre d’information, un e-mail de confirmation vient d’y être envoyé : cliquez sur le lien qu’il contient pour valider votre inscription.';

const findSubscriber = (strapi: Strapi, email: string) => strapi.db.query(SUBSCRIBER).findOne({ where: { email } });

const sendConfirmation = async (strapi: Strapi, email: string, firstName: string | null) => {
  const url = publicUrl(strapi, `/api/subscribers/confirm?token=${encodeURIComponent(signToken(strapi, 'confirm', email))}`);
  const name = await senderName(strapi);
  await sendMail(strapi, {
    to: email,
    subject: `Confirmez votre inscription à la lettre d’information de ${name}`,
    text: `Bonjour${firstName ? ` ${firstName}` : ''},\n\nVous avez demandé à recevoir la lettre d’information de ${name}.\nPour confirmer votre inscription, ouvrez ce lien (valable 7 jours) :\n${url}\n\nSi vous n’êtes pas à l’origine de cette demande, ignorez cet e-mail : vous ne recevrez rien.\n`,
  });
};

/**
 * Website subscription, double opt-in: records the address as "pending" and mails a signed
 * confirmation link. A confirmed address is left as it is. The mail leaves after the answer, so
 * that neither the answer nor its timing tells whether the address was known.
 */
export const requestSubscription = async (strapi: Strapi, input: { email?: unknown; firstName?: unknown }) => {
  const email = typeof input.email === 'string' ? normaliseEmail(input.email) : '';
  if (!email) throw fieldError(SUBSCRIBER, 'email', 'ce champ est obligatoire.');
  if (!EMAIL.test(email) || email.length > 255) throw fieldError(SUBSCRIBER, 'email', `« ${email.slice(0, 100)} » n'est pas une adresse e-mail valide.`);
  // printed in the confirmation e-mail (« Bonjour <prénom>, »): only what looks like a name
  if (input.firstName !== undefined && input.firstName !== null && typeof input.firstName !== 'string') {
    throw fieldError(SUBSCRIBER, 'firstName', 'doit être un texte.');
  }
  const firstName = typeof input.firstName === 'string' && input.firstName.trim() ? input.firstName.trim() : null;
  const problem = firstName ? personNameProblem(firstName) : null;
  if (problem) throw fieldError(SUBSCRIBER, 'firstName', problem);

  const existing = await findSubscriber(strapi, email);
  if (existing?.status === 'confirmed') return;
  if (existing) {
    await strapi.documents(SUBSCRIBER).update({ documentId: existing.documentId, data: { firstName: firstName ?? existing.firstName } as any });
  } else {
    await strapi.documents(SUBSCRIBER).create({ data: { email, firstName, source: 'site' } as any });
  }
  setImmediate(() =>
    sendConfirmation(strapi, email, firstName ?? existing?.firstName ?? null).catch((e) =>
      strapi.log.error(`[abonnés] e-mail de confirmation non envoyé : ${e?.message ?? e}`)
    )
  );
};

/** Confirmation link clicked: the address is subscribed. False for an invalid or expired link. */
export const confirmSubscription = async (strapi: Strapi, token: unknown) => {
  const email = verifyToken(strapi, 'confirm', token);
  const subscriber = email ? await findSubscriber(strapi, email) : null;
  if (!subscriber) return false;
  if (subscriber.status === 'confirmed') return true;
  await strapi.db.query(SUBSCRIBER).update({ where: { id: subscriber.id }, data: { status: 'confirmed', confirmedAt: new Date(), unsubscribedAt: null } });
  return true;
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
    if (existing.status !== 'unsubscribed') {
      await strapi.db.query(SUBSCRIBER).update({ where: { id: existing.id }, data: { status: 'unsubscribed', unsubscribedAt: new Date() } });
    }
  } else {
    await strapi.documents(SUBSCRIBER).create({ data: { email, status: 'unsubscribed', source: 'désinscription', unsubscribedAt: new Date() } as any });
  }
  return email;
};
