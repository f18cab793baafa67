import type { BackOfficeModule } from '../types';
import { ACTIONS } from '../../contract/permissions';
import { readAccess } from '../exports/access';
import { forbidden, notFound } from '../../core/errors';
import { parseFormat, xlsxOnly } from '../exports/engine';
import type { ExportFormat } from '../exports/format';
import { parseFilterValue } from '../exports/filters';
import { currentFiscalYear, financialReport, fiscalYearStartMonth, readableSections } from './financial';
import { financialCsv, financialPdf } from './render';
import { financialXlsx } from './xlsx';
import { XLSX_CONTENT_TYPE } from '../exports/xlsx';

const YEAR = { param: 'year', label: 'Exercice', kind: 'year' as const, reads: [], where: () => ({ sql: '' }) };

/** GET /back-office/reports/financial.csv|xlsx|pdf?year=YYYY (or .csv?format=xlsx) — the fiscal year's financial report. */
const reports: BackOfficeModule = {
  name: 'reports',
  routes: [
    {
      method: 'GET',
      path: '/reports/financial.:ext',
      actions: [ACTIONS.reportsRead],
      handler: async (ctx) => {
        const ext = ctx.params.ext;
        if (ext !== 'csv' && ext !== 'pdf' && ext !== 'xlsx') throw notFound('Bilan disponible en .csv, en .xlsx ou en .pdf.');
        const access = readAccess(strapi, ctx.state.userAbility);
        if (!readableSections(access).length) {
          throw forbidden(
            'Vous n\u2019avez le droit de consulter aucune des données du bilan (cotisations, dons, subventions, missions, comptabilité).'
          );
        }
        const year = ctx.query.year
          ? (parseFilterValue(strapi, YEAR, ctx.query.year) as number)
          : currentFiscalYear(await fiscalYearStartMonth(strapi));
        const format: ExportFormat = ext === 'csv' ? parseFormat(ctx.query.format) : ext === 'xlsx' ? xlsxOnly(ctx.query.format) : 'fr';
        const report = await financialReport(strapi, access, year);
        ctx.set('Content-Disposition', `attachment; filename="bilan-financier-${year}.${format === 'xlsx' ? 'xlsx' : ext}"`);
        ctx.set('Cache-Control', 'no-store');
        if (format === 'xlsx') {
          ctx.set('Content-Type', XLSX_CONTENT_TYPE);
          ctx.body = await financialXlsx(strapi, report);
        } else if (ext === 'csv') {
          ctx.set('Content-Type', 'text/csv; charset=utf-8');
          ctx.body = await financialCsv(strapi, report, format);
        } else {
          ctx.type = 'application/pdf';
          ctx.body = await financialPdf(strapi, report);
        }
      },
    },
  ],
};

export default reports;
