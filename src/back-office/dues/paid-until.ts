import type { Knex } from 'knex';
import type { Strapi } from '../types';
import { metaOf } from '../sql';
import { countedSql } from './counted';

/** Tables and columns the rule reads and writes. */
const names = (strapi: Strapi) => {
  const members = metaOf(strapi, 'api::member.member');
  const contributions = metaOf(strapi, 'api::contribution.contribution');
  return {
    members: members.tableName,
    contributions: contributions.tableName,
    link: contributions.attributes.member.joinTable!,
    periodEnd: contributions.attributes.periodEnd.columnName ?? 'period_end',
    refunded: contributions.attributes.refunded.columnName ?? 'refunded',
    paidUntil: members.attributes.duesPaidUntil.columnName ?? 'dues_paid_until',
  };
};

/**
 * Sets duesPaidUntil of the members `only` selects (all when absent) from their contributions, in two
 * statements: emptied, then the latest periodEnd per member, grouped in one query (a correlated
 * subquery per member is planned badly right after thousands of rows were inserted).
 */
const recompute = async (strapi: Strapi, trx: Knex.Transaction, only?: string[]) => {
  const { members, contributions, link, periodEnd, paidUntil, refunded } = names(strapi);
  const memberColumn = `${link.name}.${link.inverseJoinColumn.name}`;
  let latest = trx(contributions)
    .join(link.name, `${link.name}.${link.joinColumn.name}`, `${contributions}.id`)
    .whereRaw(countedSql(`${contributions}.${refunded}`))
    .groupBy(memberColumn)
    .select({ member_id: memberColumn })
    .max({ latest: `${contributions}.${periodEnd}` });
  if (only) latest = latest.whereIn(memberColumn, trx(members).select('id').whereIn('document_id', only));
  const sql = latest.toSQL();
  await (only ? trx(members).whereIn('document_id', only) : trx(members)).update({ [paidUntil]: null });
  await trx.raw(`UPDATE ?? SET ?? = x.latest FROM (${sql.sql}) AS x WHERE x.member_id = ??.id`, [
    members,
    paidUntil,
    ...sql.bindings,
    members,
  ]);
};

/**
 * THE rule for `member.duesPaidUntil`: the latest `periodEnd` of the member's contributions that count
 * (not refunded: counted.ts), null when there is none. Recomputed for the given members, in SQL, inside the current
 * transaction when there is one. Called by the rules module after every write that can change it
 * (once for all the members of many contributions written together).
 */
export const recomputeDuesPaidUntil = async (strapi: Strapi, memberDocumentIds: Array<string | null | undefined>) => {
  const ids = [...new Set(memberDocumentIds.filter(Boolean))] as string[];
  if (!ids.length) return;
  await strapi.db.transaction(async ({ trx }) => {
    // in slices: an import recomputes thousands of members, more than a query may bind
    for (let i = 0; i < ids.length; i += 500) await recompute(strapi, trx, ids.slice(i, i + 500));
  });
};

/**
 * The same rule for every member at once (after a bulk load: the demo data).
 */
export const recomputeAllDuesPaidUntil = async (strapi: Strapi) => {
  await strapi.db.transaction(async ({ trx }) => recompute(strapi, trx));
};
