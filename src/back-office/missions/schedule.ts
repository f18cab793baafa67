import { badRequest, notFound } from '../../core/errors';
import type { Strapi } from '../types';
import { datetimeFromDb } from '../sql';
import { memberDisplayName } from '../../contract/display-names';
import type { LocationRow, MissionRow, ParticipationRow } from './rows';

const MISSION = 'api::mission.mission';
const PARTICIPATION = 'api::participation.participation';
const MEMBER = 'api::member.member';

/** A mission without an end time counts as this long (overlaps, calendar, iCal). */
export const DEFAULT_DURATION_HOURS = 2;

export const effectiveStart = (mission: { startAt: unknown }) => datetimeFromDb(mission.startAt) as Date;
export const effectiveEnd = (mission: { startAt: unknown; endAt?: unknown }) =>
  (datetimeFromDb(mission.endAt) as Date | null) ?? new Date(effectiveStart(mission).getTime() + DEFAULT_DURATION_HOURS * 3600_000);

/** The mission's place as one line: « Salle des fêtes, 1 rue X, 69001, Lyon ». */
export const placeOf = (mission: { location?: LocationRow | null }) =>
  [mission.location?.name, mission.location?.address, mission.location?.postalCode, mission.location?.city].filter(Boolean).join(', ') ||
  null;

/** A French 400 naming a field of a form or a query (not a content-type field: fieldError for those). */
export const invalidInput = (field: string, message: string) => badRequest(message, field);

const overlap = (a: Pick<MissionRow, 'startAt' | 'endAt'>, b: Pick<MissionRow, 'startAt' | 'endAt'>) =>
  effectiveStart(a) < effectiveEnd(b) && effectiveStart(b) < effectiveEnd(a);

/** Participations that do not put the person on the mission. */
const NOT_THERE = ['cancelled', 'absent'];
const MISSION_FIELDS = ['id', 'documentId', 'title', 'startAt', 'endAt', 'status', 'kind'];

const missionSummary = (m: MissionRow) => ({
  documentId: m.documentId,
  title: m.title,
  startAt: effectiveStart(m).toISOString(),
  endAt: effectiveEnd(m).toISOString(),
  status: m.status,
});

/**
 * Members among `memberIds` (ids) who are on another mission at the same time as `mission`, with those
 * missions: the one overlap rule, for the volunteers of a mission and for the people about to be added.
 */
type MissionSummary = ReturnType<typeof missionSummary>;

const overlapsOf = async (strapi: Strapi, mission: MissionRow, memberIds: number[]) => {
  if (!memberIds.length) return new Map<number, MissionSummary[]>();
  // candidates: other missions of these members starting before this one ends (and not long before it starts)
  const others = await strapi.db.query(PARTICIPATION).findMany({
    where: {
      member: { id: { $in: memberIds } },
      status: { $notIn: NOT_THERE },
      mission: { id: { $ne: mission.id }, status: { $ne: 'cancelled' }, startAt: { $lt: effectiveEnd(mission) } },
    },
    populate: { member: { select: ['id'] }, mission: { select: MISSION_FIELDS } },
  });
  const byMember = new Map<number, MissionSummary[]>();
  for (const o of others) {
    if (!o.member || !overlap(o.mission, mission)) continue;
    byMember.set(o.member.id, [...(byMember.get(o.member.id) ?? []), missionSummary(o.mission)]);
  }
  return byMember;
};

const findMission = async (strapi: Strapi, documentId: string) => {
  const mission = await strapi.db.query(MISSION).findOne({ where: { documentId }, select: MISSION_FIELDS });
  if (!mission) throw notFound('Mission introuvable.');
  return mission;
};

/**
 * The overlap warning (a warning, never a refusal: a volunteer may well leave one mission for
 * another): the volunteers of this mission who are also on another mission at the same time.
 */
export const missionOverlaps = async (strapi: Strapi, documentId: string) => {
  const mission = await findMission(strapi, documentId);
  const volunteers = await strapi.db.query(PARTICIPATION).findMany({
    where: { mission: { id: mission.id }, status: { $notIn: NOT_THERE }, member: { id: { $notNull: true } } },
    populate: { member: { select: ['id', 'documentId', 'firstName', 'lastName', 'memberNumber'] } },
  });
  const found = await overlapsOf(
    strapi,
    mission,
    volunteers.map((v) => v.member.id)
  );
  const overlaps = volunteers
    .map((v) => ({
      member: { documentId: v.member.documentId, name: memberDisplayName(v.member) },
      missions: found.get(v.member.id) ?? [],
    }))
    .filter((o) => o.missions.length);
  return { mission: missionSummary(mission), overlaps };
};

/** The same warning before adding people: which of these members (documentIds) are elsewhere at that time. */
export const candidateOverlaps = async (strapi: Strapi, documentId: string, memberDocumentIds: string[]) => {
  const mission = await findMission(strapi, documentId);
  const members = memberDocumentIds.length
    ? await strapi.db
        .query(MEMBER)
        .findMany({ where: { documentId: { $in: memberDocumentIds } }, select: ['id', 'documentId', 'firstName', 'lastName'] })
    : [];
  const found = await overlapsOf(
    strapi,
    mission,
    members.map((m) => m.id)
  );
  const overlaps = members
    .map((m) => ({
      member: { documentId: m.documentId, name: [m.firstName, m.lastName].filter(Boolean).join(' ') },
      missions: found.get(m.id) ?? [],
    }))
    .filter((o) => o.missions.length);
  return { mission: missionSummary(mission), overlaps };
};

/** A member's missions, newest first, with hours (explicit hours, else the mission's duration when attended). */
export const memberMissions = async (strapi: Strapi, documentId: string) => {
  const member = await strapi.db.query(MEMBER).findOne({ where: { documentId }, select: ['id'] });
  if (!member) throw notFound('Adhérent introuvable.');
  const rows = await strapi.db.query(PARTICIPATION).findMany({
    where: { member: { id: member.id }, mission: { id: { $notNull: true } } },
    populate: { mission: { select: MISSION_FIELDS } },
  });
  rows.sort((a, b) => effectiveStart(b.mission).getTime() - effectiveStart(a.mission).getTime());
  const active = rows.filter((r) => !NOT_THERE.includes(r.status) && r.mission.status !== 'cancelled');
  const hoursOf = (r: ParticipationRow) => {
    if (r.hours !== null && r.hours !== undefined) return Math.round(Number(r.hours) * 100);
    if (r.status !== 'attended') return 0;
    return Math.round(((effectiveEnd(r.mission).getTime() - effectiveStart(r.mission).getTime()) / 3600_000) * 100);
  };
  const participations = rows.map((r) => ({
    documentId: r.documentId,
    status: r.status,
    role: r.role ?? null,
    hours: hoursOf(r) / 100,
    mission: missionSummary(r.mission),
    overlapsWith: active
      .filter((o) => o !== r && !NOT_THERE.includes(r.status) && overlap(o.mission, r.mission))
      .map((o) => o.mission.title),
  }));
  const attended = rows.filter((r) => r.status === 'attended');
  return {
    participations,
    totals: {
      missions: rows.filter((r) => r.status !== 'cancelled').length,
      attended: attended.length,
      // integer hundredths of hours: no float drift in the sum
      hours: attended.reduce((sum: number, r) => sum + hoursOf(r), 0) / 100,
    },
  };
};
