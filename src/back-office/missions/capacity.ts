import type { Knex } from 'knex';
import type { Strapi, WriteContext, WriteRule } from '../types';
import type { MissionRow } from './rows';
import { fieldError } from '../../core/errors';
import { relationChange } from '../rules/relations';
import { isPostgres, table } from '../sql';
import { effectiveEnd } from './schedule';
import { notifyPromoted, type Seated } from './notify';

export const MISSION = 'api::mission.mission';
export const PARTICIPATION = 'api::participation.participation';

/**
 * Participation statuses that hold a place on the mission. Attended and absent keep theirs: marking
 * presence after the event must not free places nor promote anyone.
 */
export const SEATED = ['confirmed', 'attended', 'absent'];

/** Places taken on a mission (to be read inside withMissionsLocked to be trusted). */
export const seatsTaken = (strapi: Strapi, missionId: number): Promise<number> =>
  strapi.db.query(PARTICIPATION).count({ where: { mission: { id: missionId }, status: { $in: SEATED } } });

/** Whether every place of a mission with a capacity is taken (to be read inside withMissionsLocked to be trusted). */
export const missionIsFull = async (strapi: Strapi, missionId: number) => {
  const mission = await strapi.db.query(MISSION).findOne({ where: { id: missionId }, select: ['capacity'] });
  const capacity: number | null = mission?.capacity ?? null;
  return { full: capacity !== null && (await seatsTaken(strapi, missionId)) >= capacity, capacity };
};

/**
 * Locks the missions' rows until the end of the transaction `trx`: every write that changes who holds a
 * place on these missions waits for it, so counting then writing cannot overbook (no check-then-insert
 * race). Always in the order of their ids, so that two writes never wait for each other.
 */
const lockMissions = async (strapi: Strapi, trx: Knex.Transaction, missionIds: Array<number | null | undefined>) => {
  const missions = table(strapi, MISSION);
  for (const id of [...new Set(missionIds.filter((m): m is number => Boolean(m)))].sort((a, b) => a - b)) {
    if (isPostgres(strapi)) await trx(missions).where('id', id).forUpdate().select('id');
    // SQLite has no row locks: a write takes the database's write lock now, for the whole transaction.
    else await trx(missions).where('id', id).update({ id });
  }
};

type Locked = { promote: (missionId: number) => Promise<void> };

/**
 * Runs `fn` in ONE transaction that first locks the missions' rows (lockMissions), for work that reads
 * the places then writes (the public registration). Waitlisted people promoted inside are e-mailed once
 * the transaction is committed.
 */
export const withMissionsLocked = async <T>(
  strapi: Strapi,
  missionIds: Array<number | null | undefined>,
  fn: (locked: Locked) => Promise<T>
) => {
  const outermost = !strapi.db.inTransaction();
  const promoted: Seated[] = [];
  const result = await strapi.db.transaction(async ({ trx, onCommit }) => {
    await lockMissions(strapi, trx, missionIds);
    const value = await fn({ promote: async (missionId) => void promoted.push(...(await promoteWaitlisted(strapi, missionId))) });
    if (!outermost && promoted.length) onCommit(() => void notifyPromoted(strapi, promoted));
    return value;
  });
  if (outermost && promoted.length) await notifyPromoted(strapi, promoted);
  return result;
};

/** Nobody is promoted on a cancelled or finished mission (no e-mail about a past event). */
const acceptsPromotion = (mission: MissionRow | null) =>
  mission && !['cancelled', 'done'].includes(mission.status) && effectiveEnd(mission).getTime() > Date.now();

/**
 * Promotes the oldest waitlisted participations (by registration time) while places are free.
 * Must run inside withMissionsLocked. Goes through the Document Service, so every rule applies.
 */
const promoteWaitlisted = async (strapi: Strapi, missionId: number): Promise<Seated[]> => {
  const mission = await strapi.db.query(MISSION).findOne({ where: { id: missionId }, populate: { location: true } });
  if (!acceptsPromotion(mission)) return [];
  const free =
    mission.capacity === null || mission.capacity === undefined ? Infinity : mission.capacity - (await seatsTaken(strapi, missionId));
  if (free <= 0) return [];
  const waiting = await strapi.db.query(PARTICIPATION).findMany({
    where: { mission: { id: missionId }, status: 'waitlisted' },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    ...(free === Infinity ? {} : { limit: free }),
    populate: { member: { select: ['firstName', 'lastName', 'email'] } },
  });
  for (const p of waiting) {
    await strapi.documents(PARTICIPATION).update({ documentId: p.documentId, data: { status: 'confirmed' } });
  }
  return waiting.map((p) => ({ participation: p, mission }));
};

const missionIdOf = async (strapi: Strapi, ref: { documentId?: string; id?: number } | null) => {
  if (!ref) return null;
  const row = await strapi.db
    .query(MISSION)
    .findOne({ where: ref.documentId ? { documentId: ref.documentId } : { id: ref.id }, select: ['id'] });
  return (row?.id as number) ?? null;
};

