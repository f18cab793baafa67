import type { Knex } from 'knex';
import type { Strapi } from '../types';
import { column, isPostgres, knex, table } from '../sql';
import { genderGroupSql } from './definitions';
import { countedSql } from '../dues/counted';
import { COUNTED_DIRECTIONS, ENTRY } from '../books/rules';

/**
 * The statistics' tallies: how many members have each value of what the statistics count of them (dues
 * paid until, volunteer, birth year and gender, profession, city, origin), how many contributions and
 * donations (and how many cents) count on each day, and the cents of the books' incomes and expenses
 * of each day, so that the dashboard reads a few hundred rows instead of every member, contribution,
 * donation and ledger entry. Not a second definition of the statistics: a
 * tally only counts raw values (a date, a year, a trimmed text) of the records that count (counted.ts);
 * queries.ts applies THE definitions to them exactly as it would to the records themselves.
 *
 * Kept by the database itself, in the transaction of every write to those tables, whatever wrote it
 * (Document Service, grouped writes of the imports, plain SQL): triggers add +1 for each value of a
 * new or changed row and -1 for each value of a deleted or changed one. They only ever INSERT (no row
 * is updated, so two writers never wait on each other nor deadlock); the rows are summed by key when
 * they become many (`compactTallies`). Recounted from the records at every start, with the triggers
 * (`installTallies`), so a database restored from an older backup starts right.
 *
 * A plain table created at boot, like the jobs' runs: nobody edits it; Strapi leaves it alone.
 */
export const TALLIES_TABLE = 'back_office_tallies';

const MEMBER = 'api::member.member';
const CONTRIBUTION = 'api::contribution.contribution';
const DONATION = 'api::donation.donation';

/** What a tally counts. The categories are named like the statistics' lists; `dues`, `donations` and `books` by day. */
export type TallyKind =
  'members' | 'volunteers' | 'paid_until' | 'birth' | 'professions' | 'cities' | 'origins' | 'dues' | 'donations' | 'books';
export const CATEGORY_FIELDS: Record<'professions' | 'cities' | 'origins', string> = {
  professions: 'profession',
  cities: 'city',
  origins: 'origin',
};

/** Some rows of a tallied table: where they are read (null: a SQLite row trigger's NEW/OLD) and how a column is named there. */
export interface TalliedRows {
  from: string | null;
  col: (column: string) => string;
  /** a condition on these rows (its bindings are the caller's) */
  where?: string;
}

/** The parts of a projection: one SELECT per kind of value a row gives. */
const projector = (strapi: Strapi, uid: string, rows: TalliedRows, sign: 1 | -1) => {
  const pg = isPostgres(strapi);
  const from = rows.from ? ` FROM ${rows.from}` : '';
  const where = (cond: string | null) => {
    const all = [rows.where, cond].filter(Boolean);
    return all.length ? ` WHERE ${all.map((w) => `(${w})`).join(' AND ')}` : '';
  };
  return {
    c: (field: string) => rows.col(column(strapi, uid, field)),
    text: pg ? 'CAST(NULL AS text)' : 'NULL',
    dateText: (expr: string) => (pg ? `to_char(${expr}, 'YYYY-MM-DD')` : expr),
    yearText: (expr: string) => (pg ? `to_char(${expr}, 'YYYY')` : `substr(${expr}, 1, 4)`),
    select: (kind: TallyKind, value: string, detail: string, cents: string, cond: string | null = null) =>
      `SELECT '${kind}' AS kind, ${value} AS value, ${detail} AS detail, ${sign} AS n, ${cents} AS cents${from}${where(cond)}`,
  };
};

/**
 * THE projection of member rows onto the tallies: one (kind, value, detail) per counted value, with
 * `n` = sign, one SELECT per kind. Used by the triggers, by the recount, and (laterMembers) by the
 * statistics to take out the members who joined after the reference day.
 */
const memberParts = (strapi: Strapi, rows: TalliedRows, sign: 1 | -1) => {
  const { c, text, dateText, yearText, select } = projector(strapi, MEMBER, rows, sign);
  return [
    select('members', text, text, '0'),
    select('volunteers', text, text, '0', c('isVolunteer')),
    select('paid_until', dateText(c('duesPaidUntil')), text, '0'),
    select('birth', yearText(c('birthDate')), genderGroupSql(c('gender')), '0'),
    ...Object.entries(CATEGORY_FIELDS).map(([kind, field]) =>
      select(kind as TallyKind, `TRIM(${c(field)})`, text, '0', `${c(field)} IS NOT NULL`)
    ),
  ];
};
const UNION = '\nUNION ALL\n';
const memberProjection = (strapi: Strapi, rows: TalliedRows, sign: 1 | -1) => memberParts(strapi, rows, sign).join(UNION);

