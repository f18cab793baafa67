import type { AdminContext, BackOfficeModule } from '../types';
import { ACTIONS } from '../../contract/permissions';
import { allowedMoneySections, computeStats, currentBooks, parseYear } from './service';
import { statsReport } from './report';
import { installTallies } from './tallies';

/**
 * The statistics asked for (`?year=`), with the money sections the admin may read, and the books of
 * the current fiscal year for who reads the books only (never computed for the others).
 */
const statsOf = async (ctx: AdminContext) => {
  const year = parseYear(ctx.query.year);
  // the books' sums are read at the same time as the statistics, not after them
  const [stats, books] = await Promise.all([
    computeStats(strapi, year, allowedMoneySections(ctx.state.userAbility)),
    ctx.state.userAbility?.can?.(ACTIONS.booksRead) ? currentBooks(strapi) : undefined,
  ]);
  if (books) stats.books = books;
  return stats;
};

/** Statistics of a year: the dashboard's JSON and its PDF report. */
const stats: BackOfficeModule = {
  name: 'stats',
  async bootstrap(strapi) {
    await installTallies(strapi);
  },
  routes: [
    {
      method: 'GET',
      path: '/stats',
      actions: [ACTIONS.statsRead],
      async handler(ctx) {
        ctx.body = await statsOf(ctx);
      },
    },
    {
      method: 'GET',
      path: '/stats/report.pdf',
      actions: [ACTIONS.statsRead],
      async handler(ctx) {
        const data = await statsOf(ctx);
        ctx.set('Content-Type', 'application/pdf');
        ctx.set('Content-Disposition', `attachment; filename="tableau-de-bord-${data.year}.pdf"`);
        ctx.body = await statsReport(strapi, data);
      },
    },
  ],
};

export default stats;