const loadParticipation = (strapi: Strapi, documentId: string) =>
  strapi.db.query(PARTICIPATION).findOne({ where: { documentId }, select: ['id', 'status'], populate: { mission: { select: ['id'] } } });

/**
 * What a participation write does to the places: takes one on `targetMission`, frees one on the mission
 * it was on (`stored`: the participation before the write, with its mission's id; null for a creation).
 */
export const seatMoves = (
  stored: { status?: string; mission?: { id?: number } | null } | null,
  targetMission: number | null,
  newStatus: string
) => {
  const previous: number | null = stored?.mission?.id ?? null;
  const wasSeated = Boolean(stored && previous && SEATED.includes(stored.status));
  const willSit = Boolean(targetMission && SEATED.includes(newStatus));
  const moved = previous !== targetMission;
  return {
    takes: willSit && (!wasSeated || moved) ? targetMission : null,
    frees: wasSeated && (!willSit || moved) ? previous : null,
  };
};

/** Promotes the waiting list of a mission inside a write's transaction; the people promoted are e-mailed once it is committed. */
const promote = async (write: WriteContext, missionId: number) => {
  const promoted = await promoteWaitlisted(write.strapi, missionId);
  if (promoted.length) write.afterCommit(() => notifyPromoted(write.strapi, promoted));
};

/** What a participation write does to the places, as planned before its transaction then read again under the lock. */
interface SeatPlan {
  targetMission: number | null;
  newStatus: string;
  takes: number | null;
  frees: number | null;
}
const seatPlans = new WeakMap<WriteContext, SeatPlan>();

/**
 * The capacity rule on every write path (admin, content API, services, public registration):
 *  - a new participation beyond the capacity is put on the waiting list (the person is kept, in order);
 *  - confirming an existing one (pending, waitlisted, cancelled) on a full mission is refused with a
 *    French message: an explicit decision of the volunteer manager is not silently changed;
 *  - cancelling, deleting or moving a confirmed one, or raising the capacity, promotes the waiting list;
 *  - the capacity cannot go below the places already confirmed (missionCapacity).
 * A write that takes or frees a place locks the missions first, in its transaction.
 */
export const participationCapacity: WriteRule = {
  async needsTransaction(write) {
    const { strapi, action, data, documentId, creating, cloning, merged } = write;
    const before = creating || !documentId ? null : await loadParticipation(strapi, documentId);
    if (!creating && !before) return false;
    // a duplicate (« Dupliquer ») is a new participation on the original's mission, with its status, unless changed
    const change = relationChange(data.mission) ?? (cloning ? relationChange(merged.mission) : undefined);
    const targetMission = change === undefined ? (before?.mission?.id ?? null) : await missionIdOf(strapi, change);
    const newStatus = action === 'delete' ? 'deleted' : (data.status ?? (cloning ? merged.status : before?.status) ?? 'confirmed');
    const planned = seatMoves(before, targetMission, newStatus);
    seatPlans.set(write, { targetMission, newStatus, ...planned });
    return Boolean(planned.takes || planned.frees);
  },

  async beforeWrite(write) {
    const { strapi, trx, documentId, data } = write;
    const plan = seatPlans.get(write)!;
    await lockMissions(strapi, trx, [plan.takes, plan.frees]);
    // read again under the lock: another write may have changed it meanwhile
    const stored = write.creating ? null : await loadParticipation(strapi, documentId!);
    Object.assign(plan, seatMoves(stored, plan.targetMission, plan.newStatus));
    if (!plan.takes) return;
    const { full, capacity } = await missionIsFull(strapi, plan.takes);
    if (full && write.creating) data.status = 'waitlisted';
    else if (full) {
      throw fieldError(
        PARTICIPATION,
        'status',
        `la mission est complète (${capacity} places confirmées) : augmentez la capacité ou annulez une participation confirmée avant de confirmer celle-ci, ou laissez-la en liste d’attente.`
      );
    }
  },

  async afterWrite(write) {
    const { takes, frees } = seatPlans.get(write)!;
    if (frees && frees !== takes) await promote(write, frees);
  },
};

const SEAT_FIELDS = ['capacity', 'status', 'startAt', 'endAt'];

/** A mission's capacity never goes below its confirmed places; raising it (or any change of its dates or status) promotes the waiting list. */
export const missionCapacity: WriteRule = {
  needsTransaction: ({ action, data }) => action === 'update' && SEAT_FIELDS.some((f) => f in data),

  async beforeWrite({ strapi, trx, data, stored }) {
    await lockMissions(strapi, trx, [stored!.id]);
    const capacity = data.capacity === null || data.capacity === undefined || data.capacity === '' ? null : Number(data.capacity);
    if (capacity === null) return;
    const taken = await seatsTaken(strapi, stored!.id);
    if (capacity < taken) {
      throw fieldError(
        MISSION,
        'capacity',
        `${taken} personnes ont déjà une place confirmée : annulez des participations avant de descendre à ${capacity}.`
      );
    }
  },

  async afterWrite(write) {
    await promote(write, write.stored!.id);
  },
};
