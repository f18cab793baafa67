import type { Strapi } from '../types';

/** Tables and columns the rule reads and writes. */
const names = (strapi: Strapi) => {
  const members = strapi.db.metadata.get('api::member.member');
  const contributions = strapi.db.metadata.get('api::contribution.contribution');
  return {
    members: members.tableName,
    contributions: contributions.tableName,
    link: (contributions.attributes.member as any).joinTable,
    periodEnd: (contributions.attributes.periodEnd as any).columnName ?? 'period_end',
    paidUntil: (members.attributes.duesPaidUntil as any).columnName ?? 'dues_paid_until',
  };
};

/**
 * THE rule for `member.duesPaidUntil`: the latest `periodEnd` of the member's contributions
 * (null when there is none). Recomputed for the given members, in SQL, inside the current
 * transaction when there is one. Called by the rules module after every write that can change it.
 */
export const recomputeDuesPaidUntil = async (strapi: Strapi, memberDocumentIds: Array<string | null | undefined>) => {
  const ids = [...new Set(memberDocumentIds.filter(Boolean))] as string[];
  if (!ids.length) return;
  const { members, contributions, link, periodEnd, paidUntil } = names(strapi);

  await strapi.db.transaction(async ({ trx }) => {
    // in slices: an import recomputes thousands of members, more than a query may bind
    for (let i = 0; i < ids.length; i += 500) {
      const latest = trx(contributions)
        .max(`${contributions}.${periodEnd}`)
        .join(link.name, `${link.name}.${link.joinColumn.name}`, `${contributions}.id`)
        .where(`${link.name}.${link.inverseJoinColumn.name}`, trx.ref(`${members}.id`));
      await trx(members)
        .whereIn('document_id', ids.slice(i, i + 500))
        .update({ [paidUntil]: latest });
    }
  });
};

/**
 * The same rule for every member at once (after a bulk load: the demo data, an import), in two
 * statements instead of one correlated subquery per member.
 */
export const recomputeAllDuesPaidUntil = async (strapi: Strapi) => {
  const { members, contributions, link, periodEnd, paidUntil } = names(strapi);
  await strapi.db.transaction(async ({ trx }) => {
    const latest = trx(contributions)
      .join(link.name, `${link.name}.${link.joinColumn.name}`, `${contributions}.id`)
      .groupBy(`${link.name}.${link.inverseJoinColumn.name}`)
      .select({ member_id: `${link.name}.${link.inverseJoinColumn.name}` })
      .max({ latest: `${contributions}.${periodEnd}` })
      .toSQL();
    await trx(members).update({ [paidUntil]: null });
    await trx.raw(`UPDATE ?? SET ?? = x.latest FROM (${latest.sql}) AS x WHERE x.member_id = ??.id`, [members, paidUntil, ...latest.bindings, members]);
  });
};
