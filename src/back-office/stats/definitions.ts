import { DateTime } from 'luxon';
import { TZ, todayInParis } from '../dues/period';

/**
 * THE definitions of the statistics (dashboard, homepage widgets, PDF report). Written once here;
 * the README (« Statistiques : définitions ») says the same in French. Every count is made in SQL
 * (queries.ts); this file only decides the dates, windows and groups the SQL uses.
 */

/** Years the dashboard accepts: from 1900 to the current year (no statistics of the future). */
export const FIRST_YEAR = 1900;
export const currentYear = () => Number(todayInParis().slice(0, 4));

/**
 * Reference day of a year: its last day (31 December), or today for the current year.
 * "Members" of a year are the members who had joined by that day (joinedAt ≤ reference day,
 * or no joinedAt at all: a record without a date still is a member).
 * "Up to date" = THE dues status (dues/status.ts) on the reference day is `up_to_date` or
 * `expiring`, i.e. the member's dues are paid on that day: today, from the stored duesPaidUntil;
 * on a past 31 December, from the contributions already paid by then (queries.ts).
 */
export const referenceDay = (year: number, today = todayInParis()) => {
  const yearEnd = `${year}-12-31`;
  return today < yearEnd ? today : yearEnd;
};

/** First and last day of the calendar year. New members, dues and donations are counted by these days. */
export const yearBounds = (year: number) => ({ first: `${year}-01-01`, last: `${year}-12-31` });

/** The 12 months of the year: label 'YYYY-MM', first day, first day of the next month. */
export const monthsOf = (year: number) =>
  Array.from({ length: 12 }, (_, i) => {
    const start = DateTime.fromObject({ year, month: i + 1, day: 1 });
    return { month: start.toFormat('yyyy-MM'), first: start.toISODate()!, next: start.plus({ months: 1 }).toISODate()! };
  });

/** Start of a calendar day in Paris, as an instant (mission `startAt` is a datetime). */
export const parisMidnight = (day: string) => DateTime.fromISO(day, { zone: TZ }).startOf('day').toJSDate();

/**
 * Active volunteers: members who attended (participation status `attended`) at least one mission
 * starting in the 12 months that end on the reference day: from the day after the same day one
 * year earlier, 00:00 Paris, to the end of the reference day. E.g. year 2025 → missions of
 * 1 Jan 2025 to 31 Dec 2025; current year on 22 Nov 2026 → 23 Nov 2025 to 22 Nov 2026.
 */
export const activeVolunteerWindow = (refDay: string) => {
  const ref = DateTime.fromISO(refDay, { zone: TZ });
  return {
    from: parisMidnight(ref.minus({ years: 1 }).plus({ days: 1 }).toISODate()!),
    to: parisMidnight(ref.plus({ days: 1 }).toISODate()!),
  };
};

/** The year's missions: `startAt` from 1 January 00:00 to 31 December 24:00 (Paris). */
export const missionYearWindow = (year: number) => ({ from: parisMidnight(`${year}-01-01`), to: parisMidnight(`${year + 1}-01-01`) });

/**
 * Missions of the year: `done` = status done; `planned` = status planned or confirmed (whatever
 * the date within the year). Cancelled missions count in neither, nor in the participation rate.
 */
export const MISSION_DONE = ['done'];
export const MISSION_PLANNED = ['planned', 'confirmed'];
export const MISSION_CANCELLED = 'cancelled';

/**
 * Participation rate of the year's (not cancelled) missions = attended / (attended + absent),
 * over all participations (members and people registered from the website). Pending, confirmed,
 * waitlisted and cancelled participations are not counted. null when there is no attended nor absent.
 */
export const participationRate = (attended: number, absent: number) =>
  attended + absent === 0 ? null : Math.round((attended / (attended + absent)) * 1000) / 1000;

/**
 * Age groups, by age on 31 December of the year (a member born on 31 Dec 2008 is 18 at the end of 2026,
 * one born on 1 Jan 2009 is 17). Each group is [label, minimum age, maximum age]; `inconnu` = no birth date.
 */
export const AGE_GROUPS: Array<[string, number, number]> = [
  ['<18', 0, 17],
  ['18-25', 18, 25],
  ['26-35', 26, 35],
  ['36-50', 36, 50],
  ['51-65', 51, 65],
  ['>65', 66, 999],
];
export const AGE_UNKNOWN = 'inconnu';

/**
 * Latest birth year of someone at least `age` years old on 31 December of `year` (the age on that day
 * is `year` minus the birth year), as the 4-digit text the members' tallies keep (tallies.ts).
 */
export const bornByForAge = (year: number, age: number) => String(year - age).padStart(4, '0');

