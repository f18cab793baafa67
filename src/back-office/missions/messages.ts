import { createHash } from 'crypto';
import { notFound } from '../../core/errors';
import type { DocumentData, Strapi } from '../types';
import { composeMail, Mail, MailBody, mailBrand } from '../mail';
import { textBody } from '../mail/layout';
import {
  addDeliveries,
  countDeliveries,
  Delivery,
  DeliveryRecipient,
  DeliverySeries,
  markInterrupted,
  sendDeliveries,
} from '../mail/deliveries';
import { MISSION, PARTICIPATION } from './capacity';
import { effectiveStart, invalidInput, placeOf } from './schedule';
import { frenchDateTime } from './notify';
import type { MissionRow, ParticipationRow } from './rows';

const MESSAGE = 'api::mission-message.mission-message';
const DELIVERY = 'api::mission-message-delivery.mission-message-delivery';

/**
 * « Écrire aux bénévoles »: an e-mail to the people registered on a mission (confirmed, and the
 * waiting list when asked), with variables, a preview, one delivery record per recipient
 * (mail/deliveries.ts, the newsletters' mechanism) and never twice the same message to the same
 * person: a message is identified by its mission, subject and text, so sending it again (a second
 * click, a new volunteer since) only writes to those who have not received it.
 */

/** The variables of a message and what each one becomes for a recipient. */
export const MESSAGE_VARIABLES = ['firstName', 'lastName', 'missionTitle', 'missionDate', 'missionPlace'] as const;
type Variable = (typeof MESSAGE_VARIABLES)[number];

/** Participation statuses that receive a message: the people counted on (and the waiting list when asked). */
const RECIPIENT_STATUSES = ['confirmed', 'attended'];

const TOKEN = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** What this file reads of a stored message (strapi.db.query rows are typed as any). */
interface MessageRow {
  id: number;
  documentId: string;
  subject: string;
  body: string;
  includeWaitlisted?: boolean | null;
  status: string;
  recipientsCount?: number | null;
  sentCount?: number | null;
  failedCount?: number | null;
  sentAt?: unknown;
  sentBy?: string | null;
  createdAt: unknown;
}

/** A message's counts, and the status it moves to. */
type MessageCounts = Awaited<ReturnType<typeof countDeliveries>> & { status?: string; sentAt?: Date };

export interface MessageForm {
  subject: string;
  body: string;
  includeWaitlisted: boolean;
}

const textField = (body: Record<string, unknown>, field: string, label: string, max: number) => {
  const v = body?.[field];
  if (v === undefined || v === null || (typeof v === 'string' && !v.trim()))
    throw invalidInput(field, `${label} : ce champ est obligatoire.`);
  if (typeof v !== 'string') throw invalidInput(field, `${label} : doit être un texte.`);
  if (v.length > max) throw invalidInput(field, `${label} : ${max} caractères au maximum.`);
  const unknown = [...v.matchAll(TOKEN)].map((m) => m[1]).filter((name) => !(MESSAGE_VARIABLES as readonly string[]).includes(name));
  if (unknown.length) {
    throw invalidInput(
      field,
      `${label} : variable {{${unknown[0]}}} inconnue ; variables possibles : ${MESSAGE_VARIABLES.map((n) => `{{${n}}}`).join(', ')}.`
    );
  }
  return v.trim();
};

/** The form: subject, text, whether the waiting list gets it too. French 400 naming the field. */
export const readMessageForm = (input: unknown): MessageForm => {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw invalidInput('body', 'Message manquant.');
  // a JSON object, checked just above: its fields are read one by one below
  const body = input as Record<string, unknown>;
  const subject = textField(body, 'subject', 'Objet', 200);
  if (/[\r\n]/.test(subject)) throw invalidInput('subject', 'Objet : une seule ligne.');
  const text = textField(body, 'body', 'Texte', 20000);
  const w = body.includeWaitlisted;
  if (w !== undefined && w !== null && typeof w !== 'boolean')
    throw invalidInput('includeWaitlisted', 'Liste d’attente : attendu true ou false.');
  return { subject, body: text, includeWaitlisted: w === true };
};

const findMission = async (strapi: Strapi, documentId: string) => {
  const mission: MissionRow | null = await strapi.db.query(MISSION).findOne({ where: { documentId }, populate: { location: true } });
  if (!mission) throw notFound('Mission introuvable.');
  return mission;
};

export interface Recipients {
  recipients: DeliveryRecipient[];
  /** people registered without an e-mail address: to be told another way */
  withoutEmail: string[];
}