/** The tallied values of the members who joined after `day`, to take off (-1), with their bindings. */
export const laterMembers = (strapi: Strapi, day: string) => {
  const joinedAt = column(strapi, MEMBER, 'joinedAt');
  const parts = memberParts(strapi, { from: `${table(strapi, MEMBER)} r`, col: (col) => `r.${col}`, where: `r.${joinedAt} > ?` }, -1);
  return { sql: parts.join(UNION), bindings: parts.map(() => day) };
};

/** Money: the count and the cents (rounded as every sum of money is) of the records that count, by day. */
const moneyProjection =
  (kind: 'dues' | 'donations', uid: string, dateField: string) => (strapi: Strapi, rows: TalliedRows, sign: 1 | -1) => {
    const { c, text, dateText, select } = projector(strapi, uid, rows, sign);
    return select(
      kind,
      dateText(c(dateField)),
      text,
      `${sign} * ROUND(${c('amount')} * 100)`,
      `${c(dateField)} IS NOT NULL AND ${countedSql(c('refunded'))}`
    );
  };

/** Books: the cents of the incomes and of the expenses (books/statements.ts: THE entries that count), by day and direction. */
const booksProjection = (strapi: Strapi, rows: TalliedRows, sign: 1 | -1) => {
  const { c, dateText, select } = projector(strapi, ENTRY, rows, sign);
  const sides = COUNTED_DIRECTIONS.map((d) => `'${d}'`).join(', ');
  return select(
    'books',
    dateText(c('date')),
    c('direction'),
    `${sign} * CAST(ROUND(${c('amount')} * 100) AS BIGINT)`,
    `${c('date')} IS NOT NULL AND ${c('direction')} IN (${sides})`
  );
};

/** The tallied tables, and the columns whose change changes a tally. */
const SOURCES = [
  {
    uid: MEMBER,
    projection: memberProjection,
    fields: ['isVolunteer', 'duesPaidUntil', 'birthDate', 'gender', ...Object.values(CATEGORY_FIELDS)],
  },
  { uid: CONTRIBUTION, projection: moneyProjection('dues', CONTRIBUTION, 'paidAt'), fields: ['paidAt', 'amount', 'refunded'] },
  { uid: DONATION, projection: moneyProjection('donations', DONATION, 'receivedAt'), fields: ['receivedAt', 'amount', 'refunded'] },
  { uid: ENTRY, projection: booksProjection, fields: ['date', 'direction', 'amount'] },
];
type Source = (typeof SOURCES)[number];

const createTable = async (db: Knex) => {
  if (await db.schema.hasTable(TALLIES_TABLE)) return;
  try {
    await db.schema.createTable(TALLIES_TABLE, (t) => {
      // every write adds rows: a 64-bit id never runs out
      t.bigIncrements('id');
      t.string('kind', 20).notNullable();
      t.text('value').nullable();
      t.string('detail', 20).nullable();
      t.integer('n').notNullable();
      t.bigInteger('cents').notNullable().defaultTo(0);
    });
  } catch (e) {
    // two instances starting together: the other one created it
    if (!(await db.schema.hasTable(TALLIES_TABLE))) throw e;
  }
};

const INSERT = `INSERT INTO ${TALLIES_TABLE} (kind, value, detail, n, cents)`;
const grouped = (sql: string) =>
  `SELECT kind, value, detail, SUM(n), SUM(cents) FROM (${sql}) p GROUP BY kind, value, detail HAVING SUM(n) <> 0 OR SUM(cents) <> 0`;

/** The trigger names of a tallied table (and its function on PostgreSQL). */
const triggerNames = (name: string) => ({
  fn: `${TALLIES_TABLE}_${name}_fn`,
  insert: `${TALLIES_TABLE}_${name}_ins`,
  update: `${TALLIES_TABLE}_${name}_upd`,
  delete: `${TALLIES_TABLE}_${name}_del`,
});

/** PostgreSQL: one function for the three statement triggers, which see the statement's rows at once. */
const postgresTriggers = (strapi: Strapi, source: Source, name: string) => {
  const t = triggerNames(name);
  const rows = (relation: string): TalliedRows => ({ from: relation, col: (col) => col });
  const project = (relation: string, sign: 1 | -1) => source.projection(strapi, rows(relation), sign);
  return [
    `CREATE OR REPLACE FUNCTION ${t.fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${INSERT} ${grouped(project('new_rows', 1))};
  ELSIF TG_OP = 'DELETE' THEN
    ${INSERT} ${grouped(project('old_rows', -1))};
  ELSE
    ${INSERT} ${grouped(`${project('new_rows', 1)}${UNION}${project('old_rows', -1)}`)};
  END IF;
  RETURN NULL;
END
$fn$`,
    `CREATE TRIGGER ${t.insert} AFTER INSERT ON ${name} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${t.fn}()`,
    `CREATE TRIGGER ${t.update} AFTER UPDATE ON ${name} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${t.fn}()`,
    `CREATE TRIGGER ${t.delete} AFTER DELETE ON ${name} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${t.fn}()`,
  ];
};

