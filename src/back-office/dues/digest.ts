import { DateTime } from 'luxon';
import type { Strapi } from '../types';
import { column, knex, link, table } from '../sql';
import { Block, MailBody, sendMail } from '../mail';
import { todayInParis } from './period';
import { associationGraceDays, DUES_STATUS_LABELS, DUES_STATUSES } from './status';
import { duesCounts, duesRows } from './list';
import { frenchDate } from './template';
import { memberDisplayName } from '../../contract/display-names';
import { reminderOffsetLabel } from '../../contract/dues';

const LOG = 'api::dues-reminder.dues-reminder';
const MEMBER = 'api::member.member';
/** Role code of the treasurers (src/back-office/access creates the role). */
export const TREASURER_ROLE = 'asso-treasurer';
/** Longer lists are cut in the e-mail: the admin page has them all. */
const MAX_LINES = 100;

/** A member as everywhere in the back-office: "Martin Claire (n° 42)". */
const whoIs = (m: { firstName: string; lastName: string; memberNumber: number | null }) => memberDisplayName(m);

const listed = <T>(items: T[], line: (item: T) => string): Block => ({
  type: 'list',
  items: items.length
    ? [
        ...items.slice(0, MAX_LINES).map(line),
        ...(items.length > MAX_LINES ? [`… et ${items.length - MAX_LINES} autre(s), voir la page Cotisations du back-office`] : []),
      ]
    : ['aucune'],
});

/** Reminders sent over the 7 days ending `today` (by day of the run), with the member. One query. */
const remindedDuring = async (strapi: Strapi, from: string, to: string) => {
  const byMember = link(strapi, LOG, 'member');
  const m = (f: string) => `m.${column(strapi, MEMBER, f)}`;
  const r = (f: string) => `r.${column(strapi, LOG, f)}`;
  const rows = await knex(strapi)(`${table(strapi, LOG)} as r`)
    .join(`${byMember.table} as l`, `l.${byMember.from}`, 'r.id')
    .join(`${table(strapi, MEMBER)} as m`, 'm.id', `l.${byMember.to}`)
    .select(
      `${m('firstName')} as firstName`,
      `${m('lastName')} as lastName`,
      `${m('memberNumber')} as memberNumber`,
      `${r('duesPaidUntil')} as duesPaidUntil`,
      `${r('offsetDays')} as offsetDays`,
      `${r('remindedOn')} as remindedOn`
    )
    .where(r('status'), 'sent')
    .whereBetween(r('remindedOn'), [from, to])
    .orderBy([r('remindedOn'), m('lastName')]);
  return rows.map((x) => ({ ...x, duesPaidUntil: String(x.duesPaidUntil).slice(0, 10), remindedOn: String(x.remindedOn).slice(0, 10) }));
};

/** The weekly digest for the treasurers: who was reminded over the week, who must renew. */
export const buildDigest = async (strapi: Strapi, today: string) => {
  const from = DateTime.fromISO(today).minus({ days: 6 }).toISODate()!;
  const graceDays = await associationGraceDays(strapi);
  const reminded = await remindedDuring(strapi, from, today);
  const toRenew = await duesRows(strapi, { today, graceDays, statuses: ['expiring', 'grace'] });
  const counts = await duesCounts(strapi, { today, graceDays });

  const body: MailBody = [
    'Bonjour,',
    '',
    `Voici le point hebdomadaire des cotisations au ${frenchDate(today)}.`,
    { type: 'list', items: DUES_STATUSES.map((s) => `${DUES_STATUS_LABELS[s]} : ${counts[s]}`) },
    { type: 'heading', text: `Relances envoyées du ${frenchDate(from)} au ${frenchDate(today)} (${reminded.length})` },
    listed(
      reminded,
      (x) =>
        `${whoIs(x)} — échéance le ${frenchDate(x.duesPaidUntil)}, relance ${reminderOffsetLabel(Number(x.offsetDays))}, le ${frenchDate(x.remindedOn)}`
    ),
    { type: 'heading', text: `Cotisations à renouveler (${toRenew.length})` },
    listed(
      toRenew,
      (x) =>
        `${whoIs(x)} — ${DUES_STATUS_LABELS[x.status].toLowerCase()}, payée jusqu\u2019au ${frenchDate(x.duesPaidUntil!)}${x.email ? '' : ' — pas d\u2019e-mail : à contacter autrement'}`
    ),
    { type: 'small', lines: ['Ce message est envoyé chaque lundi par le back-office aux trésorier·ères.'] },
  ];
  return {
    subject: `Cotisations : le point de la semaine (${frenchDate(today)})`,
    body,
    reminded: reminded.length,
    toRenew: toRenew.length,
  };
};

/** Sends the digest to every active admin with the treasurer role; returns who received it. */
export const sendDigest = async (strapi: Strapi, { today = todayInParis() }: { today?: string } = {}) => {
  const admins = (
    await strapi.db
      .query('admin::user')
      .findMany({ where: { isActive: true, roles: { code: TREASURER_ROLE } }, select: ['email', 'blocked'] })
  ).filter((a) => !a.blocked);
  const digest = await buildDigest(strapi, today);
  const recipients: string[] = [];
  for (const admin of admins) {
    await sendMail(strapi, { to: admin.email, subject: digest.subject, body: digest.body });
    recipients.push(admin.email);
  }
  if (!recipients.length)
    strapi.log.warn('[cotisations] récapitulatif hebdomadaire non envoyé : aucun administrateur actif n\u2019a le rôle trésorier.');
  return { today, recipients, reminded: digest.reminded, toRenew: digest.toRenew };
};
