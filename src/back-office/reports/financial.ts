import type { Knex } from 'knex';
import type { Strapi } from '../types';
import { datetimeFromDb, knex } from '../sql';
import { currentFiscalYear, fiscalYearBounds } from '../../core/dates';
import { readAssociation } from '../../core/association';
import { nextDay, parisDayStart } from '../exports/filters';
import type { ReadAccess } from '../exports/access';
import { ExportSql } from '../exports/query';
import { countedSql } from '../dues/counted';
import { CONTRIBUTION, DONATION, MEMBERSHIP_TYPE, MISSION, PARTNER, SUBSIDY, sumCentsSql } from '../exports/datasets';
import { enumLabel } from '../../contract/labels';
import { SUBSIDY_AMOUNTS, subsidyCounted, subsidyCountedSql, type SubsidyAmount } from '../stats/definitions';
import { yearByCategory } from '../books/statements';

const LEDGER_ENTRY = 'api::ledger-entry.ledger-entry';
const LEDGER_CATEGORY = 'api::ledger-category.ledger-category';

/**
 * THE financial report of a fiscal year (for the general assembly and the town hall), computed once
 * here and rendered as CSV and PDF. Every amount is integer cents summed in SQL (a decimal column is
 * rounded to cents row by row, then summed as integers): exact to the cent on SQLite and PostgreSQL.
 * A section whose data the admin may not read is left out (and said so), never computed anyway.
 */
export interface Breakdown {
  label: string;
  count: number;
  cents: number;
}

export interface FinancialReport {
  year: number;
  start: string;
  end: string;
  dues: { count: number; cents: number; byType: Breakdown[]; byMethod: Breakdown[] } | null;
  donations: { count: number; cents: number; donors: number; byNature: Breakdown[]; byMethod: Breakdown[] } | null;
  /**
   * Every subsidy of the fiscal year is listed (drafts and refused ones included); the subtotals and
   * totals follow THE definitions of the dashboard (stats/definitions.ts: requested without drafts,
   * granted for granted/paid/reported). `counted` says which of a row's amounts are in the totals;
   * the counts are the subsidies whose amount is in each total.
   */
  subsidies: {
    rows: Array<{
      funder: string;
      title: string;
      status: string;
      requested: number | null;
      granted: number | null;
      received: number | null;
      reportDueAt: string | null;
      counted: Record<SubsidyAmount, boolean>;
    }>;
    /** subtotals per funder, sorted by name */
    byFunder: Array<{ funder: string; count: Record<SubsidyAmount, number>; requested: number; granted: number; received: number }>;
    count: Record<SubsidyAmount, number>;
    requested: number;
    granted: number;
    received: number;
  } | null;
  /**
   * Receipts of the fiscal year: dues + donations + subsidies received (THE definitions of
   * stats/definitions.ts, the figures of the three sections above). null when one of them is
   * left out for lack of rights: a partial sum would read as the total.
   */
  receipts: { dues: number; donations: number; subsidies: number; total: number } | null;
  /**
   * Every mission row with its difference « réel − prévu », only where it can be compared
   * (`difference` null otherwise, see `comparable`). The totals are the sums of the rows shown;
   * the difference total only sums the compared rows (`compared` of them).
   */
  missions: {
    // startAt as stored (epoch milliseconds on SQLite, a Date on PostgreSQL): read it with datetimeFromDb
    rows: Array<{
      title: string;
      startAt: unknown;
      status: string;
      planned: number | null;
      actual: number | null;
      difference: number | null;
    }>;
    planned: number;
    actual: number;
    difference: number;
    compared: number;
  } | null;
  /**
   * The books of the fiscal year (ledger entries): incomes and expenses by category, their totals and
   * the result (incomes − expenses); transfers between the association's accounts are neither.
   */
  books: {
    incomes: Array<{ number: string; name: string; count: number; cents: number }>;
    expenses: Array<{ number: string; name: string; count: number; cents: number }>;
    income: number;
    expense: number;
    result: number;
  } | null;
  /** French names of the sections left out for lack of rights */
  omitted: string[];
}

