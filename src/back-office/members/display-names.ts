import type { Strapi } from '../types';

/**
 * THE rule for `displayName`, the name the admin shows for a member, a donor or a participation
 * (relation pickers, lists): three "Martin" are told apart by their first name and member number,
 * a company by its name, a participation of a member by the member's name.
 * Derived, never written by hand: the members module's write rules (members/rules.ts) set it on every write,
 * and the demo seed (bulk inserts) computes it with these same functions.
 */

export const MEMBER = 'api::member.member';
export const DONOR = 'api::donor.donor';
export const PARTICIPATION = 'api::participation.participation';

/** The content types that have a displayName. */
export const DISPLAY_NAME_TYPES = [MEMBER, DONOR, PARTICIPATION];

/** Strapi's string column (varchar 255 on PostgreSQL). */
const MAX_LENGTH = 255;

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());

/** null when empty; cut (with an ellipsis) when longer than the column. */
const fit = (s: string) => (!s ? null : s.length > MAX_LENGTH ? `${s.slice(0, MAX_LENGTH - 1)}\u2026` : s);

/** "Nom Prénom", with what there is. */
export const personName = (p: { lastName?: unknown; firstName?: unknown } | null | undefined) =>
  [text(p?.lastName), text(p?.firstName)].filter(Boolean).join(' ');

/** "Martin Claire (n° 42)"; "Martin Claire" before the member has a number. */
export const memberDisplayName = (m: { lastName?: unknown; firstName?: unknown; memberNumber?: unknown }) => {
  const name = personName(m);
  const number = text(m.memberNumber) ? `n° ${text(m.memberNumber)}` : '';
  return fit(name && number ? `${name} (${number})` : name || number);
};

/** A company: "Boulangerie Durand (Durand Paul)", its contact in parentheses when known; a person: "Nom Prénom". */
export const donorDisplayName = (d: { kind?: unknown; companyName?: unknown; lastName?: unknown; firstName?: unknown; email?: unknown }) => {
  const company = text(d.companyName);
  const person = personName(d);
  if (d.kind === 'company' && company) return fit(person ? `${company} (${person})` : company);
  return fit(person || company || text(d.email));
};

/**
 * The member's "Nom Prénom" when the participation is a member's (its own name fields are then
 * usually empty), else the person's own "Nom Prénom" (the e-mail when a website form gave no name).
 */
export const participationDisplayName = (
  p: { lastName?: unknown; firstName?: unknown; email?: unknown },
  member: { lastName?: unknown; firstName?: unknown } | null | undefined
) => fit((member && personName(member)) || personName(p) || text(p.email));

/**
 * The displayName of a record as it will be after a write (`merged`: stored values overwritten by
 * the incoming ones, to-one relations as documentIds).
 */
export const displayNameOf = async (strapi: Strapi, uid: string, merged: Record<string, any>) => {
  if (uid === MEMBER) return memberDisplayName(merged);
  if (uid === DONOR) return donorDisplayName(merged);
  const member = merged.member
    ? await strapi.db.query(MEMBER).findOne({ where: { documentId: merged.member }, select: ['firstName', 'lastName'] })
    : null;
  return participationDisplayName(merged, member);
};

/**
 * Sets again the displayName of the given participations (database ids), from their member or
 * their own name: after a member's name changes, or participations are moved to or from a member
 * from the member's side. Inside the current transaction when there is one.
 */
export const refreshParticipationDisplayNames = async (strapi: Strapi, ids: number[]) => {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  const rows = await strapi.db.query(PARTICIPATION).findMany({
    where: { id: { $in: unique } },
    select: ['id', 'firstName', 'lastName', 'email', 'displayName'],
    populate: { member: { select: ['firstName', 'lastName'] } },
  });
  for (const row of rows) {
    const value = participationDisplayName(row, row.member);
    if (value !== row.displayName) await strapi.db.query(PARTICIPATION).update({ where: { id: row.id }, data: { displayName: value } });
  }
};

/** Database ids of a member's participations. */
export const participationIdsOf = async (strapi: Strapi, memberId: number | null | undefined) => {
  if (!memberId) return [];
  const rows = await strapi.db.query(PARTICIPATION).findMany({ where: { member: { id: memberId } }, select: ['id'] });
  return rows.map((r: any) => r.id as number);
};
