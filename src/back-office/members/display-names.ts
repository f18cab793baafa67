import type { Strapi, Values } from '../types';
// The rule itself is pure and shared with the admin panel (pages and e-mails format names with it).
import { donorDisplayName, memberDisplayName, participationDisplayName, personName } from '../../contract/display-names';

export { donorDisplayName, memberDisplayName, participationDisplayName, personName };

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

/**
 * The displayName of a record as it will be after a write (`merged`: stored values overwritten by
 * the incoming ones, to-one relations as documentIds).
 */
export const displayNameOf = async (strapi: Strapi, uid: string, merged: Values) => {
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
export const participationIdsOf = async (strapi: Strapi, memberId: number | null | undefined) =>
  memberId ? participationIdsOfMany(strapi, [memberId]) : [];

/** Database ids of the participations of several members (members deleted together). */
export const participationIdsOfMany = async (strapi: Strapi, memberIds: number[]) => {
  const ids: number[] = [];
  for (let i = 0; i < memberIds.length; i += 500) {
    const rows: Array<{ id: number }> = await strapi.db
      .query(PARTICIPATION)
      .findMany({ where: { member: { id: { $in: memberIds.slice(i, i + 500) } } }, select: ['id'] });
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
};
