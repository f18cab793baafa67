import type { AdminContext, BackOfficeModule, Strapi } from '../types';
import { ACTIONS } from '../../contract/permissions';
import { listForms, listReviews, mapForm, resolveReview, status } from './admin';
import { runSync, scheduledSync } from './sync';
import { table } from '../sql';
import { ITEM } from './importer';

const manage = [ACTIONS.helloassoManage];
/** The running Strapi, for the route handlers (set in register). */
let app: Strapi;
const adminName = (ctx: AdminContext) =>
  [ctx.state.user?.firstname, ctx.state.user?.lastname].filter(Boolean).join(' ') || ctx.state.user?.email || '';

/**
 * HelloAsso: memberships, donations and event tickets paid online, synchronised every hour, on demand
 * and on HelloAsso's notifications (public route in src/api/helloasso-item/routes), with the forms'
 * mapping and the review list of the page « HelloAsso ». See docs/helloasso.md.
 */
const helloasso: BackOfficeModule = {
  name: 'helloasso',
  routes: [
    {
      method: 'GET',
      path: '/helloasso/status',
      actions: manage,
      handler: async (ctx) => {
        ctx.body = await status(app);
      },
    },
    {
      method: 'POST',
      path: '/helloasso/sync',
      actions: manage,
      handler: async (ctx) => {
        ctx.body = await runSync(app, 'manual');
      },
    },
    {
      method: 'GET',
      path: '/helloasso/forms',
      actions: manage,
      handler: async (ctx) => {
        ctx.body = await listForms(app);
      },
    },
    {
      method: 'PUT',
      path: '/helloasso/forms/:formType/:formSlug',
      actions: manage,
      handler: async (ctx) => {
        ctx.body = await mapForm(app, String(ctx.params.formType), String(ctx.params.formSlug), ctx.request.body ?? {});
      },
    },
    {
      method: 'GET',
      path: '/helloasso/reviews',
      actions: manage,
      handler: async (ctx) => {
        ctx.body = await listReviews(app);
      },
    },
    {
      method: 'POST',
      path: '/helloasso/reviews/:id/resolve',
      actions: manage,
      handler: async (ctx) => {
        const id = Number(ctx.params.id);
        ctx.body = await resolveReview(app, Number.isInteger(id) ? id : -1, ctx.request.body ?? {}, adminName(ctx));
      },
    },
  ],
  cron: (strapi) => ({
    helloassoSync: { rule: '17 * * * *', task: () => scheduledSync(strapi) },
  }),
  register(strapi) {
    app = strapi;
  },
  async bootstrap(strapi) {
    // each HelloAsso item imported once, even if two writers got past the check together
    await strapi.db.connection.raw(`CREATE UNIQUE INDEX IF NOT EXISTS helloasso_items_key_unique ON ${table(strapi, ITEM)} ("key")`);
  },
};

export default helloasso;
