import type { AdminContext, BackOfficeModule, Strapi } from '../types';
import { ACTIONS } from '../../contract/permissions';
import { MISSION, PARTICIPATION } from './capacity';
import { missionRules, participationRules } from './rules';
import { candidateOverlaps, memberMissions, missionOverlaps } from './schedule';
import { calendarEntries, privateFeedState, regeneratePrivateFeed, revokePrivateFeed } from './calendar';
import { addVolunteers, missionVolunteers, openMissions, readMemberList, setParticipationStatus } from './staffing';
import {
  allVolunteers,
  fieldsRead,
  filterOptions,
  readFilters,
  RESULT_FIELDS,
  searchVolunteers,
  VOLUNTEER_CSV_COLUMNS,
  VolunteerRow,
} from './volunteers';
import { missionMessages, previewMessage, readMessageForm, sendMessage } from './messages';
import { attendanceSheet } from './attendance';
import { contentRights } from '../access/rights';
import { ensureDeliveryIndex, ensureUniqueIndex } from '../mail/deliveries';
import { csvStream } from '../exports/engine';

const MEMBER = 'api::member.member';
const READ_PARTICIPATIONS: [string, string] = ['plugin::content-manager.explorer.read', PARTICIPATION];
const CREATE_PARTICIPATIONS: [string, string] = ['plugin::content-manager.explorer.create', PARTICIPATION];
const UPDATE_PARTICIPATIONS: [string, string] = ['plugin::content-manager.explorer.update', PARTICIPATION];
const READ_MEMBERS: [string, string] = ['plugin::content-manager.explorer.read', MEMBER];
const READ_MISSIONS: [string, string] = ['plugin::content-manager.explorer.read', 'api::mission.mission'];

const rightsOf = (ctx: AdminContext) => contentRights(strapi, ctx.state.userAbility);
/** Reading a mission's people: their participations and names, as the content manager would show them. */
const assertMayReadPeople = (ctx: AdminContext) => {
  const rights = rightsOf(ctx);
  rights.assert('read', PARTICIPATION, ['status', 'member', 'mission'], 'les participations');
  rights.assert('read', MEMBER, ['firstName', 'lastName'], 'les adhérents');
};

/** Checks the search's filters against the admin's read rights (403) and returns the result columns they may see. */
const volunteerSearch = (ctx: AdminContext) => {
  const filters = readFilters(ctx.query);
  const rights = rightsOf(ctx);
  rights.assert('read', MEMBER, ['firstName', 'lastName', ...fieldsRead(filters)], 'les adhérents');
  if (filters.mission) rights.assert('read', PARTICIPATION, ['status', 'member', 'mission'], 'les participations');
  const hidden = Object.keys(RESULT_FIELDS).filter((key) => !rights.can('read', MEMBER, RESULT_FIELDS[key]));
  const visible = (row: VolunteerRow) => {
    const out: Record<string, unknown> = { ...row };
    for (const key of hidden) delete out[key];
    return out;
  };
  return { filters, hidden, visible };
};

const adminName = (ctx: AdminContext) =>
  [ctx.state.user?.firstname, ctx.state.user?.lastname].filter(Boolean).join(' ') || ctx.state.user?.email || '';

const feedUrl = (strapi: Strapi, ctx: AdminContext, token: string) =>
  `${(strapi.config.get('server.url', '') as string) || ctx.request.origin}/api/calendar/private/${token}.ics`;

