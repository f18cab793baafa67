import { messageOf, notFound } from '../../core/errors';
import type { Strapi } from '../types';
import { MISSION, PARTICIPATION, missionIsFull, withMissionsLocked } from './capacity';
import { effectiveStart, invalidInput as invalid } from './schedule';
import { sendAlreadyRegisteredMail, sendRegistrationFailedMail, sendRegistrationMail, type MissionForMail } from './notify';
import { rehearse } from '../rules/rehearsal';
import { PERSON_NAME_MAX, personNameProblem } from '../../utils/person-name';

const MEMBER = 'api::member.member';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^[0-9+().\s-]{6,30}$/;

type Form = Record<string, unknown>;

/** A mission open to registration, as read here. */
type MissionRow = MissionForMail & {
  id: number;
  documentId: string;
  status?: string | null;
  registrationRequiresApproval?: boolean | null;
};

const text = (body: Form, field: string, label: string, max: number, required: boolean) => {
  const v = body[field];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    if (required) throw invalid(field, `${label} : ce champ est obligatoire.`);
    return null;
  }
  if (typeof v !== 'string') throw invalid(field, `${label} : doit être un texte.`);
  if (v.trim().length > max) throw invalid(field, `${label} : ${max} caractères au maximum.`);
  return v.trim();
};

/** A first or last name, as a name looks (it is printed in the e-mails we send): see person-name.ts. */
const personName = (body: Form, field: string, label: string) => {
  const v = text(body, field, label, PERSON_NAME_MAX, true)!;
  const problem = personNameProblem(v);
  if (problem) throw invalid(field, `${label} : ${problem}`);
  return v;
};

/** The visitor's form: { firstName, lastName, email, phone?, consent: true }. French 400 naming the field. */
export const readRegistrationForm = (raw: unknown) => {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid('body', 'Formulaire d’inscription manquant.');
  const body = raw as Form;
  const firstName = personName(body, 'firstName', 'Prénom');
  const lastName = personName(body, 'lastName', 'Nom');
  const email = text(body, 'email', 'E-mail', 254, true)!.toLowerCase();
  if (!EMAIL.test(email)) throw invalid('email', `E-mail : « ${email} » n'est pas une adresse e-mail valide.`);
  const phone = text(body, 'phone', 'Téléphone', 30, false);
  if (phone && !PHONE.test(phone)) throw invalid('phone', `Téléphone : « ${phone} » n'est pas un numéro valide.`);
  if (body.consent !== true) {
    throw invalid(
      'consent',
      'Consentement : vous devez accepter que l’association conserve ces informations pour gérer votre inscription.'
    );
  }
  return { firstName, lastName, email, phone };
};

/** The one answer to every accepted pre-registration form: nothing in it depends on who sent it. */
export const REGISTRATION_ANSWER = {
  status: 'received',
  message: 'Merci ! Votre demande est bien reçue : un e-mail vient de vous être envoyé pour vous dire où en est votre inscription.',
} as const;

/** Thrown inside the mission's transaction to roll back the rehearsed write of an address already registered. */
class AlreadyRegistered extends Error {
  constructor(readonly participation: { id: number }) {
    super('already registered');
  }
}

/**
 * Public pre-registration from the website. Only for missions that are public with online
 * registration (anything else is "not found", like an unknown id).
 *
 * The answer must not tell whether the address was already registered (it would reveal who takes part
 * in what). Only what does not depend on the person is checked before answering (the form, the
 * mission); every accepted form then gets REGISTRATION_ANSWER at once, and the registration itself
 * is recorded after the answer (recordRegistration), so that neither the answer nor its timing depends
 * on who is registered. The person learns the outcome by e-mail.
 */