/** SQLite: row triggers (no statement triggers there); an update counts only when a tallied column changes. */
const sqliteTriggers = (strapi: Strapi, source: Source, name: string) => {
  const t = triggerNames(name);
  const project = (row: 'NEW' | 'OLD', sign: 1 | -1) => source.projection(strapi, { from: null, col: (col) => `${row}.${col}` }, sign);
  const columns = source.fields.map((f) => column(strapi, source.uid, f));
  return [
    `CREATE TRIGGER ${t.insert} AFTER INSERT ON ${name} BEGIN ${INSERT} ${project('NEW', 1)}; END`,
    `CREATE TRIGGER ${t.update} AFTER UPDATE OF ${columns.join(', ')} ON ${name} BEGIN ${INSERT} ${grouped(
      `${project('NEW', 1)}${UNION}${project('OLD', -1)}`
    )}; END`,
    `CREATE TRIGGER ${t.delete} AFTER DELETE ON ${name} BEGIN ${INSERT} ${project('OLD', -1)}; END`,
  ];
};

/**
 * At every start: the table, the triggers (written from the current column names), and the tallies
 * recounted from the records, in one transaction that holds the tallied tables' writes meanwhile.
 */
export const installTallies = async (strapi: Strapi) => {
  const db = knex(strapi);
  await createTable(db);
  const pg = isPostgres(strapi);
  const install = () =>
    db.transaction(async (trx) => {
      // every tallied table first: a write that began before waits for it, one that began after comes after
      if (pg) await trx.raw(`LOCK TABLE ${SOURCES.map((s) => table(strapi, s.uid)).join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
      await trx(TALLIES_TABLE).del();
      for (const source of SOURCES) {
        const name = table(strapi, source.uid);
        const t = triggerNames(name);
        for (const trigger of [t.insert, t.update, t.delete]) await trx.raw(`DROP TRIGGER IF EXISTS ${trigger}${pg ? ` ON ${name}` : ''}`);
        for (const sql of pg ? postgresTriggers(strapi, source, name) : sqliteTriggers(strapi, source, name)) await trx.raw(sql);
        await trx.raw(`${INSERT} ${grouped(source.projection(strapi, { from: `${name} r`, col: (col) => `r.${col}` }, 1))}`);
      }
    });
  // another instance's write may hold one table while waiting for another: PostgreSQL then stops one of the two
  // (deadlock, 40P01); the start tries again
  for (let attempt = 1; ; attempt++) {
    try {
      return await install();
    } catch (e) {
      if (attempt >= 5 || (e as { code?: string }).code !== '40P01') throw e;
    }
  }
};

/** Rows above which the tallies are summed by key before being read (a large import adds many). */
const COMPACT_ABOVE = 20_000;
let compactAbove = COMPACT_ABOVE;

/**
 * Sums the tallies by key when they have become many. On PostgreSQL in one statement, which deletes
 * and re-inserts only the rows it saw (a writer's uncommitted rows stay as they are); on SQLite, one
 * writer at a time, in a transaction.
 */
export const compactTallies = async (strapi: Strapi, force = false) => {
  const db = knex(strapi);
  const [{ rows }] = (await db(TALLIES_TABLE).count({ rows: '*' })) as Array<{ rows: number | string }>;
  if (!force && Number(rows) <= compactAbove) return;
  const columns = 'kind, value, detail, n, cents';
  if (isPostgres(strapi)) {
    await db.raw(`WITH gone AS (DELETE FROM ${TALLIES_TABLE} RETURNING ${columns}) ${INSERT} ${grouped('SELECT * FROM gone')}`);
  } else {
    await db.transaction(async (trx) => {
      const [{ last }] = (await trx(TALLIES_TABLE).max({ last: 'id' })) as Array<{ last: number }>;
      await trx.raw(`${INSERT} ${grouped(`SELECT ${columns} FROM ${TALLIES_TABLE} WHERE id <= ?`)}`, [last]);
      await trx(TALLIES_TABLE).where('id', '<=', last).del();
    });
  }
  // as many distinct values as that (a federation's thousands of cities): compact again only when they have doubled
  const [{ left }] = (await db(TALLIES_TABLE).count({ left: '*' })) as Array<{ left: number | string }>;
  compactAbove = Math.max(COMPACT_ABOVE, 2 * Number(left));
};
