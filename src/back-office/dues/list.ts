import type { Knex } from 'knex';
import type { Strapi } from '../types';
import { column, knex, link, table } from '../sql';
import { countedSql } from './counted';
import { DuesOptions, DuesStatus, duesStatusSql, duesStatusWhere, DUES_STATUSES } from './status';

const MEMBER = 'api::member.member';
const CONTRIBUTION = 'api::contribution.contribution';
const TYPE = 'api::membership-type.membership-type';

/** One member as the dues list, the reminders and the digest see them. */
export interface DuesRow {
  id: number;
  documentId: string;
  memberNumber: number | null;
  firstName: string;
  lastName: string;
  email: string | null;
  duesPaidUntil: string | null;
  status: DuesStatus;
  membershipType: string | null;
  /** amount of the contribution that gives duesPaidUntil */
  lastAmount: number | null;
  /** current price of that membership type (what a renewal costs) */
  typeAmount: number | null;
  reminderDays: unknown;
  /** with `limit`: how many members the list has without it */
  total?: number;
}

const toNumber = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * Members with their dues status, in one SQL query (no query per member): the contribution that gives
 * duesPaidUntil (the latest one ending that day) brings the membership type, the amount paid and the
 * type's reminder days. `filter` narrows the query (status, date range...) before it runs.
 */
export const duesRows = async (
  strapi: Strapi,
  options: DuesOptions & {
    statuses?: DuesStatus[];
    filter?: (qb: Knex.QueryBuilder, paidUntilColumn: string) => void;
    /** the first rows only (each row then carries the `total` of the list) */
    limit?: number;
  }
): Promise<DuesRow[]> => {
  const k = knex(strapi);
  const members = table(strapi, MEMBER);
  const contributions = table(strapi, CONTRIBUTION);
  const types = table(strapi, TYPE);
  const byMember = link(strapi, CONTRIBUTION, 'member');
  const byType = link(strapi, CONTRIBUTION, 'membershipType');
  const paidColumn = column(strapi, MEMBER, 'duesPaidUntil');
  const paid = `m.${paidColumn}`;
  const periodEnd = column(strapi, CONTRIBUTION, 'periodEnd');
  const status = duesStatusSql(paid, options);

  const order = `${paid} IS NULL, ${paid} ASC, m.${column(strapi, MEMBER, 'lastName')} ASC, m.id ASC`;
  // the members listed: the statuses and the caller's filter narrow them; with `limit`, the first ones only,
  // counted before the limit
  const listed = k(`${members} as m`).select(
    'm.id',
    'm.document_id',
    ...['memberNumber', 'firstName', 'lastName', 'email', 'duesPaidUntil'].map((f) => `m.${column(strapi, MEMBER, f)}`)
  );
  if (options.statuses && options.statuses.length < DUES_STATUSES.length) {
    listed.where((w) => {
      for (const s of options.statuses!) w.orWhere((one) => duesStatusWhere(one, paid, s, options));
    });
  }
  options.filter?.(listed, paid);
  if (options.limit !== undefined) listed.select(k.raw('COUNT(*) OVER () as total')).orderByRaw(order).limit(options.limit);

  // the contribution that gives duesPaidUntil, for the members listed only, all at once (a grouped derived
  // table, not a subquery per member: PostgreSQL cannot hash-join a correlated subquery)
  const latest = k(`${contributions} as c0`)
    .join(`${byMember.table} as l0`, `l0.${byMember.from}`, 'c0.id')
    .join('listed as m0', (on) => on.on('m0.id', '=', `l0.${byMember.to}`).andOn(`c0.${periodEnd}`, '=', `m0.${paidColumn}`))
    .whereRaw(countedSql(`c0.${column(strapi, CONTRIBUTION, 'refunded')}`))
    .groupBy(`l0.${byMember.to}`)
    .select(`l0.${byMember.to} as member_id`)
    .max({ contribution_id: 'c0.id' });

  // the members listed are read once (a common table expression), for the contributions and for the rows
  const qb = k
    .with('listed', listed)
    .from('listed as m')
    .select(
      'm.id as id',
      'm.document_id as documentId',
      `m.${column(strapi, MEMBER, 'memberNumber')} as memberNumber`,
      `m.${column(strapi, MEMBER, 'firstName')} as firstName`,
      `m.${column(strapi, MEMBER, 'lastName')} as lastName`,
      `m.${column(strapi, MEMBER, 'email')} as email`,
      `${paid} as duesPaidUntil`,
      k.raw(`${status.sql} as ??`, [...status.bindings, 'status']),
      `t.${column(strapi, TYPE, 'name')} as membershipType`,
      `c.${column(strapi, CONTRIBUTION, 'amount')} as lastAmount`,
      `t.${column(strapi, TYPE, 'amount')} as typeAmount`,
      `t.${column(strapi, TYPE, 'reminderDays')} as reminderDays`
    )
    .leftJoin(latest.as('lc'), 'lc.member_id', 'm.id')
    .joinRaw(`LEFT JOIN ${contributions} c ON c.id = lc.contribution_id`)
    .joinRaw(`LEFT JOIN ${byType.table} lt ON lt.${byType.from} = c.id`)
    .joinRaw(`LEFT JOIN ${types} t ON t.id = lt.${byType.to}`)
    .orderByRaw(order);
  if (options.limit !== undefined) qb.select('m.total as total');

  const rows = await qb;
  return rows.map((r) => ({
    ...r,
    memberNumber: toNumber(r.memberNumber),
    duesPaidUntil: r.duesPaidUntil ? String(r.duesPaidUntil).slice(0, 10) : null,
    lastAmount: toNumber(r.lastAmount),
    typeAmount: toNumber(r.typeAmount),
    ...(options.limit !== undefined ? { total: Number(r.total) } : {}),
  }));
};

/**
 * The list's search: the words typed, found in the member's display name (name and number), first name or,
 * when the admin may read it, e-mail address, whatever the case (as the page searched its rows before).
 */
export const duesSearch = (strapi: Strapi, text: string, withEmail: boolean) => {
  const needle = text.trim().toLowerCase();
  if (!needle) return undefined;
  const fields = ['displayName', 'firstName', ...(withEmail ? ['email'] : [])];
  const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return (qb: Knex.QueryBuilder, paidUntil: string) => {
    // on the members' alias of the query narrowed (the list's, or its derived table's)
    const alias = paidUntil.split('.')[0];
    const haystack = fields.map((f) => `COALESCE(${alias}.${column(strapi, MEMBER, f)}, '')`).join(` || ' ' || `);
    qb.whereRaw(`LOWER(${haystack}) LIKE ? ESCAPE '\\'`, [pattern]);
  };
};

/** Number of members per dues status, in one grouped query. */
export const duesCounts = async (strapi: Strapi, options: DuesOptions) => {
  const paid = `m.${column(strapi, MEMBER, 'duesPaidUntil')}`;
  const status = duesStatusSql(paid, options);
  const k = knex(strapi);
  // grouped in an outer query: PostgreSQL cannot match a CASE with bound values in GROUP BY
  const perMember = k(`${table(strapi, MEMBER)} as m`).select(k.raw(`${status.sql} as ??`, [...status.bindings, 'status']));
  const rows = await k.from(perMember.as('s')).select('s.status').count({ n: '*' }).groupBy('s.status');
  const counts = Object.fromEntries(DUES_STATUSES.map((s) => [s, 0])) as Record<DuesStatus, number>;
  for (const r of rows as Array<{ status: string; n: number | string }>) counts[r.status as DuesStatus] = Number(r.n);
  return counts;
};
