import type { BackOfficeModule, WriteRule } from '../types';
import { ACTIONS } from '../../contract/permissions';
import { booksWriteRules } from './rules';
import { balancesAt, readBalanceDate } from './balances';
import { closeFiscalYear } from './fiscal-years';
import { ensureDefaultBooks } from './defaults';
import { derivedWriteRules, syncDerivedEntries } from './derived';

/** Two sets of write rules, a type's rules in order. */
const mergeRules = (...sets: Array<Record<string, WriteRule>>) => {
  const all: Record<string, WriteRule[]> = {};
  for (const set of sets) for (const [uid, rule] of Object.entries(set)) (all[uid] ??= []).push(rule);
  return all;
};

/**
 * The books (cash-basis accounts): cash accounts, categories of the associations' chart of accounts,
 * entries (income, expense, transfer between two accounts) and the closing of a fiscal year. Their
 * write rules run on every write path; see docs/books.md.
 */
const books: BackOfficeModule = {
  name: 'books',
  writeRules: mergeRules(booksWriteRules, derivedWriteRules),
  routes: [
    {
      // every cash account's balance at the end of a day (?date=YYYY-MM-DD, today by default), in cents
      method: 'GET',
      path: '/books/balances',
      actions: [ACTIONS.booksRead],
      handler: async (ctx) => {
        ctx.body = { data: await balancesAt(strapi, readBalanceDate(ctx.query.date)) };
      },
    },
    {
      method: 'POST',
      path: '/books/fiscal-years/:year/close',
      actions: [ACTIONS.booksClose],
      handler: async (ctx) => {
        ctx.body = { data: await closeFiscalYear(strapi, ctx.params.year, ctx.state.user) };
      },
    },
  ],
  async bootstrap(strapi) {
    await ensureDefaultBooks(strapi);
    // the entries of the contributions, donations and subsidy payments: what a raw write (the demo's bulk inserts) left out
    await syncDerivedEntries(strapi);
  },
};

export default books;
