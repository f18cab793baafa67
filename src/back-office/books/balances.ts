import { DateTime } from 'luxon';
import type { Strapi, Values } from '../types';
import { fiscalYearBounds, todayInParis } from '../../core/dates';
import { readAssociation } from '../../core/association';
import { badRequest } from '../../core/errors';
import { knex, link, table } from '../sql';
import { CASH_ACCOUNT, ENTRY, toCents } from './rules';
import { fiscalYearOf } from './fiscal-years';
import type { AccountBalance, Balances } from './contract';

export type { AccountBalance, Balances };

const LINE = 'api::bank-statement-line.bank-statement-line';
const STATEMENT = 'api::bank-statement.bank-statement';

/** The `date` parameter: a calendar day (YYYY-MM-DD), today in Paris when absent. */
export const readBalanceDate = (raw: unknown) => {
  if (raw === undefined || raw === null || raw === '') return todayInParis();
  const text = String(raw).trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !DateTime.fromISO(text).isValid) {
    throw badRequest(`Date : « ${text} » n\u2019est pas une date valide (attendu : AAAA-MM-JJ).`, 'date');
  }
  return text;
};

/**
 * Σ amounts in cents (and entries counted), per direction, of the entries linked to `accountId` through
 * `field`, from `first` (if any) to `last`; `reconciled`: only those matched with an operation of this
 * account's bank statements dated up to `last`, or only those not matched (`'not'`).
 */
const sums = async (
  strapi: Strapi,
  field: 'cashAccount' | 'toCashAccount',
  accountId: number,
  first: string | null,
  last: string,
  reconciled?: 'only' | 'not'
) => {
  const lnk = link(strapi, ENTRY, field);
  const entries = table(strapi, ENTRY);
  const db = knex(strapi);
  const query = db(`${entries} as e`)
    .join(`${lnk.table} as l`, `l.${lnk.from}`, 'e.id')
    .where(`l.${lnk.to}`, accountId)
    .andWhere('e.date', '<=', last)
    .groupBy('e.direction')
    .select('e.direction as direction')
    .count({ entries: '*' })
    .select(db.raw('SUM(CAST(ROUND(e.amount * 100) AS BIGINT)) as cents'));
  if (first) query.andWhere('e.date', '>=', first);
  if (reconciled) {
    const toEntry = link(strapi, LINE, 'entry');
    const toAccount = link(strapi, LINE, 'account');
    const matched = db(`${table(strapi, LINE)} as bl`)
      .join(`${toEntry.table} as le`, `le.${toEntry.from}`, 'bl.id')
      .join(`${toAccount.table} as la`, `la.${toAccount.from}`, 'bl.id')
      .whereRaw(`le.${toEntry.to} = e.id`)
      .andWhere(`la.${toAccount.to}`, accountId)
      .andWhere('bl.status', 'matched')
      .andWhere('bl.date', '<=', last)
      .select(db.raw('1'));
    if (reconciled === 'only') query.whereExists(matched);
    else query.whereNotExists(matched);
  }
  const rows: Array<{ direction: string; entries: string | number; cents: string | number | null }> = await query;
  const result = Object.fromEntries(rows.map((r) => [r.direction, Number(r.cents ?? 0)])) as Record<string, number | undefined>;
  return Object.assign(result, { count: rows.reduce((n, r) => n + Number(r.entries), 0) });
};

/** An account's balance from its own and incoming entries' sums. */
const balanceOf = (opening: number, own: Record<string, number | undefined>, incoming: Record<string, number | undefined>) =>
  opening + (own.income ?? 0) - (own.expense ?? 0) + (incoming.transfer ?? 0) - (own.transfer ?? 0);

/** The latest balance a bank statement of the account gives, dated on or before `day`. */
const statementBalance = async (strapi: Strapi, accountId: number, day: string) => {
  const row = await strapi.db.query(STATEMENT).findOne({
    where: { account: { id: accountId }, closingDate: { $lte: day }, closingBalance: { $notNull: true } },
    orderBy: [{ closingDate: 'desc' }, { importedAt: 'desc' }, { id: 'desc' }],
    select: ['closingDate', 'closingBalance', 'fileName'],
  });
  return row ? { date: row.closingDate as string, balance: toCents(row.closingBalance), fileName: row.fileName as string } : null;
};

/**
 * THE balance of a cash account at the end of a day: its latest opening balance recorded for a fiscal
 * year starting on or before that day, plus the incomes, minus the expenses, minus the transfers out,
 * plus the transfers in, from that fiscal year's first day to the day included. Without any opening
 * balance, from the first entry. Sums in SQL, in integer cents. Next to it, the reconciled balance (the
 * same sum over the entries the bank statements confirm) and the latest statement's own balance.
 */
export const balancesAt = async (strapi: Strapi, day: string): Promise<Balances> => {
  const { fiscalYearStartMonth } = await readAssociation(strapi, ['fiscalYearStartMonth']);
  const year = fiscalYearOf(day, fiscalYearStartMonth);
  const accounts: Values[] = await strapi.db
    .query(CASH_ACCOUNT)
    .findMany({ orderBy: { name: 'asc' }, populate: { openingBalances: true } });
  const result: AccountBalance[] = [];
  for (const account of accounts) {
    const opening = (account.openingBalances ?? [])
      .filter((b: Values) => Number(b.fiscalYear) <= year)
      .sort((a: Values, b: Values) => Number(b.fiscalYear) - Number(a.fiscalYear))[0];
    const openingYear = opening ? Number(opening.fiscalYear) : null;
    const first = openingYear === null ? null : fiscalYearBounds(openingYear, fiscalYearStartMonth)[0];
    const own = await sums(strapi, 'cashAccount', account.id, first, day);
    const incoming = await sums(strapi, 'toCashAccount', account.id, first, day);
    const openingCents = opening ? toCents(opening.amount) : 0;
    /** the reconciled balance at the end of `last` (same opening balance and first day as the book balance) */
    const reconciledAt = async (last: string) =>
      balanceOf(
        openingCents,
        await sums(strapi, 'cashAccount', account.id, first, last, 'only'),
        await sums(strapi, 'toCashAccount', account.id, first, last, 'only')
      );
    const unreconciled =
      (await sums(strapi, 'cashAccount', account.id, first, day, 'not')).count +
      (await sums(strapi, 'toCashAccount', account.id, first, day, 'not')).count;
    const fromStatement = await statementBalance(strapi, account.id, day);
    const line = {
      documentId: account.documentId,
      name: account.name,
      kind: account.kind,
      openingYear,
      opening: openingCents,
      income: own.income ?? 0,
      expense: own.expense ?? 0,
      transfersIn: incoming.transfer ?? 0,
      transfersOut: own.transfer ?? 0,
      reconciled: await reconciledAt(day),
      unreconciledCount: unreconciled,
      statement: fromStatement && {
        ...fromStatement,
        // the reconciled balance on the statement's day, when that day is within the sum's period
        reconciledThen: !first || fromStatement.date >= first ? await reconciledAt(fromStatement.date) : null,
      },
    };
    result.push({ ...line, balance: balanceOf(line.opening, own, incoming) });
  }
  return { date: day, fiscalYear: year, accounts: result, total: result.reduce((sum, a) => sum + a.balance, 0) };
};
