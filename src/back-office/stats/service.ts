import type { Knex } from 'knex';
import type { Strapi } from '../types';
import type { Ability } from '../access/content-manager-guard';
import { badRequest } from '../../core/errors';
import { knex } from '../sql';
import {
  AGE_GROUPS,
  AGE_UNKNOWN,
  FIRST_YEAR,
  MONEY_SECTIONS,
  MoneySection,
  centsToEuros,
  currentYear,
  monthsOf,
  participationRate,
  referenceDay,
  topWithOthers,
} from './definitions';
import { statsQueries } from './queries';
import { compactTallies } from './tallies';
import type { Stats } from './types';
import { readAssociation } from '../../core/association';
import { currentFiscalYear, fiscalYearBounds } from '../../core/dates';
import { fiscalYearName } from '../books/fiscal-years';
import { periodTotals } from '../books/statements';

export type { Stats };

/** `?year=` of the request: the current year by default; a French 400 naming the field otherwise. */
export const parseYear = (raw: unknown) => {
  const max = currentYear();
  if (raw === undefined || raw === '') return max;
  const year = Number(raw);
  if (typeof raw !== 'string' || !/^\d{4}$/.test(raw) || year < FIRST_YEAR || year > max) {
    throw badRequest(`Année : « ${String(raw)} » n'est pas une année valide (de ${FIRST_YEAR} à ${max}).`, 'year');
  }
  return year;
};

/** Money sections the admin may see: read right on contributions, donations, subsidies (content manager). */
export const allowedMoneySections = (userAbility: Ability | null | undefined): MoneySection[] =>
  (Object.keys(MONEY_SECTIONS) as MoneySection[]).filter((s) =>
    userAbility?.can?.('plugin::content-manager.explorer.read', MONEY_SECTIONS[s])
  );

/** A row of an aggregate query: its columns by alias. */
type SqlRow = Record<string, unknown>;
// SQLite answers the rows, PostgreSQL a result holding them
const rowsOf = (result: SqlRow[] | { rows?: SqlRow[] } | undefined): SqlRow[] => (Array.isArray(result) ? result : (result?.rows ?? []));
const n = (v: unknown) => Number(v ?? 0);

const moneyByMonth = (year: number, rows: SqlRow[]) => {
  const byIndex = new Map(rows.map((r) => [n(r.month_index), r]));
  let cents = 0;
  let count = 0;
  const byMonth = monthsOf(year).map((m, i) => {
    const r = byIndex.get(i + 1);
    cents += n(r?.cents);
    count += n(r?.count);
    return { month: m.month, amount: centsToEuros(r?.cents), count: n(r?.count) };
  });
  return { total: centsToEuros(cents), count, byMonth };
};

/** The statistics of a year (see definitions.ts), with the money sections listed in `sections`. */
export const computeStats = async (strapi: Strapi, year: number, sections: MoneySection[]): Promise<Stats> => {
  const refDay = referenceDay(year);
  await compactTallies(strapi);
  const queries = statsQueries(strapi, { year, refDay, sections });
  const names = Object.keys(queries);
  const results = await Promise.all(names.map((name) => knex(strapi).raw(queries[name].sql, queries[name].bindings as Knex.RawBinding[])));
  const r = Object.fromEntries(names.map((name, i) => [name, rowsOf(results[i])]));

  const m = r.members[0] ?? {};
  const months = monthsOf(year);
  const joined = new Map(r.newByMonth.map((row) => [n(row.month_index), n(row.count)]));
  const newIn = months.map((_, i) => joined.get(i + 1) ?? 0);
  const newMembers = newIn.reduce((sum, count) => sum + count, 0);
  let members = n(m.total) - newMembers;
  const endOf = newIn.map((count) => (members += count));
  const activity = r.activity[0] ?? {};
  const attended = n(activity.attended);
  const absent = n(activity.absent);

  const labels = [...AGE_GROUPS.map(([label]) => label), AGE_UNKNOWN];
  const ageGroupsByGender = labels.map((label) => {
    const row = { label, female: 0, male: 0, other: 0 };
    for (const a of r.ageGroups) if (a.age_group === label) row[a.gender as 'female' | 'male' | 'other'] += n(a.count);
    return row;
  });
  const categories = (kind: string) =>
    topWithOthers(r.categories.filter((c) => c.kind === kind).map((c) => ({ value: String(c.value ?? ''), count: n(c.count) })));

  const stats: Stats = {
    year,
    referenceDay: refDay,
    members: { total: n(m.total), upToDate: n((r.upToDateThen ?? r.members)[0]?.up_to_date), new: newMembers, volunteers: n(m.volunteers) },
    volunteers: { active: n(r.activeVolunteers[0]?.active_volunteers) },
    missions: { done: n(activity.missions_done), planned: n(activity.missions_planned) },
    participation: { rate: participationRate(attended, absent), attended, absent },
    ageGroups: ageGroupsByGender.map(({ label, female, male, other }) => ({ label, count: female + male + other })),
    ageGroupsByGender,
    professions: categories('professions'),
    cities: categories('cities'),
    origins: categories('origins'),
    newMembersByMonth: months.map((mo, i) => ({ month: mo.month, count: newIn[i] })),
    membersByMonth: months.map((mo, i) => ({ month: mo.month, count: mo.first > refDay ? null : endOf[i] })),
  };
  if (r.dues) stats.dues = moneyByMonth(year, r.dues);
  if (r.donations) stats.donations = { ...moneyByMonth(year, r.donations), donors: n(r.donors[0]?.donors) };
  if (r.subsidies) {
    const s = r.subsidies[0] ?? {};
    stats.subsidies = { requested: centsToEuros(s.requested), granted: centsToEuros(s.granted), received: centsToEuros(s.received) };
  }
  return stats;
};

/** The current fiscal year's books (THE sums of the statements: books/statements.ts), in euros. */
export const currentBooks = async (strapi: Strapi): Promise<NonNullable<Stats['books']>> => {
  const { fiscalYearStartMonth } = await readAssociation(strapi, ['fiscalYearStartMonth']);
  const fiscalYear = currentFiscalYear(fiscalYearStartMonth);
  const [start, end] = fiscalYearBounds(fiscalYear, fiscalYearStartMonth);
  const books = await periodTotals(strapi, start, end);
  return {
    fiscalYear,
    name: fiscalYearName(fiscalYear, fiscalYearStartMonth),
    start,
    end,
    income: centsToEuros(books.income),
    expense: centsToEuros(books.expense),
    result: centsToEuros(books.result),
  };
};
