import type { Strapi, WriteContext, WriteRule } from '../types';
import { fieldError } from '../../core/errors';
import { isBefore } from '../rules/validation';
import { currentTarget, resolveDocumentId } from '../rules/relations';
import { readOnce } from '../rules/once';
import { recomputeDuesPaidUntil } from './paid-until';
import { periodEndFor, todayInParis } from './period';

export const MEMBER = 'api::member.member';
export const CONTRIBUTION = 'api::contribution.contribution';
export const MEMBERSHIP_TYPE = 'api::membership-type.membership-type';

const isDay = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** A contribution's period cannot end before it starts. */
export const checkContributionPeriod = (contribution: { periodStart?: unknown; periodEnd?: unknown }) => {
  if (contribution.periodStart && contribution.periodEnd && isBefore(contribution.periodEnd, contribution.periodStart)) {
    throw fieldError(CONTRIBUTION, 'periodEnd', 'la fin de période doit être postérieure ou égale au début de période.');
  }
};

/** A membership type's reminder days: whole numbers of days around the expiry, within a year. */
export const checkReminderDays = (days: unknown) => {
  if (days === null || days === undefined) return;
  if (!Array.isArray(days) || days.some((d) => !Number.isInteger(d) || d < -365 || d > 365)) {
    throw fieldError(MEMBERSHIP_TYPE, 'reminderDays', 'une liste de nombres entiers de jours, entre -365 et 365 (ex. [30, 7, 0, -30]).');
  }
};

/**
 * What the treasurer does not have to type: paid today, a period starting on the payment, ending
 * as the membership type says (its duration, else the end of the fiscal year), and the type's amount.
 */
const contributionDefaults = async (write: WriteContext) => {
  const { strapi, data, merged, creating, cloning } = write;
  if (creating && !data.paidAt && !merged.paidAt) data.paidAt = todayInParis();
  const paidAt = data.paidAt ?? merged.paidAt;
  if ((creating || 'periodStart' in data) && !data.periodStart && !merged.periodStart) data.periodStart = paidAt;
  // a duplicate keeps the original's period end unless the caller changes it
  if ((creating || 'periodEnd' in data) && !data.periodEnd && !(cloning && !('periodEnd' in data) && merged.periodEnd)) {
    const start = data.periodStart ?? merged.periodStart ?? paidAt;
    if (!isDay(start)) return;
    const type = merged.membershipType
      ? await readOnce(write, `${MEMBERSHIP_TYPE}:${merged.membershipType}`, () =>
          strapi.db.query(MEMBERSHIP_TYPE).findOne({ where: { documentId: merged.membershipType } })
        )
      : null;
    const association = await readOnce(write, 'association:fiscalYearStartMonth', () =>
      strapi.db.query('api::association.association').findOne({ select: ['fiscalYearStartMonth'] })
    );
    data.periodEnd = periodEndFor(start, type?.durationMonths, association?.fiscalYearStartMonth ?? 1);
    if (creating && !data.amount && data.amount !== 0 && (merged.amount === null || merged.amount === undefined) && type)
      data.amount = type.amount;
  }
};

/** The members whose duesPaidUntil a contribution write changes: its member before and after. */
const ownersOf = ({ stored, merged }: WriteContext) => [stored?.member ?? null, merged.member ?? null].filter(Boolean) as string[];

/**
 * A contribution: its defaults, its period in order, its member required, and the member's
 * duesPaidUntil recomputed in the same transaction as the write (never seen out of date).
 */
export const contributionRules: WriteRule = {
  requiredRelations: ['member'],
  prepare: contributionDefaults,
  check(write) {
    if (write.action !== 'delete') checkContributionPeriod(write.merged);
  },
  needsTransaction: (write) => write.action === 'delete' || ownersOf(write).length > 0,
  async afterWrite(write) {
    await recomputeDuesPaidUntil(write.strapi, ownersOf(write));
  },
  // many contributions written together (an import): each touched member recomputed once
  async afterWriteMany(writes) {
    if (writes.length) await recomputeDuesPaidUntil(writes[0].strapi, writes.flatMap(ownersOf));
  },
};

/** Members whose contributions a member write takes or lets go (connect/set/disconnect on member.contributions). */
// any: the list as the caller sent it, in any of Strapi's shapes
const contributionsMovedBy = async (strapi: Strapi, input: any) => {
  if (!input || typeof input !== 'object') return [];
  const items = Array.isArray(input) ? input : [...(input.connect ?? []), ...(input.set ?? []), ...(input.disconnect ?? [])];
  const owners: string[] = [];
  for (const item of items) {
    const ref = typeof item === 'object' ? item : typeof item === 'number' ? { id: item } : { documentId: item };
    const docId = await resolveDocumentId(strapi, CONTRIBUTION, ref);
    if (docId) owners.push(await currentTarget(strapi, CONTRIBUTION, docId, 'member'));
  }
  return owners;
};

/** The previous owners of the contributions a member write moves, read before the write (for afterWrite). */
const previousOwners = new WeakMap<WriteContext, string[]>();

/**
 * A member's duesPaidUntil is derived, never typed: recomputed when contributions are moved from the
 * member's side (its « Cotisations » list), for the member and the contributions' previous owners.
 */
export const memberDuesRules: WriteRule = {
  prepare({ data }) {
    delete data.duesPaidUntil;
  },
  needsTransaction: ({ action, data }) => action !== 'delete' && data.contributions !== undefined,
  async beforeWrite(write) {
    previousOwners.set(write, await contributionsMovedBy(write.strapi, write.data.contributions));
  },
  async afterWrite(write, result) {
    await recomputeDuesPaidUntil(write.strapi, [...(previousOwners.get(write) ?? []), result?.documentId ?? write.documentId]);
  },
};

/** A membership type's reminder days. */
export const membershipTypeRules: WriteRule = {
  check(write) {
    if (write.action !== 'delete') checkReminderDays(write.merged.reminderDays);
  },
};