export const registerFromWebsite = async (strapi: Strapi, missionDocumentId: string, body: unknown) => {
  const form = readRegistrationForm(body);
  const mission: MissionRow | null = await strapi.db.query(MISSION).findOne({
    where: { documentId: missionDocumentId, isPublic: true, publicRegistration: true },
    populate: { location: true },
  });
  if (!mission) throw notFound('Mission introuvable.');
  if (mission.status === 'cancelled') throw invalid('mission', 'Cette mission est annulée : les inscriptions sont fermées.');
  if (mission.status === 'done' || effectiveStart(mission).getTime() <= Date.now()) {
    throw invalid('mission', 'Cette mission a déjà eu lieu : les inscriptions sont fermées.');
  }
  setImmediate(() => void recordRegistration(strapi, mission, form));
  return REGISTRATION_ANSWER;
};

/**
 * Records a pre-registration and e-mails the person where it stands; never throws (it runs after the
 * answer). The same work is done whether the address is new or already registered: for the latter,
 * the registration a newcomer would get is written as a rehearsal (rules/rehearsal.ts) then rolled
 * back with the transaction (no row, no event: Strapi emits them on commit), so that nothing else
 * the server does (another visitor's request waiting for it) depends on it either.
 */
export const recordRegistration = async (strapi: Strapi, mission: MissionRow, form: ReturnType<typeof readRegistrationForm>) => {
  let mail: () => Promise<void>;
  try {
    const participation = await withMissionsLocked(strapi, [mission.id], async () => {
      // Under the mission's lock: two identical forms sent at once cannot both pass. The same reads
      // whoever registers (no populate: it would read only when rows are found).
      const existing = await strapi.db.query(PARTICIPATION).findMany({
        where: { mission: { id: mission.id }, $or: [{ email: { $eqi: form.email } }, { member: { email: { $eqi: form.email } } }] },
        select: ['id', 'documentId', 'status'],
        orderBy: { id: 'desc' },
      });
      const member = await strapi.db.query(MEMBER).findOne({ where: { email: { $eqi: form.email } }, select: ['id', 'documentId'] });
      const active = existing.find((p: { status: string }) => p.status !== 'cancelled');
      if (existing.length && !active) {
        // Registered before, then cancelled: the same record comes back, by the rule of a new
        // registration (approval, else a place, else the waiting list, queued from now).
        const cancelled = existing[0];
        const status = mission.registrationRequiresApproval
          ? 'pending'
          : (await missionIsFull(strapi, mission.id)).full
            ? 'waitlisted'
            : 'confirmed';
        const back = await strapi.documents(PARTICIPATION).update({
          documentId: cancelled.documentId,
          data: { ...form, ...(member ? { member: member.documentId } : {}), status, source: 'website' },
        });
        await strapi.db.query(PARTICIPATION).update({ where: { id: cancelled.id }, data: { createdAt: new Date() } });
        return back;
      }
      const create = () =>
        strapi.documents(PARTICIPATION).create({
          data: {
            ...form,
            mission: mission.documentId,
            ...(member ? { member: member.documentId } : {}),
            status: mission.registrationRequiresApproval ? 'pending' : 'confirmed',
            source: 'website',
          },
        });
      if (!active) return create();
      await rehearse(strapi, create);
      throw new AlreadyRegistered(active);
    });
    mail = () => sendRegistrationMail(strapi, participation, mission);
  } catch (e) {
    if (e instanceof AlreadyRegistered) {
      const { id } = e.participation;
      mail = async () => {
        const registered = await strapi.db
          .query(PARTICIPATION)
          .findOne({ where: { id }, populate: { member: { select: ['firstName', 'email'] } } });
        if (registered) await sendAlreadyRegisteredMail(strapi, form.email, registered, mission);
      };
    } else {
      strapi.log.error(`[missions] inscription en ligne non enregistrée (mission ${mission.documentId}) : ${messageOf(e)}`);
      mail = () => sendRegistrationFailedMail(strapi, form, mission);
    }
  }
  await mail().catch((e) => strapi.log.error(`[missions] e-mail d’inscription non envoyé : ${messageOf(e)}`));
};