/** What each section reads: the admin needs every one of these fields. */
const SECTION_READS: Record<'dues' | 'donations' | 'subsidies' | 'missions' | 'books', { name: string; reads: Array<[string, string]> }> = {
  dues: {
    name: 'Cotisations',
    reads: [
      [CONTRIBUTION, 'amount'],
      [CONTRIBUTION, 'paidAt'],
      [CONTRIBUTION, 'paymentMethod'],
      [CONTRIBUTION, 'membershipType'],
      [MEMBERSHIP_TYPE, 'name'],
    ],
  },
  donations: {
    name: 'Dons',
    reads: [
      [DONATION, 'amount'],
      [DONATION, 'receivedAt'],
      [DONATION, 'method'],
      [DONATION, 'nature'],
      [DONATION, 'donor'],
    ],
  },
  subsidies: {
    name: 'Subventions',
    reads: [
      [SUBSIDY, 'title'],
      [SUBSIDY, 'fiscalYear'],
      [SUBSIDY, 'funder'],
      [PARTNER, 'name'],
      [SUBSIDY, 'amountRequested'],
      [SUBSIDY, 'amountGranted'],
      [SUBSIDY, 'amountReceived'],
      [SUBSIDY, 'status'],
      [SUBSIDY, 'reportDueAt'],
    ],
  },
  missions: {
    name: 'Budgets des missions',
    reads: [
      [MISSION, 'title'],
      [MISSION, 'startAt'],
      [MISSION, 'status'],
      [MISSION, 'budgetPlanned'],
      [MISSION, 'budgetActual'],
    ],
  },
  books: {
    name: 'Comptabilité (recettes, dépenses et résultat)',
    reads: [
      [LEDGER_ENTRY, 'date'],
      [LEDGER_ENTRY, 'amount'],
      [LEDGER_ENTRY, 'direction'],
      [LEDGER_ENTRY, 'category'],
      [LEDGER_CATEGORY, 'number'],
      [LEDGER_CATEGORY, 'name'],
    ],
  },
};

const mayRead = (access: ReadAccess, reads: Array<[string, string]>) =>
  reads.every(([uid, field]) => access.canReadType(uid) && !access.isConditional(uid) && access.canRead(uid, field));

/** The sections this admin may see (the report needs at least one). */
export const readableSections = (access: ReadAccess) =>
  (Object.keys(SECTION_READS) as Array<keyof typeof SECTION_READS>).filter((s) => mayRead(access, SECTION_READS[s].reads));

/** A row of an aggregate query: its columns by alias. */
type SqlRow = Record<string, unknown>;
// SQLite answers the rows, PostgreSQL a result holding them
const rowsOf = <R = SqlRow>(r: R[] | { rows: R[] }): R[] => (Array.isArray(r) ? r : r.rows);
/** A text column of a query: names and titles typed by people, enumeration codes, 'YYYY-MM-DD' days. */
type TextRow<K extends string> = SqlRow & Record<K, string | null>;
const int = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const centsOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const rowCents = (col: string) => `CAST(ROUND(${col} * 100) AS BIGINT)`;

/**
 * Count and total per group, sorted by label: `label` is a name, or the enumeration field `enumOf`
 * ([uid, field]), shown by its French value name for that field (labels.ts).
 */
const breakdown = async (
  strapi: Strapi,
  s: ExportSql,
  label: string,
  amount: string,
  where: string,
  bindings: unknown[],
  enumOf?: [string, string]
): Promise<Breakdown[]> => {
  const rows = rowsOf(
    await knex(strapi).raw(
      `SELECT ${label} AS "label", COUNT(*) AS "count", ${sumCentsSql(amount)} AS "cents" FROM ${s.from()} WHERE ${where} GROUP BY ${label} ORDER BY 1`,
      bindings as Knex.RawBinding[]
    )
  );
  return rows.map((r) => ({
    label: r.label === null ? 'Non renseigné' : enumOf ? enumLabel(enumOf[0], enumOf[1], String(r.label)) : String(r.label),
    count: int(r.count),
    cents: int(r.cents),
  }));
};

/**
 * A mission's budgets can be compared once it has been held (its start is past, or it is marked
 * done) or once its actual budget is entered: a mission still to come without an actual budget
 * would otherwise show its whole planned budget as savings. Écart = réel − prévu (a missing
 * amount counts as zero on a compared mission).
 */