/** Genders of the pyramid: female, male, and everything else (non binary, undisclosed, empty). */
export const PYRAMID_GENDERS = ['female', 'male'] as const;
const OTHER_GENDER = 'other';
/** The pyramid's gender of a member's gender column, in SQL. */
export const genderGroupSql = (col: string) =>
  `CASE ${PYRAMID_GENDERS.map((g) => `WHEN ${col} = '${g}' THEN '${g}'`).join(' ')} ELSE '${OTHER_GENDER}' END`;

/**
 * Professions, cities, origins: the values are grouped in SQL by their trimmed text, then the
 * spellings of one value are merged here — ignoring case, accents and repeated spaces (« Paris »,
 * « PARIS », « paris  » are one city; SQLite's lower() ignores accented capitals, so this merge is
 * done in JS on the few distinct values, never on the members). The label shown is the most
 * frequent spelling. Top 10 by count (ties: alphabetical), the rest summed as « Autres ».
 * Empty values are not counted.
 */
export const TOP_N = 10;
export const OTHERS_LABEL = 'Autres';
export const categoryKey = (value: string) =>
  value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

export const frCompare = (a: string, b: string) => a.localeCompare(b, 'fr');

export const topWithOthers = (rows: Array<{ value: string; count: number }>) => {
  const groups = new Map<string, { count: number; spellings: Map<string, number> }>();
  for (const { value, count } of rows) {
    const key = categoryKey(value);
    if (!key) continue;
    const g = groups.get(key) ?? { count: 0, spellings: new Map() };
    g.count += count;
    g.spellings.set(value, (g.spellings.get(value) ?? 0) + count);
    groups.set(key, g);
  }
  const merged = [...groups.values()].map((g) => ({
    label: [...g.spellings.entries()].sort((a, b) => b[1] - a[1] || frCompare(a[0], b[0]))[0][0],
    count: g.count,
  }));
  merged.sort((a, b) => b.count - a.count || frCompare(a.label, b.label));
  const top = merged.slice(0, TOP_N);
  const others = merged.slice(TOP_N).reduce((s, g) => s + g.count, 0);
  return others > 0 ? [...top, { label: OTHERS_LABEL, count: others }] : top;
};

/**
 * Money: dues by `paidAt`, donations by `receivedAt` (all natures, in kind included: their declared
 * value), summed in SQL in integer cents. Subsidies of the fiscal year (`fiscalYear` = year):
 * requested = amountRequested of the applications sent (status other than draft), granted =
 * amountGranted of those granted, paid or reported, received = amountReceived (any status).
 * THE subsidy totals, used by the dashboard, its PDF and the financial report (reports/financial.ts):
 * a list may show the other subsidies (drafts, refused...), never add them to these totals.
 */
export const SUBSIDY_NOT_SENT = 'draft';
export const SUBSIDY_GRANTED = ['granted', 'paid', 'reported'];
export type SubsidyAmount = 'requested' | 'granted' | 'received';
export const SUBSIDY_AMOUNTS: SubsidyAmount[] = ['requested', 'granted', 'received'];

/** Whether the amount of a subsidy with this status counts in that total. */
export const subsidyCounted = (amount: SubsidyAmount, status: string) =>
  amount === 'requested' ? status !== SUBSIDY_NOT_SENT : amount === 'granted' ? SUBSIDY_GRANTED.includes(status) : true;

/**
 * The same rule in SQL: the amount column when it counts, NULL otherwise (SUM and COUNT skip it).
 * The status codes are ours (never user input), written as literals.
 */
export const subsidyCountedSql = (amount: SubsidyAmount, statusColumn: string, amountColumn: string) => {
  if (amount === 'requested') return `(CASE WHEN ${statusColumn} <> '${SUBSIDY_NOT_SENT}' THEN ${amountColumn} END)`;
  if (amount === 'granted')
    return `(CASE WHEN ${statusColumn} IN (${SUBSIDY_GRANTED.map((s) => `'${s}'`).join(', ')}) THEN ${amountColumn} END)`;
  return amountColumn;
};

/** What each total counts, in French (headers of the report and of the dashboard's PDF). */
export const SUBSIDY_TOTAL_RULES: Record<SubsidyAmount, string> = {
  requested: 'hors brouillons',
  granted: 'statut Accordée, Versée ou Bilan rendu',
  received: 'quel que soit le statut',
};

/**
 * Receipts of a period (the financial report's grand total): dues paid + donations received (all
 * natures, as above) + subsidies received (amountReceived, any status). Each part is the total above.
 */
export const RECEIPTS_RULE = `cotisations + dons + subventions reçues (${SUBSIDY_TOTAL_RULES.received})`;

/** Content-manager read right that shows each money section. */
export const MONEY_SECTIONS = {
  dues: 'api::contribution.contribution',
  donations: 'api::donation.donation',
  subsidies: 'api::subsidy.subsidy',
} as const;
export type MoneySection = keyof typeof MONEY_SECTIONS;

/** Integer cents (number, bigint or numeric string from the driver) as euros with 2 decimals. */
export const centsToEuros = (cents: unknown) => Math.round(Number(cents ?? 0)) / 100;
