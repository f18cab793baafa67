import type { Strapi } from '../types';
import { column, datetimeValue, link, table } from '../sql';
import { CATEGORY_FIELDS, TALLIES_TABLE, laterMembers } from './tallies';
import { duesStatusSql } from '../dues/status';
import { countedSql } from '../dues/counted';
import { todayInParis } from '../dues/period';
import {
  AGE_GROUPS,
  AGE_UNKNOWN,
  MISSION_CANCELLED,
  MISSION_DONE,
  MISSION_PLANNED,
  MoneySection,
  SubsidyAmount,
  activeVolunteerWindow,
  subsidyCountedSql,
  bornByForAge,
  missionYearWindow,
  monthsOf,
  yearBounds,
} from './definitions';

/**
 * The statistics as plain SQL aggregates (SQLite and PostgreSQL): a handful of queries, each
 * returning one row or a few grouped rows, never one row per member. The service runs them
 * concurrently and shapes the JSON; the benchmark runs the same list directly.
 */
export interface StatsQuery {
  sql: string;
  bindings: unknown[];
}

export interface StatsQueryParams {
  year: number;
  /** the reference day of the year (definitions.referenceDay) */
  refDay: string;
  /** money sections to compute (the others are not queried) */
  sections: MoneySection[];
}

const MEMBER = 'api::member.member';
const MISSION = 'api::mission.mission';
const PARTICIPATION = 'api::participation.participation';
const CONTRIBUTION = 'api::contribution.contribution';
const DONATION = 'api::donation.donation';
const SUBSIDY = 'api::subsidy.subsidy';

const placeholders = (values: unknown[]) => values.map(() => '?').join(', ');

/** CASE giving the month index (1-12) of a date column already restricted to the year. */
const monthIndexSql = (col: string, year: number) => {
  const months = monthsOf(year).slice(0, 11);
  return {
    sql: `CASE ${months.map((_, i) => `WHEN ${col} < ? THEN ${i + 1}`).join(' ')} ELSE 12 END`,
    bindings: months.map((m) => m.next),
  };
};

