import { errors } from '@strapi/utils';
import type { BackOfficeModule } from '../types';
import { ACTIONS } from '../permissions';
import { forbidden, readAccess } from '../exports/access';
import { parseFormat } from '../exports/engine';
import { parseFilterValue } from '../exports/filters';
import { currentFiscalYear, financialReport, fiscalYearStartMonth, readableSections } from './financial';
import { financialCsv, financialPdf } from './render';

const YEAR = { param: 'year', label: 'Exercice', kind: 'year' as const, reads: [], where: () => ({ sql: '' }) };

/** GET /back-office/reports/financial.csv|pdf?year=YYYY — the fiscal year's financial report. */
const reports: BackOfficeModule = {
  name: 'reports',
  routes: [
    {
      method: 'GET',
      path: '/reports/financial.:ext',
      actions: [ACTIONS.reportsRead],
      handler: async (ctx) => {
        const ext = ctx.params.ext;
        if (ext !== 'csv' && ext !== 'pdf') throw new errors.NotFoundError('Bilan disponible en .csv ou en .pdf.');
        const access = readAccess(strapi, ctx.state.userAbility);
        if (!readableSections(access).length) {
          throw forbidden('Vous n\u2019avez le droit de consulter aucune des données du bilan (cotisations, dons, subventions, missions).');
        }
        const year = ctx.query.year ? (parseFilterValue(strapi, YEAR, ctx.query.year) as number) : currentFiscalYear(await fiscalYearStartMonth(strapi));
        const format = ext === 'csv' ? parseFormat(ctx.query.format) : 'fr';
        const report = await financialReport(strapi, access, year);
        ctx.set('Content-Disposition', `attachment; filename="bilan-financier-${year}.${ext}"`);
        ctx.set('Cache-Control', 'no-store');
        if (ext === 'csv') {
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
