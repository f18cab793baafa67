import type { AdminContext, BackOfficeModule, Values, WriteRule } from '../types';
import { ACTIONS, CONTENT_ACTIONS } from '../../contract/permissions';
import { readAssociation } from '../../core/association';
import { currentFiscalYear } from '../../core/dates';
import { notFound } from '../../core/errors';
import { parseFormat } from '../exports/engine';
import type { CsvFormat } from '../exports/format';
import { XLSX_CONTENT_TYPE } from '../exports/xlsx';
import { booksWriteRules } from './rules';
import { balancesAt, readBalanceDate } from './balances';
import { closeFiscalYear, readYear } from './fiscal-years';
import { ensureDefaultBooks } from './defaults';
import { derivedWriteRules, syncDerivedEntries } from './derived';

import { incomeStatement, subsidyReport } from './statements';
import { subsidyBudgetRules } from './subsidy-budget';
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
