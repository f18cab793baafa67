import { DateTime } from 'luxon';
import type { Strapi } from '../types';
import { nameAsTitle, readAssociation } from '../../core/association';
import { TZ } from '../../core/dates';
import { messageOf } from '../../core/errors';
import { MailBody, sendMail } from '../mail';
import { effectiveStart, placeOf } from './schedule';

/** What the mails read of a mission. */
export interface MissionForMail {
  title: string;
  startAt: unknown;
  location?: { name?: string | null; address?: string | null; postalCode?: string | null; city?: string | null } | null;
}

/** What the mails read of a participation: its status and contact (its own, or its member's). */
export interface ParticipationForMail {
  status?: string | null;
  email?: string | null;
  firstName?: string | null;
  member?: { email?: string | null; firstName?: string | null } | null;
}

export interface Seated {
  participation: ParticipationForMail;
  mission: MissionForMail;
}

/** « samedi 14 mars 2026 à 09h30 », in Paris time. */
export const frenchDateTime = (d: Date) => DateTime.fromJSDate(d, { zone: TZ }).setLocale('fr').toFormat("cccc d LLLL yyyy 'à' HH'h'mm");

const associationName = async (strapi: Strapi) => nameAsTitle((await readAssociation(strapi, ['name'])).name);

const contactOf = (p: ParticipationForMail) => ({
  email: p.email ?? p.member?.email ?? null,
  firstName: p.firstName ?? p.member?.firstName ?? '',
});

/** The mission, set apart in the mail. */
const missionLines = (mission: MissionForMail): MailBody => {
  const where = placeOf(mission);
  return [
    {
      type: 'card',
      lines: [`« ${mission.title} »`, `Date : ${frenchDateTime(effectiveStart(mission))}`, ...(where ? [`Lieu : ${where}`] : [])],
    },
  ];
};

const INTRO: Record<string, string> = {
  confirmed: 'Votre inscription est confirmée :',
  waitlisted: 'La mission est complète : vous êtes inscrit(e) sur la liste d’attente. Nous vous écrirons dès qu’une place se libère.',
  pending: 'Nous avons bien reçu votre demande d’inscription. Elle doit être validée par l’équipe : nous vous écrirons dès que c’est fait.',
};

const SUBJECT: Record<string, string> = {
  confirmed: 'Inscription confirmée',
  waitlisted: 'Inscription en liste d’attente',
  pending: 'Demande d’inscription reçue',
};

/** Sends a mail and never fails the registration with it: the registration is already recorded. */
const deliver = async (strapi: Strapi, to: string | null, subject: string, lines: MailBody) => {
  if (!to) return;
  try {
    const signature = await associationName(strapi);
    await sendMail(strapi, { to, subject, body: [...lines, '', 'À bientôt,', signature] });
  } catch (e) {
    strapi.log.error(`[missions] e-mail « ${subject} » non envoyé à ${to} : ${messageOf(e)}`);
  }
};

/** The confirmation e-mail of a public pre-registration (confirmed, waiting list or pending approval). */
export const sendRegistrationMail = async (strapi: Strapi, participation: ParticipationForMail, mission: MissionForMail) => {
  const status = participation.status ?? 'pending';
  const who = contactOf(participation);
  await deliver(strapi, who.email, `${SUBJECT[status] ?? SUBJECT.pending} : ${mission.title}`, [
    `Bonjour ${who.firstName},`,
    '',
    INTRO[status] ?? INTRO.pending,
    '',
    ...missionLines(mission),
    '',
    'Si vous ne pouvez plus venir, prévenez-nous en répondant à ce message : votre place ira à la personne suivante.',
  ]);
};

/** Where an existing registration stands, as told to the person. */
const STANDING: Record<string, string> = {
  confirmed: 'Statut : inscription confirmée.',
  attended: 'Statut : inscription confirmée.',
  waitlisted: 'Statut : liste d’attente. Nous vous écrirons dès qu’une place se libère.',
  pending: 'Statut : demande reçue, en attente de validation par l’équipe. Nous vous écrirons dès que c’est fait.',
  absent: 'Statut : inscription enregistrée.',
};

/**
 * A new form was sent for an address already registered to the mission: nothing was changed, the
 * person is told by e-mail (the website's answer is the same for everyone). Greets with the name of
 * the existing registration, not the one typed in the new form: whoever sent it may not be them.
 * Sent to the address typed in the form (the registration may hold it through the member's record).
 */
export const sendAlreadyRegisteredMail = async (
  strapi: Strapi,
  email: string,
  participation: ParticipationForMail,
  mission: MissionForMail
) => {
  const who = contactOf(participation);
  await deliver(strapi, email, `Vous êtes déjà inscrit·e : ${mission.title}`, [
    `Bonjour ${who.firstName},`,
    '',
    'Nous avons reçu une nouvelle demande d’inscription avec votre adresse e-mail. Vous êtes déjà inscrit·e à cette mission, rien n’a été modifié :',
    '',
    ...missionLines(mission),
    STANDING[participation.status ?? 'absent'] ?? STANDING.absent,
    '',
    'Si vous n’êtes pas à l’origine de cette demande, vous pouvez ignorer ce message. Pour modifier ou annuler votre inscription, répondez à ce message.',
  ]);
};

/** The registration could not be recorded (the website had already answered): the person is not left waiting. */
export const sendRegistrationFailedMail = async (strapi: Strapi, form: { email: string; firstName: string }, mission: MissionForMail) => {
  await deliver(strapi, form.email, `Inscription non enregistrée : ${mission.title}`, [
    `Bonjour ${form.firstName},`,
    '',
    'Nous n’avons pas pu enregistrer votre demande d’inscription, à la suite d’une erreur de notre côté :',
    '',
    ...missionLines(mission),
    '',
    'Réessayez un peu plus tard depuis notre site, ou répondez à ce message pour vous inscrire.',
  ]);
};

/** Tells the people taken off the waiting list that their place is confirmed. */
export const notifyPromoted = async (strapi: Strapi, promoted: Seated[]) => {
  for (const { participation, mission } of promoted) {
    const who = contactOf(participation);
    await deliver(strapi, who.email, `Une place s’est libérée : ${mission.title}`, [
      `Bonjour ${who.firstName},`,
      '',
      'Bonne nouvelle : une place s’est libérée et votre inscription est maintenant confirmée :',
      '',
      ...missionLines(mission),
      '',
      'Si vous ne pouvez plus venir, prévenez-nous en répondant à ce message.',
    ]);
  }
};
