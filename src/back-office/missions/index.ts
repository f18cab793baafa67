import type { BackOfficeModule } from '../types';
import { ACTIONS } from '../../shared/permissions';
import { MISSION, PARTICIPATION } from './capacity';
import { missionRules, participationRules } from './rules';
import { memberMissions, missionOverlaps } from './schedule';
import { calendarEntries, privateFeedState, regeneratePrivateFeed, revokePrivateFeed } from './calendar';

const READ_PARTICIPATIONS: any = ['plugin::content-manager.explorer.read', 'api::participation.participation'];

const feedUrl = (strapi: any, ctx: any, token: string) =>
  `${(strapi.config.get('server.url', '') as string) || ctx.request.origin}/api/calendar/private/${token}.ics`;

/**
 * Missions and events: slugs, dates, one participation per member, capacity and waiting list (write
 * rules, on every write path), volunteers' overlaps and history, the admin calendar and the bureau's
 * private iCal feed. The public pre-registration and the iCal feeds are content-API routes in src/api/mission/routes/01-*.ts.
 */
const missions: BackOfficeModule = {
  name: 'missions',
  routes: [
    {
      method: 'GET',
      path: '/calendar',
      actions: [ACTIONS.calendarRead],
      handler: async (ctx) => {
        ctx.body = { data: await calendarEntries(strapi, ctx.query) };
      },
    },
    {
      method: 'GET',
      path: '/calendar/private-feed',
      actions: [ACTIONS.calendarRead],
      handler: async (ctx) => {
        ctx.body = { data: await privateFeedState(strapi) };
      },
    },
    {
      // a new secret URL (shown once); the previous one stops working
      method: 'POST',
      path: '/calendar/private-feed',
      actions: [ACTIONS.calendarFeed],
      handler: async (ctx) => {
        const { token, createdAt } = await regeneratePrivateFeed(strapi);
        ctx.body = { data: { active: true, createdAt, url: feedUrl(strapi, ctx, token) } };
      },
    },
    {
      method: 'DELETE',
      path: '/calendar/private-feed',
      actions: [ACTIONS.calendarFeed],
      handler: async (ctx) => {
        await revokePrivateFeed(strapi);
        ctx.body = { data: { active: false, createdAt: null } };
      },
    },
    {
      method: 'GET',
      path: '/missions/:documentId/overlaps',
      actions: [READ_PARTICIPATIONS],
      handler: async (ctx) => {
        ctx.body = { data: await missionOverlaps(strapi, ctx.params.documentId) };
      },
    },
    {
      method: 'GET',
      path: '/members/:documentId/missions',
      actions: [READ_PARTICIPATIONS],
      handler: async (ctx) => {
        ctx.body = { data: await memberMissions(strapi, ctx.params.documentId) };
      },
    },
  ],
  writeRules: {
    [MISSION]: missionRules,
    [PARTICIPATION]: participationRules,
  },
};

export default missions;
