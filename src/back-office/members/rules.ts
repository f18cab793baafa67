import type { WriteContext, WriteRule } from '../types';
import { nextNumber, reserveNumbers } from '../../core/numbering';
import type { RelationInput } from '../rules/relations';
import {
  displayNameOf,
  memberDisplayName,
  MEMBER,
  PARTICIPATION,
  participationIdsOf,
  participationIdsOfMany,
  personName,
  refreshParticipationDisplayNames,
} from './display-names';

/** The name left on the participations of a deleted member (who came stays counted, not who it was). */
export const DELETED_MEMBER = 'Adhérent supprimé';

/** Member numbers: one series, never restarted, never reused. */
export const MEMBER_NUMBERS = { uid: MEMBER, field: 'memberNumber' };

/** Whether a write changes a to-many list (the admin sends `{ connect: [], disconnect: [] }` for an untouched one). */
// the list as the caller sent it, in any of Strapi's shapes
export const listChanged = (input: RelationInput) =>
  input !== undefined &&
  (input === null ||
    typeof input !== 'object' ||
    Array.isArray(input) ||
    Array.isArray(input.set) ||
    !!input.connect?.length ||
    !!input.disconnect?.length);

/** What a member write does besides itself: the number to take, the participations whose name follows. */
const plan = (write: WriteContext) => {
  const { creating, action, data, stored, merged } = write;
  return {
    numbering: creating && data.memberNumber === null,
    // a member renamed, or participations moved to or from a member from its side: their displayName follows
    participationsFollow: action === 'update' && (personName(stored) !== personName(merged) || listChanged(data.participations)),
    anonymising: action === 'delete',
  };
};

/**
 * A deleted member's participations stay (hours, attendance, statistics) but anonymous: those without
 * a name of their own read « Adhérent supprimé ».
 */
const anonymise = async (strapi: WriteContext['strapi'], ids: number[]) => {
  for (let i = 0; i < ids.length; i += 500) {
    await strapi.db.query(PARTICIPATION).updateMany({
      where: {
        id: { $in: ids.slice(i, i + 500) },
        $and: [{ $or: [{ lastName: null }, { lastName: '' }] }, { $or: [{ firstName: null }, { firstName: '' }] }],
      },
      data: { lastName: DELETED_MEMBER },
    });
  }
};

/** The participations of members deleted together, read before the deletion (for afterWriteMany). */
const participationsBeforeMany = new WeakMap<WriteContext[], number[]>();

/** The participations the write touches, read inside its transaction before the write (for afterWrite). */
const participationsBefore = new WeakMap<WriteContext, number[]>();

/**
 * A member: its number (given once, at creation, in the order of creation, never the original's for a
 * duplicate), its display name, and its participations kept right when it is renamed or deleted.
 */
export const memberRules: WriteRule = {
  prepare({ data, merged, stored, creating, cloning }) {
    // derived, never taken from the caller; the number is given once, at creation
    delete data.displayName;
    if (!creating) delete data.memberNumber;
    // null: the next number, taken in the write's transaction (beforeWrite)
    else if (cloning || data.memberNumber === undefined) data.memberNumber = null;
    data.displayName = memberDisplayName({ ...merged, memberNumber: creating ? data.memberNumber : stored?.memberNumber });
  },

  needsTransaction: (write) => Object.values(plan(write)).some(Boolean),

  async beforeWrite(write) {
    const { strapi, trx, data, merged, stored } = write;
    const { numbering, participationsFollow, anonymising } = plan(write);
    if (numbering) {
      // two members created at the same moment (two bureau members at the association fair) never get the same number
      data.memberNumber = await nextNumber(strapi, trx, MEMBER_NUMBERS);
      data.displayName = memberDisplayName({ ...merged, memberNumber: data.memberNumber });
    }
    if (participationsFollow || anonymising) participationsBefore.set(write, await participationIdsOf(strapi, stored?.id));
    if (anonymising) await anonymise(strapi, participationsBefore.get(write)!);
  },

  /**
   * Many members written together (an import, and its undoing). Created: one block of numbers reserved
   * in one go, given in the order of the writes, gap-free and after the existing ones. Deleted: their
   * participations kept anonymous, as for one. A renamed member goes through beforeWrite.
   */
  async beforeWriteMany(writes) {
    if (writes.some((w) => w.action !== 'create' && w.action !== 'delete'))
      throw new Error('memberRules.beforeWriteMany : créations ou suppressions.');
    const deleting = writes.filter((w) => plan(w).anonymising);
    if (deleting.length) {
      const ids = await participationIdsOfMany(
        deleting[0].strapi,
        deleting.map((w) => w.stored!.id as number)
      );
      participationsBeforeMany.set(writes, ids);
      await anonymise(deleting[0].strapi, ids);
    }
    const numbering = writes.filter((w) => plan(w).numbering);
    if (!numbering.length) return;
    const { strapi, trx } = numbering[0];
    // after the stored numbers, and after those the batch brings itself (a file that keeps its own numbers)
    const given = writes.map((w) => w.data.memberNumber).filter((n): n is number => Number.isInteger(n));
    const reserved = await reserveNumbers(strapi, trx, MEMBER_NUMBERS, numbering.length);
    const first = given.reduce((max, n) => Math.max(max, n + 1), reserved);
    numbering.forEach((write, i) => {
      write.data.memberNumber = first + i;
      write.data.displayName = memberDisplayName({ ...write.merged, memberNumber: write.data.memberNumber });
    });
  },

  // a new member has no participations yet; a deleted one's keep their own name, or « Adhérent supprimé »
  async afterWriteMany(writes) {
    const before = participationsBeforeMany.get(writes);
    if (before?.length) await refreshParticipationDisplayNames(writes[0].strapi, before);
  },

  async afterWrite(write) {
    const before = participationsBefore.get(write);
    if (!before) return;
    const after = write.action === 'delete' ? [] : await participationIdsOf(write.strapi, write.stored?.id);
    await refreshParticipationDisplayNames(write.strapi, [...before, ...after]);
  },
};

/** A participation is shown by its member's name, else by the person's own (never by a name sent by the caller). */
export const participationNameRule: WriteRule = {
  async prepare(write) {
    delete write.data.displayName;
    write.data.displayName = await displayNameOf(write.strapi, PARTICIPATION, write.merged);
  },
};
