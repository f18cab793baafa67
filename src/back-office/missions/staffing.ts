import { notFound } from '../../core/errors';
import type { DocumentData, Strapi } from '../types';
import type { ParticipationRow } from './rows';
import { enumLabel } from '../../contract/labels';
import { MISSION, PARTICIPATION, SEATED, missionIsFull, withMissionsLocked } from './capacity';
import { effectiveEnd, effectiveStart, invalidInput, placeOf } from './schedule';

const MEMBER = 'api::member.member';

/**
 * Staffing a mission from its page: who is on it (places taken, the waiting list in its order), adding
 * several members at once (each confirmed or waitlisted by the capacity rule of capacity.ts) and
 * changing a participation's status. Every write goes through the Document Service, so the capacity
 * rule, the one-participation-per-member rule and the display names apply as everywhere else.
 */

/** At most this many people added in one click. */
export const MAX_ADDED_AT_ONCE = 200;

/** The statuses the panel may set (« pending » is the website's, for missions that need approval). */
export const PANEL_STATUSES = ['confirmed', 'waitlisted', 'attended', 'absent', 'cancelled'];

export const statusLabel = (status: string) => enumLabel(PARTICIPATION, 'status', status);

const personName = (p: ParticipationRow) =>
  [p.member?.lastName ?? p.lastName, p.member?.firstName ?? p.firstName].filter(Boolean).join(' ') || p.displayName || '—';

const findMission = async (strapi: Strapi, documentId: string) => {
  const mission = await strapi.db.query(MISSION).findOne({ where: { documentId }, populate: { location: true } });
  if (!mission) throw notFound('Mission introuvable.');
  return mission;
};

/** Order of the panel: places first (by name), then the waiting list in its order, the pending, the cancelled. */
const GROUP: Record<string, number> = { confirmed: 0, attended: 0, absent: 0, waitlisted: 1, pending: 2, cancelled: 3 };

