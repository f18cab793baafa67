import type { AdminContext, BackOfficeModule, Values, WriteRule } from '../types';
import { ACTIONS, CONTENT_ACTIONS } from '../../contract/permissions';
import { readAssociation } from '../../core/association';
import { currentFiscalYear } from '../../core/dates';
import { fieldError, notFound } from '../../core/errors';
import { parseFormat } from '../exports/engine';
import type { CsvFormat } from '../exports/format';
import { XLSX_CONTENT_TYPE } from '../exports/xlsx';
import { booksWriteRules, toCents } from './rules';
import { balancesAt, readBalanceDate } from './balances';
import { closeFiscalYear, readYear } from './fiscal-years';
import { ensureDefaultBooks } from './defaults';
import { derivedWriteRules, syncDerivedEntries } from './derived';

import { budgetSide, incomeStatement, subsidyReport } from './statements';
import {
  incomeStatementCsv,
  incomeStatementPdf,
  incomeStatementXlsx,
  subsidyReportCsv,
  subsidyReportPdf,
  subsidyReportXlsx,
} from './statements-render';

const SUBSIDY = 'api::subsidy.subsidy';

/** Two sets of write rules, a type's rules in order. */
const mergeRules = (...sets: Array<Record<string, WriteRule>>) => {
  const all: Record<string, WriteRule[]> = {};
  for (const set of sets) for (const [uid, rule] of Object.entries(set)) (all[uid] ??= []).push(rule);
  return all;
};

/** A subsidy's planned budget: each line an account of class 6 or 7 (86, 87 for contributions in kind), an amount to the cent. */
const subsidyBudgetRules: WriteRule = {
  check(write) {
    if (write.action === 'delete' || !('budgetLines' in write.data) || !Array.isArray(write.data.budgetLines)) return;
    for (const line of write.data.budgetLines as Values[]) {
      const number = String(line.number ?? '').trim();
      if (!/^\d{2,8}$/.test(number) || !budgetSide(number)) {
        throw fieldError(
          SUBSIDY,
          'budgetLines',
          `« ${number} » n\u2019est pas un compte de charges ou de produits : un numéro qui commence par 6 (charges), 7 (produits), 86 ou 87 (contributions en nature), ex. 606, 64, 74.`
        );
      }
      const planned = Number(line.planned);
      if (line.planned === null || line.planned === undefined || Number.isNaN(planned) || planned < 0) {
        throw fieldError(SUBSIDY, 'budgetLines', `le montant prévu du compte ${number} doit être un montant positif ou nul.`);
      }
      if (Math.abs(planned * 100 - toCents(planned)) > 1e-6) {
        throw fieldError(SUBSIDY, 'budgetLines', `le montant prévu du compte ${number} a plus de deux décimales.`);
      }
    }
  },
};

/** The file a statement is asked as (.pdf, .csv, .xlsx), 404 otherwise. */
const fileFormat = (ctx: AdminContext): { ext: 'pdf' | 'csv' | 'xlsx'; csv: CsvFormat } => {
  const ext = ctx.params.ext;
  if (ext !== 'pdf' && ext !== 'csv' && ext !== 'xlsx') throw notFound('Disponible en .pdf, en .csv ou en .xlsx.');
  const csv = ext === 'csv' ? parseFormat(ctx.query.format) : 'fr';
  return { ext, csv: csv === 'xlsx' ? 'fr' : csv };
};

const send = (ctx: AdminContext, name: string, ext: 'pdf' | 'csv' | 'xlsx', body: unknown) => {
  ctx.set('Content-Disposition', `attachment; filename="${name}.${ext}"`);
  ctx.set('Cache-Control', 'no-store');
  if (ext === 'pdf') ctx.type = 'application/pdf';
  else ctx.set('Content-Type', ext === 'csv' ? 'text/csv; charset=utf-8' : XLSX_CONTENT_TYPE);
  ctx.body = body;
};

/** A file name part from a title typed by people: letters, digits and dashes. */
const slug = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase()
    .slice(0, 60) || 'subvention';

/**
 * The books (cash-basis accounts): cash accounts, categories of the associations' chart of accounts,
 * entries (income, expense, transfer between two accounts), the closing of a fiscal year, and their
 * statements (compte de résultat, compte rendu financier de subvention). Their write rules run on
 * every write path; see docs/books.md.
 */
const books: BackOfficeModule = {
  name: 'books',
  writeRules: mergeRules(booksWriteRules, derivedWriteRules, { [SUBSIDY]: subsidyBudgetRules }),
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
    {
      // the compte de résultat of a fiscal year (?year=YYYY, the current one by default)
      method: 'GET',
      path: '/books/income-statement.:ext',
      actions: [ACTIONS.booksReports],
      handler: async (ctx) => {
        const { ext, csv } = fileFormat(ctx);
        const { fiscalYearStartMonth } = await readAssociation(strapi, ['fiscalYearStartMonth']);
        const year = ctx.query.year ? readYear(ctx.query.year) : currentFiscalYear(fiscalYearStartMonth);
        const statement = await incomeStatement(strapi, year);
        const body =
          ext === 'pdf'
            ? await incomeStatementPdf(strapi, statement)
            : ext === 'csv'
              ? await incomeStatementCsv(strapi, statement, csv)
              : await incomeStatementXlsx(strapi, statement);
        send(ctx, `compte-de-resultat-${year}`, ext, body);
      },
    },
    {
      // the subsidies a financial report can be made for (the page's list)
      method: 'GET',
      path: '/books/subsidies',
      actions: [ACTIONS.subsidyReports, [CONTENT_ACTIONS.read, SUBSIDY]],
      handler: async (ctx) => {
        const rows: Values[] = await strapi.db.query(SUBSIDY).findMany({
          select: ['documentId', 'title', 'fiscalYear', 'status'],
          populate: { funder: { select: ['name'] } },
          orderBy: [{ fiscalYear: 'desc' }, { title: 'asc' }],
        });
        ctx.body = {
          data: rows.map((r) => ({
            documentId: r.documentId,
            title: r.title,
            fiscalYear: r.fiscalYear ?? null,
            status: r.status,
            funder: r.funder?.name ?? null,
          })),
        };
      },
    },
    {
      // a subsidy's compte rendu financier (Cerfa n° 15059): its planned budget against its linked entries
      method: 'GET',
      path: '/books/subsidies/:documentId/report.:ext',
      actions: [ACTIONS.subsidyReports, [CONTENT_ACTIONS.read, SUBSIDY]],
      handler: async (ctx) => {
        const { ext, csv } = fileFormat(ctx);
        const report = await subsidyReport(strapi, String(ctx.params.documentId));
        const body =
          ext === 'pdf'
            ? await subsidyReportPdf(strapi, report)
            : ext === 'csv'
              ? await subsidyReportCsv(strapi, report, csv)
              : await subsidyReportXlsx(strapi, report);
        send(ctx, `compte-rendu-financier-${slug(report.subsidy.title)}`, ext, body);
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
