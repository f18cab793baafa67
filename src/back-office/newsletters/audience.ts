import type { Strapi } from '../types';
import { booleanValue, column, knex, link, table } from '../sql';
import { duesStatusWhere } from '../dues/status';
import { fieldError } from '../rules/validation';

const MEMBER = 'api::member.member';
const SUBSCRIBER = 'api::subscriber.subscriber';
const NEWSLETTER = 'api::newsletter.newsletter';

export type Audience = 'opted_in_members' | 'members_up_to_date' | 'volunteers' | 'pole' | 'subscribers';

export interface Recipient {
  email: string;
  firstName: string | null;
  lastName: string | null;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** Addresses that asked to receive nothing more: honoured by every audience. */
export const suppressedAddresses = async (strapi: Strapi) => {
  const rows = await strapi.db.query(SUBSCRIBER).findMany({ where: { status: 'unsubscribed' }, select: ['email'] });
  return new Set(rows.map((r) => normaliseEmail(r.email)));
};

const memberRecipients = async (strapi: Strapi, audience: Audience, poleId: number | null) => {
  const col = (f: string) => `m.${column(strapi, MEMBER, f)}`;
  const q = knex(strapi)(`${table(strapi, MEMBER)} as m`)
    .select({ email: col('email'), firstName: col('firstName'), lastName: col('lastName') })
    .whereNotNull(col('email'))
    .where(col('email'), '<>', '');
  if (audience === 'opted_in_members') q.where(col('newsletterOptIn'), booleanValue(strapi, true));
  if (audience === 'volunteers') q.where(col('isVolunteer'), booleanValue(strapi, true));
  // "À jour de cotisation" = paid for today: the dues statuses up_to_date and expiring (dues/status.ts).
  if (audience === 'members_up_to_date')
    q.where((b) =>
      duesStatusWhere(b, col('duesPaidUntil'), 'up_to_date').orWhere((o) => duesStatusWhere(o, col('duesPaidUntil'), 'expiring'))
    );
  if (audience === 'pole') {
    const lnk = link(strapi, MEMBER, 'poles');
    q.whereIn('m.id', knex(strapi)(lnk.table).select(lnk.from).where(lnk.to, poleId));
  }
  return q.orderBy('m.id') as Promise<Recipient[]>;
};

/**
 * The recipients of a newsletter, computed now: its audience, each address once (case-insensitive),
 * minus every unsubscribed address. Throws a French 400 when the audience "pole" has no pole.
 */
export const recipientsOf = async (strapi: Strapi, documentId: string): Promise<Recipient[]> => {
  const newsletter = await strapi.db.query(NEWSLETTER).findOne({ where: { documentId }, populate: { pole: { select: ['id'] } } });
  if (!newsletter) return [];
  const audience = newsletter.audience as Audience;
  if (audience === 'pole' && !newsletter.pole) throw fieldError(NEWSLETTER, 'pole', 'choisissez le pôle destinataire de la lettre.');
  const candidates: Recipient[] =
    audience === 'subscribers'
      ? await strapi.db
          .query(SUBSCRIBER)
          .findMany({ where: { status: 'confirmed' }, select: ['email', 'firstName'], orderBy: { id: 'asc' } })
      : await memberRecipients(strapi, audience, newsletter.pole?.id ?? null);
  const suppressed = await suppressedAddresses(strapi);
  const seen = new Set<string>();
  const out: Recipient[] = [];
  for (const c of candidates) {
    const email = normaliseEmail(c.email ?? '');
    if (!email || suppressed.has(email) || seen.has(email)) continue;
    seen.add(email);
    out.push({ email, firstName: c.firstName ?? null, lastName: c.lastName ?? null });
  }
  return out;
};
