import type { WriteContext, WriteRule } from '../types';
import { fieldError } from '../../core/errors';
import { slugFromTitle } from '../../core/slugs';
import { isBefore } from '../rules/validation';
import { isRehearsal } from '../rules/rehearsal';
import { MISSION, PARTICIPATION, missionCapacity, participationCapacity } from './capacity';

/** A mission cannot end before it starts. */
export const checkMissionDates = (mission: { startAt?: unknown; endAt?: unknown }) => {
  if (mission.startAt && mission.endAt && isBefore(mission.endAt, mission.startAt)) {
    throw fieldError(MISSION, 'endAt', 'la fin doit être postérieure ou égale au début.');
  }
};

/** A participation is someone's: a member, or a person with a name or an e-mail. */
export const checkParticipant = (participation: { member?: unknown; lastName?: unknown; email?: unknown }) => {
  if (!participation.member && !participation.lastName && !participation.email) {
    throw fieldError(PARTICIPATION, 'member', 'choisissez un adhérent, ou renseignez le nom et l\u2019e-mail de la personne.');
  }
};

/** One participation per member and mission. */
const checkOneParticipationPerMember = async ({ strapi, merged }: WriteContext) => {
  if (!merged.member || !merged.mission) return;
  const where: Record<string, unknown> = { member: { documentId: merged.member }, mission: { documentId: merged.mission } };
  if (merged.documentId) where.documentId = { $ne: merged.documentId };
  // a rehearsal (rules/rehearsal.ts) does the work of a real write, and is rolled back
  if ((await strapi.db.query(PARTICIPATION).findOne({ where, select: ['id'] })) && !isRehearsal()) {
    throw fieldError(PARTICIPATION, 'member', 'cet adhérent est déjà inscrit à cette mission.');
  }
};

/** A mission: its slug, its dates in order, its capacity; cancelled rather than deleted while people are on it. */
export const missionRules: WriteRule[] = [
  slugFromTitle,
  {
    deleteAdvice: 'ou passez la mission en « Annulée »',
    check(write) {
      if (write.action !== 'delete') checkMissionDates(write.merged);
    },
  },
  missionCapacity,
];

/** A participation: on a mission, someone's, once per member, within the mission's capacity. */
export const participationRules: WriteRule[] = [
  {
    requiredRelations: ['mission'],
    async check(write) {
      if (write.action === 'delete') return;
      checkParticipant(write.merged);
      await checkOneParticipationPerMember(write);
    },
  },
  participationCapacity,
];