/** A mission's people: places taken / capacity, each person's status in French, the waiting list in order. */
export const missionVolunteers = async (strapi: Strapi, documentId: string) => {
  const mission = await findMission(strapi, documentId);
  const rows = await strapi.db.query(PARTICIPATION).findMany({
    where: { mission: { id: mission.id } },
    populate: { member: { select: ['documentId', 'firstName', 'lastName', 'memberNumber'] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  let position = 0;
  const people = rows.map((p) => ({
    documentId: p.documentId as string,
    name: personName(p),
    member: p.member ? { documentId: p.member.documentId as string, memberNumber: p.member.memberNumber ?? null } : null,
    status: p.status as string,
    statusLabel: statusLabel(p.status),
    source: p.source as string,
    // the waiting list's order: registration time, the order promotions follow (capacity.ts)
    waitlistPosition: p.status === 'waitlisted' ? ++position : null,
  }));
  people.sort(
    (a, b) =>
      GROUP[a.status] - GROUP[b.status] ||
      (GROUP[a.status] === 1 ? a.waitlistPosition! - b.waitlistPosition! : a.name.localeCompare(b.name, 'fr'))
  );
  const taken = rows.filter((p) => SEATED.includes(p.status)).length;
  const capacity: number | null = mission.capacity ?? null;
  const count = (s: string) => rows.filter((p) => p.status === s).length;
  return {
    mission: {
      documentId: mission.documentId,
      title: mission.title,
      status: mission.status,
      startAt: effectiveStart(mission).toISOString(),
      endAt: effectiveEnd(mission).toISOString(),
      place: placeOf(mission),
    },
    places: { taken, capacity, free: capacity === null ? null : Math.max(0, capacity - taken) },
    counts: {
      waitlisted: count('waitlisted'),
      pending: count('pending'),
      cancelled: count('cancelled'),
      attended: count('attended'),
      absent: count('absent'),
    },
    participations: people,
  };
};

/** The list of members to add: documentIds, at least one, each once. French 400 naming the field. */
export const readMemberList = (body: { members?: unknown } | undefined) => {
  const list = body?.members;
  if (!Array.isArray(list) || !list.length) throw invalidInput('members', 'Bénévoles : choisissez au moins un adhérent.');
  if (list.length > MAX_ADDED_AT_ONCE) throw invalidInput('members', `Bénévoles : ${MAX_ADDED_AT_ONCE} personnes au plus à la fois.`);
  if (list.some((id) => typeof id !== 'string' || !/^[a-z0-9]{1,64}$/i.test(id)))
    throw invalidInput('members', 'Bénévoles : identifiants d’adhérents invalides.');
  return [...new Set(list as string[])];
};

export interface Added {
  member: string;
  name: string;
  /** confirmed or waitlisted: the capacity rule's answer; already: the person was on the mission */
  outcome: 'confirmed' | 'waitlisted' | 'already';
  status: string;
  statusLabel: string;
}

/**
 * Adds members to a mission, in the order given, in ONE transaction holding the mission's lock: each
 * gets a place while there is one, then the waiting list (capacity.ts). A member already on it is left
 * as they are; one whose registration was cancelled comes back by the rule of a new one (a place, else
 * the end of the waiting list).
 */
export const addVolunteers = async (strapi: Strapi, missionDocumentId: string, memberDocumentIds: string[]) => {
  const mission = await findMission(strapi, missionDocumentId);
  if (mission.status === 'cancelled') throw invalidInput('mission', 'Mission annulée : on ne peut plus y inscrire personne.');
  const members = await strapi.db
    .query(MEMBER)
    .findMany({ where: { documentId: { $in: memberDocumentIds } }, select: ['id', 'documentId', 'firstName', 'lastName'] });
  const unknown = memberDocumentIds.filter((d) => !members.some((m) => m.documentId === d));
  if (unknown.length)
    throw invalidInput('members', `Bénévoles : ${unknown.length} adhérent(s) introuvable(s) ; rechargez la liste et recommencez.`);
  const byId = new Map(members.map((m) => [m.documentId, m]));

  const added = await withMissionsLocked(strapi, [mission.id], async () => {
    const results: Added[] = [];
    for (const documentId of memberDocumentIds) {
      const member = byId.get(documentId);
      const name = [member.lastName, member.firstName].filter(Boolean).join(' ');
      const existing = await strapi.db.query(PARTICIPATION).findMany({
        where: { mission: { id: mission.id }, member: { id: member.id } },
        select: ['id', 'documentId', 'status'],
        orderBy: { id: 'desc' },
      });
      const active = existing.find((p) => p.status !== 'cancelled');
      let status: string;
      if (active) {
        results.push({ member: documentId, name, outcome: 'already', status: active.status, statusLabel: statusLabel(active.status) });
        continue;
      } else if (existing.length) {
        // cancelled before: the same record comes back, queued from now
        status = (await missionIsFull(strapi, mission.id)).full ? 'waitlisted' : 'confirmed';
        await strapi.documents(PARTICIPATION).update({ documentId: existing[0].documentId, data: { status } as DocumentData });
        await strapi.db.query(PARTICIPATION).update({ where: { id: existing[0].id }, data: { createdAt: new Date() } });
      } else {
        const created = await strapi.documents(PARTICIPATION).create({
          data: { mission: mission.documentId, member: documentId, status: 'confirmed', source: 'backoffice' },
        });
        status = created.status;
      }
      results.push({
        member: documentId,
        name,
        outcome: status === 'waitlisted' ? 'waitlisted' : 'confirmed',
        status,
        statusLabel: statusLabel(status),
      });
    }
    return results;
  });
  const confirmed = added.filter((a) => a.outcome === 'confirmed').length;
  const waitlisted = added.filter((a) => a.outcome === 'waitlisted').length;
  const already = added.filter((a) => a.outcome === 'already').length;
  const parts = [
    `${confirmed} confirmé·e${confirmed > 1 ? 's' : ''}`,
    ...(waitlisted ? [`${waitlisted} en liste d’attente (mission complète)`] : []),
    ...(already ? [`${already} déjà inscrit·e${already > 1 ? 's' : ''}`] : []),
  ];
  return { added, counts: { confirmed, waitlisted, already }, message: `Ajout terminé : ${parts.join(', ')}.` };
};

/** Changes one participation's status from the panel; the capacity rule may refuse (French 400 naming the field). */
export const setParticipationStatus = async (
  strapi: Strapi,
  missionDocumentId: string,
  participationDocumentId: string,
  body: { status?: unknown } | undefined
) => {
  const status = body?.status;
  if (typeof status !== 'string' || !PANEL_STATUSES.includes(status)) {
    const known = PANEL_STATUSES.map((s) => `${s} (${statusLabel(s)})`).join(', ');
    throw invalidInput('status', `Statut : valeur « ${String(status)} » inconnue ; valeurs possibles : ${known}.`);
  }
  const mission = await findMission(strapi, missionDocumentId);
  const participation = await strapi.db
    .query(PARTICIPATION)
    .findOne({ where: { documentId: participationDocumentId, mission: { id: mission.id } }, select: ['id'] });
  if (!participation) throw notFound('Participation introuvable sur cette mission.');
  await strapi.documents(PARTICIPATION).update({ documentId: participationDocumentId, data: { status } as DocumentData });
  return missionVolunteers(strapi, missionDocumentId);
};

/** Missions one can still add people to (not cancelled nor done, not over), soonest first, with their places. */
export const openMissions = async (strapi: Strapi, search: unknown) => {
  if (search !== undefined && typeof search !== 'string') throw invalidInput('search', 'Recherche : doit être un texte.');
  const text = ((search as string | undefined) ?? '').trim().slice(0, 100);
  const since = new Date(Date.now() - 12 * 3600_000);
  const rows = await strapi.db.query(MISSION).findMany({
    where: { status: { $notIn: ['cancelled', 'done'] }, startAt: { $gte: since }, ...(text ? { title: { $containsi: text } } : {}) },
    select: ['id', 'documentId', 'title', 'startAt', 'endAt', 'capacity', 'status'],
    orderBy: { startAt: 'asc' },
    limit: 50,
  });
  const taken = rows.length
    ? await strapi.db.query(PARTICIPATION).findMany({
        where: { mission: { id: { $in: rows.map((m) => m.id) } }, status: { $in: SEATED } },
        select: ['id'],
        populate: { mission: { select: ['id'] } },
      })
    : [];
  return rows.map((m) => {
    const seats = taken.filter((p) => p.mission?.id === m.id).length;
    return {
      documentId: m.documentId,
      title: m.title,
      startAt: effectiveStart(m).toISOString(),
      places: {
        taken: seats,
        capacity: m.capacity ?? null,
        free: m.capacity === null || m.capacity === undefined ? null : Math.max(0, m.capacity - seats),
      },
    };
  });
};
