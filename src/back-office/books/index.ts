import type { BackOfficeModule } from '../types';
import { ACTIONS } from '../../contract/permissions';
import { booksWriteRules } from './rules';
import { balancesAt, readBalanceDate } from './balances';
import { closeFiscalYear } from './fiscal-years';
import { ensureDefaultBooks } from './defaults';

/**
 * The books (cash-basis accounts): cash accounts, categories of the associations' chart of accounts,
 * entries (income, expense, transfer between two accounts) and the closing of a fiscal year. Their
 * write rules run on every write path; see docs/books.md.
 */
const books: BackOfficeModule = {
  name: 'books',
  writeRules: booksWriteRules,
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
  },
};

export default books;