/** The people a message goes to: each address once (case-insensitive), in registration order. */
export const messageRecipients = async (
  strapi: Strapi,
  mission: Pick<MissionRow, 'id'>,
  includeWaitlisted: boolean
): Promise<Recipients> => {
  const rows: ParticipationRow[] = await strapi.db.query(PARTICIPATION).findMany({
    where: { mission: { id: mission.id }, status: { $in: includeWaitlisted ? [...RECIPIENT_STATUSES, 'waitlisted'] : RECIPIENT_STATUSES } },
    populate: { member: { select: ['firstName', 'lastName', 'email'] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  const seen = new Set<string>();
  const recipients: DeliveryRecipient[] = [];
  const withoutEmail: string[] = [];
  for (const p of rows) {
    const firstName = p.firstName || p.member?.firstName || null;
    const lastName = p.lastName || p.member?.lastName || null;
    const email = String(p.email || p.member?.email || '')
      .trim()
      .toLowerCase();
    if (!email) {
      withoutEmail.push([firstName, lastName].filter(Boolean).join(' ') || p.displayName || '—');
      continue;
    }
    if (seen.has(email)) continue;
    seen.add(email);
    recipients.push({ email, firstName, lastName });
  }
  return { recipients, withoutEmail };
};

/** The message as one recipient reads it: variables replaced, the association's layout, a line saying why they get it. */
export const messageMail = (
  mission: MissionRow,
  form: Pick<MessageForm, 'subject' | 'body'>,
  r: DeliveryRecipient,
  replyTo?: string
): Mail => {
  const values: Record<Variable, string> = {
    firstName: r.firstName ?? '',
    lastName: r.lastName ?? '',
    missionTitle: mission.title,
    missionDate: frenchDateTime(effectiveStart(mission)),
    missionPlace: placeOf(mission) ?? 'lieu à préciser',
  };
  const fill = (template: string) => template.replace(TOKEN, (_m, name: string) => values[name as Variable] ?? '');
  const body: MailBody = [
    ...textBody(fill(form.body)),
    { type: 'small', lines: [`Vous recevez ce message parce que vous êtes inscrit·e à « ${mission.title} ».`] },
  ];
  return { to: r.email, subject: fill(form.subject), body, ...(replyTo ? { replyTo } : {}) };
};

/** What the message looks like for its first recipient (or a sample person), and who will get it. */
export const previewMessage = async (strapi: Strapi, missionDocumentId: string, form: MessageForm) => {
  const mission = await findMission(strapi, missionDocumentId);
  const { recipients, withoutEmail } = await messageRecipients(strapi, mission, form.includeWaitlisted);
  const sample = recipients[0] ?? { email: 'exemple@exemple.org', firstName: 'Camille', lastName: 'Exemple' };
  const mail = await composeMail(strapi, messageMail(mission, form, sample));
  const served = await alreadyServed(strapi, mission, form);
  return {
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    recipientsCount: recipients.length,
    alreadyReceived: recipients.filter((r) => served.has(r.email)).length,
    withoutEmail,
    sampleName: [sample.firstName, sample.lastName].filter(Boolean).join(' '),
  };
};

/** The identity of a message: its mission, subject and text (the same text is the same message). */
const messageKey = (mission: Pick<MissionRow, 'id'>, form: Pick<MessageForm, 'subject' | 'body'>) =>
  createHash('sha256').update(`${mission.id}\n${form.subject}\n${form.body}`).digest('hex');

const alreadyServed = async (strapi: Strapi, mission: Pick<MissionRow, 'id'>, form: MessageForm) => {
  const message = await strapi.db.query(MESSAGE).findOne({ where: { messageKey: messageKey(mission, form) }, select: ['id'] });
  if (!message) return new Set<string>();
  const sent: Array<Pick<Delivery, 'email'>> = await strapi.db
    .query(DELIVERY)
    .findMany({ where: { missionMessage: { id: message.id }, status: 'sent' }, select: ['email'] });
  return new Set(sent.map((d) => d.email));
};

const seriesOf = (message: Pick<MessageRow, 'id' | 'documentId'>): DeliverySeries => ({
  uid: DELIVERY,
  parentField: 'missionMessage',
  parentId: message.id,
  parentDocumentId: message.documentId,
});

const updateCounts = async (strapi: Strapi, message: Pick<MessageRow, 'id' | 'documentId'>, status?: string) => {
  const data: MessageCounts = await countDeliveries(strapi, seriesOf(message));
  if (status) data.status = status;
  if (status === 'sent') data.sentAt = new Date();
  await strapi.db.query(MESSAGE).update({ where: { id: message.id }, data });
  return data;
};

/** Sends being run by this process, by message: a second click joins the run in progress. */
const running = new Map<string, Promise<void>>();

const run = async (strapi: Strapi, message: MessageRow, mission: MissionRow, replyTo?: string) => {
  const series = seriesOf(message);
  const brand = await mailBrand(strapi);
  await markInterrupted(strapi, series);
  await sendDeliveries(strapi, series, {
    mailFor: (d) => ({ ...messageMail(mission, message, d, replyTo), brand }),
    afterBatch: () => updateCounts(strapi, message),
  });
  const counts = await updateCounts(strapi, message);
  await updateCounts(strapi, message, counts.sentCount === counts.recipientsCount ? 'sent' : 'failed');
};

const summary = (m: MessageRow) => ({
  documentId: m.documentId,
  subject: m.subject,
  includeWaitlisted: Boolean(m.includeWaitlisted),
  status: m.status,
  recipientsCount: m.recipientsCount ?? 0,
  sentCount: m.sentCount ?? 0,
  failedCount: m.failedCount ?? 0,
  sentAt: m.sentAt ?? null,
  sentBy: m.sentBy ?? null,
  createdAt: m.createdAt,
});

/**
 * Sends a message to the mission's people, in the background (paced like the newsletters). The same
 * message sent again reaches only those who have not received it yet: the new volunteers, those the
 * SMTP server refused. Answers at once with the counts: recipients, already served, to send now.
 */
export const sendMessage = async (
  strapi: Strapi,
  missionDocumentId: string,
  form: MessageForm,
  author: { name: string; email?: string }
) => {
  const mission = await findMission(strapi, missionDocumentId);
  if (mission.status === 'cancelled')
    throw invalidInput('mission', 'Mission annulée : écrivez plutôt depuis votre messagerie pour prévenir les inscrits.');
  const { recipients, withoutEmail } = await messageRecipients(strapi, mission, form.includeWaitlisted);
  if (!recipients.length) throw invalidInput('recipients', 'Destinataires : aucun inscrit de cette mission n’a d’adresse e-mail.');
  const key = messageKey(mission, form);
  let message: MessageRow | null = await strapi.db.query(MESSAGE).findOne({ where: { messageKey: key } });
  if (!message) {
    try {
      await strapi.documents(MESSAGE).create({
        data: {
          mission: mission.documentId,
          subject: form.subject,
          body: form.body,
          includeWaitlisted: form.includeWaitlisted,
          messageKey: key,
          status: 'sending',
          sentBy: author.name,
        } as DocumentData,
      });
    } catch (e) {
      // the same message created by a second click meanwhile: the unique key keeps one
      if (!(await strapi.db.query(MESSAGE).findOne({ where: { messageKey: key }, select: ['id'] }))) throw e;
    }
    message = await strapi.db.query(MESSAGE).findOne({ where: { messageKey: key } });
  } else if (form.includeWaitlisted && !message.includeWaitlisted) {
    await strapi.db.query(MESSAGE).update({ where: { id: message.id }, data: { includeWaitlisted: true } });
  }
  const series = seriesOf(message);
  const served = await alreadyServed(strapi, mission, form);
  await addDeliveries(strapi, series, recipients);
  await strapi.db.query(MESSAGE).update({ where: { id: message.id }, data: { status: 'sending' } });
  await updateCounts(strapi, message);
  const toSend = await strapi.db
    .query(DELIVERY)
    .count({ where: { missionMessage: { id: message.id }, status: { $in: ['pending', 'failed'] }, attemptedAt: { $null: true } } });

  if (!running.has(message.documentId)) {
    const job = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => run(strapi, message, mission, author.email))
      .catch(async (e) => {
        strapi.log.error(`[missions] message aux bénévoles ${message.documentId} interrompu : ${e?.stack ?? e}`);
        await strapi.db
          .query(MESSAGE)
          .update({ where: { id: message.id }, data: { status: 'failed' } })
          .catch(() => undefined);
      })
      .finally(() => running.delete(message.documentId));
    running.set(message.documentId, job);
  }
  const alreadyReceived = recipients.filter((r) => served.has(r.email)).length;
  return {
    message: summary(await strapi.db.query(MESSAGE).findOne({ where: { id: message.id } })),
    recipientsCount: recipients.length,
    alreadyReceived,
    toSend,
    withoutEmail,
    notice:
      `Envoi en cours à ${toSend} personne${toSend > 1 ? 's' : ''}` +
      (alreadyReceived ? ` ; ${alreadyReceived} l’avai${alreadyReceived > 1 ? 'en' : ''}t déjà reçu (non renvoyé)` : '') +
      (withoutEmail.length ? ` ; sans adresse e-mail, à prévenir autrement : ${withoutEmail.join(', ')}` : '') +
      '.',
  };
};

/** The messages written to a mission's people, newest first, with their counts. */
export const missionMessages = async (strapi: Strapi, missionDocumentId: string) => {
  const mission = await findMission(strapi, missionDocumentId);
  const rows = await strapi.db
    .query(MESSAGE)
    .findMany({ where: { mission: { id: mission.id } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  return rows.map(summary);
};

/** Waits for the sending of a message started in this process (tests, shutdown). */
export const messageSendingFinished = (documentId: string) => running.get(documentId) ?? Promise.resolve();
