import type { Context } from 'koa';
import { isPrivateFeedToken, missionsICal } from '../../../back-office/missions/calendar';
import { notFound } from '../../../core/errors';

const sendICal = (ctx: Context, body: string, filename: string) => {
  ctx.set('Content-Type', 'text/calendar; charset=utf-8');
  ctx.set('Content-Disposition', `inline; filename="${filename}"`);
  ctx.set('Cache-Control', 'private, max-age=300');
  ctx.body = body;
};

export default {
  /** GET /api/calendar.ics: public events only. */
  async publicFeed(ctx: Context) {
    sendICal(ctx, await missionsICal(strapi, 'public'), 'agenda.ics');
  },

  /** GET /api/calendar/private/<token>.ics: every mission, for the bureau's phones. */
  async privateFeed(ctx: Context) {
    const token = String(ctx.params.file ?? '').replace(/\.ics$/, '');
    if (!(await isPrivateFeedToken(strapi, token))) throw notFound('Calendrier introuvable.');
    sendICal(ctx, await missionsICal(strapi, 'bureau'), 'missions.ics');
  },
};