/**
 * Missions and events: capacity and waiting list (on every write path), volunteers' overlaps and
 * history, staffing a mission from its page (staffing.ts), finding volunteers (volunteers.ts), writing
 * to a mission's people (messages.ts), the attendance sheet (attendance.ts), the admin calendar and
 * the bureau's private iCal feed. The public pre-registration and
 * the iCal feeds are content-API routes in src/api/mission/routes/01-*.ts.
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
      // the overlap warning before adding people: ?members=<documentId>,<documentId>
      method: 'GET',
      path: '/missions/:documentId/candidate-overlaps',
      actions: [READ_PARTICIPATIONS],
      handler: async (ctx) => {
        assertMayReadPeople(ctx);
        const members = readMemberList({
          members: String(ctx.query.members ?? '')
            .split(',')
            .filter(Boolean),
        });
        ctx.body = { data: await candidateOverlaps(strapi, ctx.params.documentId, members) };
      },
    },
    {
      // the « Bénévoles » panel: places taken / capacity, statuses in French, the waiting list in order
      method: 'GET',
      path: '/missions/:documentId/volunteers',
      actions: [READ_PARTICIPATIONS],
      handler: async (ctx) => {
        assertMayReadPeople(ctx);
        ctx.body = { data: await missionVolunteers(strapi, ctx.params.documentId) };
      },
    },
    {
      // « Ajouter des bénévoles »: { members: [documentId, ...] }, each confirmed or waitlisted by the capacity rule
      method: 'POST',
      path: '/missions/:documentId/volunteers',
      actions: [CREATE_PARTICIPATIONS],
      handler: async (ctx) => {
        const members = readMemberList(ctx.request.body);
        assertMayReadPeople(ctx);
        rightsOf(ctx).assert('create', PARTICIPATION, ['mission', 'member', 'status', 'source'], 'des participations');
        const result = await addVolunteers(strapi, ctx.params.documentId, members);
        ctx.body = { data: { ...result, volunteers: await missionVolunteers(strapi, ctx.params.documentId) } };
      },
    },
    {
      // a status changed from the panel: { status: 'attended' | 'absent' | 'cancelled' | 'confirmed' | 'waitlisted' }
      method: 'PUT',
      path: '/missions/:documentId/participations/:participationId',
      actions: [UPDATE_PARTICIPATIONS],
      handler: async (ctx) => {
        assertMayReadPeople(ctx);
        rightsOf(ctx).assert('update', PARTICIPATION, ['status'], 'les participations');
        ctx.body = { data: await setParticipationStatus(strapi, ctx.params.documentId, ctx.params.participationId, ctx.request.body) };
      },
    },
    {
      method: 'GET',
      path: '/missions/:documentId/attendance-sheet.pdf',
      actions: [READ_PARTICIPATIONS],
      handler: async (ctx) => {
        const rights = rightsOf(ctx);
        rights.assert('read', PARTICIPATION, ['status', 'member', 'mission', 'firstName', 'lastName', 'phone'], 'les participations');
        rights.assert('read', MEMBER, ['firstName', 'lastName', 'phone'], 'les adhérents');
        const { buffer, fileName } = await attendanceSheet(strapi, ctx.params.documentId);
        ctx.set('Content-Type', 'application/pdf');
        ctx.set('Content-Disposition', `attachment; filename="${fileName}"`);
        ctx.body = buffer;
      },
    },
    {
      // missions one can still add people to, soonest first, with their free places (?search=)
      method: 'GET',
      path: '/missions/open',
      actions: [READ_MISSIONS, READ_PARTICIPATIONS],
      handler: async (ctx) => {
        ctx.body = { data: await openMissions(strapi, ctx.query.search) };
      },
    },
    {
      method: 'GET',
      path: '/missions/:documentId/messages',
      actions: [ACTIONS.missionsMessage],
      handler: async (ctx) => {
        assertMayReadPeople(ctx);
        ctx.body = { data: await missionMessages(strapi, ctx.params.documentId) };
      },
    },
    {
      // the message as its first recipient will read it, and how many will get it; nothing is sent
      method: 'POST',
      path: '/missions/:documentId/messages/preview',
      actions: [ACTIONS.missionsMessage],
      handler: async (ctx) => {
        const form = readMessageForm(ctx.request.body);
        assertMayReadPeople(ctx);
        ctx.body = { data: await previewMessage(strapi, ctx.params.documentId, form) };
      },
    },
    {
      // « Écrire aux bénévoles »: { subject, body, includeWaitlisted }; sent in the background, never twice to the same person
      method: 'POST',
      path: '/missions/:documentId/messages',
      actions: [ACTIONS.missionsMessage],
      handler: async (ctx) => {
        const form = readMessageForm(ctx.request.body);
        assertMayReadPeople(ctx);
        ctx.status = 202;
        ctx.body = { data: await sendMessage(strapi, ctx.params.documentId, form, { name: adminName(ctx), email: ctx.state.user?.email }) };
      },
    },
    {
      // « Trouver des bénévoles »: ?search=&skills=&availability=&poles=&city=&ageMin=&ageMax=&volunteersOnly=&mission=
      method: 'GET',
      path: '/volunteers',
      actions: [READ_MEMBERS],
      handler: async (ctx) => {
        const { filters, hidden, visible } = volunteerSearch(ctx);
        const { total, rows } = await searchVolunteers(strapi, filters);
        ctx.body = { data: rows.map(visible), meta: { total, shown: rows.length, hiddenFields: hidden } };
      },
    },
    {
      method: 'GET',
      path: '/volunteers/export.csv',
      actions: [READ_MEMBERS],
      handler: async (ctx) => {
        const { filters, hidden } = volunteerSearch(ctx);
        const fields = VOLUNTEER_CSV_COLUMNS.filter((c) => !hidden.includes(c.key)).map((c) => ({ label: c.label, value: c.value }));
        ctx.set('Content-Type', 'text/csv; charset=utf-8');
        ctx.set('Content-Disposition', 'attachment; filename="benevoles.csv"');
        ctx.body = csvStream(fields, 'fr', () => allVolunteers(strapi, filters));
      },
    },
    {
      method: 'GET',
      path: '/volunteers/filters',
      actions: [READ_MEMBERS],
      handler: async (ctx) => {
        ctx.body = { data: await filterOptions(strapi) };
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
  async bootstrap(strapi) {
    // one message per text and one delivery record per message and address, guaranteed by the database itself
    await ensureUniqueIndex(strapi, 'api::mission-message.mission-message', 'messageKey');
    await ensureDeliveryIndex(strapi, 'api::mission-message-delivery.mission-message-delivery');
  },
};

export default missions;