export const comparable = (m: { status: string; startAt: Date; actual: number | null }, now = new Date()) =>
  m.actual !== null || m.status === 'done' || m.startAt.getTime() <= now.getTime();
export const DIFFERENCE_RULE =
  'Écart = réel − prévu, pour les missions passées ou dont le budget réel est saisi ; « — » : mission à venir sans budget réel, hors du total de l’écart.';

export const fiscalYearStartMonth = async (strapi: Strapi) =>
  (await readAssociation(strapi, ['fiscalYearStartMonth'])).fiscalYearStartMonth;

// The fiscal year containing today: src/core/dates.ts.
export { currentFiscalYear };

export const financialReport = async (strapi: Strapi, access: ReadAccess, year: number): Promise<FinancialReport> => {
  const [start, end] = fiscalYearBounds(year, await fiscalYearStartMonth(strapi));
  const sections = readableSections(access);
  const report: FinancialReport = {
    year,
    start,
    end,
    dues: null,
    donations: null,
    subsidies: null,
    receipts: null,
    missions: null,
    books: null,
    omitted: (Object.keys(SECTION_READS) as Array<keyof typeof SECTION_READS>)
      .filter((k) => !sections.includes(k))
      .map((k) => SECTION_READS[k].name),
  };
  const db = knex(strapi);

  if (sections.includes('dues')) {
    const s = new ExportSql(strapi, CONTRIBUTION, access);
    const where = `${s.col('paidAt')} BETWEEN ? AND ? AND ${countedSql(s.col('refunded'))}`;
    const type = s.ref('membershipType', 'name');
    const [total] = rowsOf(
      await db.raw(`SELECT COUNT(*) AS "count", ${sumCentsSql(s.col('amount'))} AS "cents" FROM ${s.from()} WHERE ${where}`, [start, end])
    );
    report.dues = {
      count: int(total.count),
      cents: int(total.cents),
      byType: await breakdown(strapi, s, type, s.col('amount'), where, [start, end]),
      byMethod: await breakdown(strapi, s, s.col('paymentMethod'), s.col('amount'), where, [start, end], [CONTRIBUTION, 'paymentMethod']),
    };
  }

  if (sections.includes('donations')) {
    const s = new ExportSql(strapi, DONATION, access);
    const where = `${s.col('receivedAt')} BETWEEN ? AND ? AND ${countedSql(s.col('refunded'))}`;
    const donorId = `"${s.one('donor')}"."id"`;
    const [total] = rowsOf(
      await db.raw(
        `SELECT COUNT(*) AS "count", ${sumCentsSql(s.col('amount'))} AS "cents", COUNT(DISTINCT ${donorId}) AS "donors" FROM ${s.from()} WHERE ${where}`,
        [start, end]
      )
    );
    report.donations = {
      count: int(total.count),
      cents: int(total.cents),
      donors: int(total.donors),
      byNature: await breakdown(strapi, s, s.col('nature'), s.col('amount'), where, [start, end], [DONATION, 'nature']),
      byMethod: await breakdown(strapi, s, s.col('method'), s.col('amount'), where, [start, end], [DONATION, 'method']),
    };
  }

  if (sections.includes('subsidies')) {
    const s = new ExportSql(strapi, SUBSIDY, access);
    const funder = s.ref('funder', 'name');
    const status = s.col('status');
    const amountSql = { requested: s.col('amountRequested'), granted: s.col('amountGranted'), received: s.col('amountReceived') };
    const rows = rowsOf<TextRow<'funder' | 'title' | 'status' | 'reportDueAt'>>(
      await db.raw(
        `SELECT ${funder} AS "funder", ${s.col('title')} AS "title", ${status} AS "status", ${rowCents(amountSql.requested)} AS "requested", ${rowCents(amountSql.granted)} AS "granted", ${rowCents(amountSql.received)} AS "received", ${s.col('reportDueAt')} AS "reportDueAt" FROM ${s.from()} WHERE ${s.col('fiscalYear')} = ? ORDER BY 1, 2`,
        [year]
      )
    );
    // THE totals of the dashboard: each amount only when its subsidy's status counts (stats/definitions.ts)
    const sums = SUBSIDY_AMOUNTS.map((a) => {
      const counted = subsidyCountedSql(a, status, amountSql[a]);
      return `${sumCentsSql(counted)} AS "${a}", COUNT(${counted}) AS "${a}Count"`;
    }).join(', ');
    const counts = (r: SqlRow) => Object.fromEntries(SUBSIDY_AMOUNTS.map((a) => [a, int(r[`${a}Count`])])) as Record<SubsidyAmount, number>;
    const [totals] = rowsOf(await db.raw(`SELECT ${sums} FROM ${s.from()} WHERE ${s.col('fiscalYear')} = ?`, [year]));
    const byFunder = rowsOf<TextRow<'funder'>>(
      await db.raw(
        `SELECT ${funder} AS "funder", ${sums} FROM ${s.from()} WHERE ${s.col('fiscalYear')} = ? GROUP BY "${s.one('funder')}"."id", ${funder} ORDER BY 1`,
        [year]
      )
    );
    report.subsidies = {
      rows: rows.map((r) => ({
        funder: r.funder ?? 'Non renseigné',
        title: r.title,
        status: enumLabel(SUBSIDY, 'status', r.status),
        requested: centsOrNull(r.requested),
        granted: centsOrNull(r.granted),
        received: centsOrNull(r.received),
        reportDueAt: r.reportDueAt ?? null,
        counted: Object.fromEntries(SUBSIDY_AMOUNTS.map((a) => [a, subsidyCounted(a, r.status)])) as Record<SubsidyAmount, boolean>,
      })),
      byFunder: byFunder.map((r) => ({
        funder: r.funder ?? 'Non renseigné',
        count: counts(r),
        requested: int(r.requested),
        granted: int(r.granted),
        received: int(r.received),
      })),
      count: counts(totals),
      requested: int(totals.requested),
      granted: int(totals.granted),
      received: int(totals.received),
    };
  }

  if (sections.includes('missions')) {
    const s = new ExportSql(strapi, MISSION, access);
    // missions that started during the fiscal year (days in Paris), cancelled ones left out
    const [from, to] = [parisDayStart(strapi, start), parisDayStart(strapi, nextDay(end))];
    const where = `${s.col('startAt')} >= ? AND ${s.col('startAt')} < ? AND ${s.col('status')} <> 'cancelled'`;
    const [planned, actual] = [s.col('budgetPlanned'), s.col('budgetActual')];
    const rows = rowsOf<TextRow<'title' | 'status'>>(
      await db.raw(
        `SELECT ${s.col('title')} AS "title", ${s.col('startAt')} AS "startAt", ${s.col('status')} AS "status", ${rowCents(planned)} AS "planned", ${rowCents(actual)} AS "actual" FROM ${s.from()} WHERE ${where} ORDER BY 2, 1`,
        [from, to]
      )
    );
    const now = new Date();
    const missions = rows.map((r) => {
      const [plannedCents, actualCents] = [centsOrNull(r.planned), centsOrNull(r.actual)];
      const compared = comparable({ status: r.status, startAt: datetimeFromDb(r.startAt)!, actual: actualCents }, now);
      return {
        title: r.title,
        startAt: r.startAt,
        status: enumLabel(MISSION, 'status', r.status),
        planned: plannedCents,
        actual: actualCents,
        difference: compared ? (actualCents ?? 0) - (plannedCents ?? 0) : null,
      };
    });
    // the totals are the sums of the rows shown (integer cents: exact)
    const sum = (values: Array<number | null>) => values.reduce<number>((t, v) => t + (v ?? 0), 0);
    report.missions = {
      rows: missions,
      planned: sum(missions.map((m) => m.planned)),
      actual: sum(missions.map((m) => m.actual)),
      difference: sum(missions.map((m) => m.difference)),
      compared: missions.filter((m) => m.difference !== null).length,
    };
  }
  if (sections.includes('books')) report.books = await yearByCategory(strapi, start, end);
  if (report.dues && report.donations && report.subsidies) {
    const receipts = { dues: report.dues.cents, donations: report.donations.cents, subsidies: report.subsidies.received };
    report.receipts = { ...receipts, total: receipts.dues + receipts.donations + receipts.subsidies };
  }
  return report;
};