export const statsQueries = (strapi: Strapi, { year, refDay, sections }: StatsQueryParams): Record<string, StatsQuery> => {
  const c = (uid: string, field: string) => column(strapi, uid, field);
  const members = table(strapi, MEMBER);
  const joinedAt = c(MEMBER, 'joinedAt');
  const { first, last } = yearBounds(year);
  const months = monthsOf(year);

  // The members of the year: joined by the reference day, or without a joining date. Counted from the
  // members' tallies (tallies.ts), less the tallied values of the members who joined after that day
  // (none, or a few, for the current year: read on the joining date's index).
  const later = laterMembers(strapi, refDay);
  const tallied = {
    sql: `(SELECT kind, value, detail, n, cents FROM ${TALLIES_TABLE}\nUNION ALL\n${later.sql}) t`,
    bindings: later.bindings,
  };
  const population = { sql: `(${joinedAt} IS NULL OR ${joinedAt} <= ?)`, bindings: [refDay] };

  // Dues status on the reference day: today, THE status from the stored duesPaidUntil (tallied); on a
  // past 31 December, the same rule applied to the contributions paid by that day (a later payment
  // must not make a member up to date in the past), on the members themselves.
  const historic = refDay !== todayInParis();
  const upToDate = (col: string) => {
    const status = duesStatusSql(col, { today: refDay });
    return { sql: `(${status.sql}) IN ('up_to_date', 'expiring')`, bindings: status.bindings };
  };
  const queries: Record<string, StatsQuery> = {};

  // new members and members before the year come from the year's new members (newByMonth): members at the end
  // of a month = members joined before the year (or without a date) + new members of the year's months up to that one
  const paidNow = upToDate('value');
  queries.members = {
    sql: `SELECT SUM(CASE WHEN kind = 'members' THEN n ELSE 0 END) AS total,
      SUM(CASE WHEN kind = 'volunteers' THEN n ELSE 0 END) AS volunteers,
      SUM(CASE WHEN kind = 'paid_until' AND ${paidNow.sql} THEN n ELSE 0 END) AS up_to_date
      FROM ${tallied.sql}`,
    bindings: [...paidNow.bindings, ...tallied.bindings],
  };
  if (historic) {
    const contributions = table(strapi, CONTRIBUTION);
    const toPayer = link(strapi, CONTRIBUTION, 'member');
    const paidThen = upToDate('d.paid_until');
    queries.upToDateThen = {
      sql: `SELECT SUM(CASE WHEN ${paidThen.sql} THEN 1 ELSE 0 END) AS up_to_date FROM ${members}
        LEFT JOIN (SELECT l.${toPayer.to} AS member_id, MAX(ct.${c(CONTRIBUTION, 'periodEnd')}) AS paid_until FROM ${contributions} ct
          JOIN ${toPayer.table} l ON l.${toPayer.from} = ct.id WHERE ct.${c(CONTRIBUTION, 'paidAt')} <= ? AND ${countedSql(`ct.${c(CONTRIBUTION, 'refunded')}`)} GROUP BY l.${toPayer.to}) d ON d.member_id = ${members}.id
        WHERE ${population.sql}`,
      bindings: [...paidThen.bindings, refDay, ...population.bindings],
    };
  }
  const joinedMonth = monthIndexSql(joinedAt, year);
  queries.newByMonth = {
    sql: `SELECT ${joinedMonth.sql} AS month_index, COUNT(*) AS count FROM ${members}
      WHERE ${joinedAt} >= ? AND ${joinedAt} < ? AND ${population.sql} GROUP BY 1`,
    bindings: [...joinedMonth.bindings, first, months[11].next, ...population.bindings],
  };

  // Age on 31 December: born after the latest birth year of the group's minimum age → younger.
  const ageCase = AGE_GROUPS.slice(1)
    .map((_, i) => `WHEN value > ? THEN '${AGE_GROUPS[i][0]}'`)
    .join(' ');
  queries.ageGroups = {
    sql: `SELECT CASE WHEN value IS NULL THEN '${AGE_UNKNOWN}' ${ageCase} ELSE '${AGE_GROUPS[AGE_GROUPS.length - 1][0]}' END AS age_group,
      detail AS gender, SUM(n) AS count
      FROM ${tallied.sql} WHERE kind = 'birth' GROUP BY 1, 2`,
    bindings: [...AGE_GROUPS.slice(1).map(([, min]) => bornByForAge(year, min)), ...tallied.bindings],
  };

  const kinds = Object.keys(CATEGORY_FIELDS).map((k) => `'${k}'`);
  queries.categories = {
    sql: `SELECT kind, value, SUM(n) AS count FROM ${tallied.sql}
      WHERE kind IN (${kinds.join(', ')}) GROUP BY kind, value HAVING SUM(n) > 0`,
    bindings: tallied.bindings,
  };

  const missions = table(strapi, MISSION);
  const participations = table(strapi, PARTICIPATION);
  const toMission = link(strapi, PARTICIPATION, 'mission');
  const toMember = link(strapi, PARTICIPATION, 'member');
  const startAt = c(MISSION, 'startAt');
  const mStatus = c(MISSION, 'status');
  const pStatus = c(PARTICIPATION, 'status');
  const active = activeVolunteerWindow(refDay);
  const inYear = missionYearWindow(year);
  const inWindow = (from: Date, to: Date) => ({
    sql: `m.${startAt} >= ? AND m.${startAt} < ?`,
    bindings: [datetimeValue(strapi, from), datetimeValue(strapi, to)],
  });
  const activeWindow = inWindow(active.from, active.to);
  const yearWindow = inWindow(inYear.from, inYear.to);
  const fromParticipations = `FROM ${missions} m JOIN ${toMission.table} pk ON pk.${toMission.to} = m.id JOIN ${participations} p ON p.id = pk.${toMission.from}`;
  // two queries, run at once: the year's participations, and the active volunteers of the 12 months
  queries.activity = {
    sql: `SELECT
      SUM(CASE WHEN p.${pStatus} = 'attended' THEN 1 ELSE 0 END) AS attended,
      SUM(CASE WHEN p.${pStatus} = 'absent' THEN 1 ELSE 0 END) AS absent,
      (SELECT COUNT(*) FROM ${missions} m WHERE m.${mStatus} IN (${placeholders(MISSION_DONE)}) AND ${yearWindow.sql}) AS missions_done,
      (SELECT COUNT(*) FROM ${missions} m WHERE m.${mStatus} IN (${placeholders(MISSION_PLANNED)}) AND ${yearWindow.sql}) AS missions_planned
      ${fromParticipations}
      WHERE ${yearWindow.sql} AND m.${mStatus} <> '${MISSION_CANCELLED}' AND p.${pStatus} IN ('attended', 'absent')`,
    bindings: [...MISSION_DONE, ...yearWindow.bindings, ...MISSION_PLANNED, ...yearWindow.bindings, ...yearWindow.bindings],
  };
  queries.activeVolunteers = {
    sql: `SELECT COUNT(DISTINCT pm.${toMember.to}) AS active_volunteers ${fromParticipations}
      JOIN ${toMember.table} pm ON pm.${toMember.from} = p.id
      WHERE ${activeWindow.sql} AND p.${pStatus} = 'attended'`,
    bindings: activeWindow.bindings,
  };

  // Money, in integer cents summed by SQL (SQLite keeps decimals as floats: 0.10 + 0.20 must stay 0.30),
  // from the tallies of the counted contributions and donations by day (tallies.ts).
  const byMonth = (kind: 'dues' | 'donations') => {
    const month = monthIndexSql('value', year);
    return {
      sql: `SELECT ${month.sql} AS month_index, SUM(n) AS count, SUM(cents) AS cents
        FROM ${TALLIES_TABLE} WHERE kind = ? AND value >= ? AND value <= ? GROUP BY 1`,
      bindings: [...month.bindings, kind, first, last],
    };
  };
  if (sections.includes('dues')) queries.dues = byMonth('dues');
  if (sections.includes('donations')) {
    queries.donations = byMonth('donations');
    const toDonor = link(strapi, DONATION, 'donor');
    const receivedAt = c(DONATION, 'receivedAt');
    queries.donors = {
      sql: `SELECT COUNT(DISTINCT dd.${toDonor.to}) AS donors FROM ${table(strapi, DONATION)} d
        JOIN ${toDonor.table} dd ON dd.${toDonor.from} = d.id WHERE d.${receivedAt} >= ? AND d.${receivedAt} <= ? AND ${countedSql(`d.${c(DONATION, 'refunded')}`)}`,
      bindings: [first, last],
    };
  }
  if (sections.includes('subsidies')) {
    // THE subsidy totals (definitions.ts), the same SQL rule as the financial report's
    const sStatus = c(SUBSIDY, 'status');
    const counted = (amount: SubsidyAmount, field: string) =>
      `SUM(ROUND(${subsidyCountedSql(amount, sStatus, c(SUBSIDY, field))} * 100)) AS ${amount}`;
    queries.subsidies = {
      sql: `SELECT ${counted('requested', 'amountRequested')}, ${counted('granted', 'amountGranted')}, ${counted('received', 'amountReceived')}
        FROM ${table(strapi, SUBSIDY)} WHERE ${c(SUBSIDY, 'fiscalYear')} = ?`,
      bindings: [year],
    };
  }
  return queries;
};
