import type { Strapi, Values, WriteBatch, WriteContext, WriteRule } from '../types';
import { fieldError } from '../../core/errors';
import { isBefore } from '../rules/validation';
import { currentTarget, relationChange, RelationInput, resolveDocumentId } from '../rules/relations';
import { readOnce } from '../rules/once';
import { recomputeDuesPaidUntil } from './paid-until';
import { periodEndFor, todayInParis } from './period';
import { contributionDisplayName, personName } from '../../contract/display-names';

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

const MEMBER_NAME_FIELDS = ['displayName', 'firstName', 'lastName', 'memberNumber'];

/** The key of a member's name in a batch's `once` (read by contributionName, filled by readMemberNames). */
const memberNameKey = (documentId: string) => `${MEMBER}:name:${documentId}`;

/**
 * The names of the members of many contributions written together (createMany: a slice of an import),
 * in one query, where contributionName reads them (`once`); a member not found is read as none.
 */
const readMemberNames = async (batch: WriteBatch, records: Values[]) => {
  if (!batch.once) return;
  const wanted = new Set<string>();
  for (const record of records) {
    const documentId = relationChange(record.member)?.documentId;
    if (documentId) wanted.add(documentId);
  }
  if (!wanted.size) return;
  const ids = [...wanted];
  const found = new Map<string, Values>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await batch.strapi.db
      .query(MEMBER)
      .findMany({ where: { documentId: { $in: ids.slice(i, i + 500) } }, select: ['documentId', ...MEMBER_NAME_FIELDS] });
    for (const row of rows) found.set(row.documentId, row);
  }
  for (const documentId of ids) {
    const member = found.get(documentId) ?? null;
    await batch.once(memberNameKey(documentId), async () => member);
  }
};

/** A contribution's displayName, from its member and period as they will be after the write. */
const contributionName = async (write: WriteContext) => {
  const { strapi, data, merged } = write;
  delete data.displayName;
  // the period as the defaults just set it (in `data`); the member as a documentId (in `merged`)
  const period = {
    periodStart: 'periodStart' in data ? data.periodStart : merged.periodStart,
    periodEnd: 'periodEnd' in data ? data.periodEnd : merged.periodEnd,
    paidAt: 'paidAt' in data ? data.paidAt : merged.paidAt,
  };
  // many contributions written together (an import): read for the whole slice before (readMemberNames)
  const member = merged.member
    ? await readOnce(write, memberNameKey(merged.member), () =>
        strapi.db.query(MEMBER).findOne({ where: { documentId: merged.member }, select: MEMBER_NAME_FIELDS })
      )
    : null;
  data.displayName = contributionDisplayName(period, member);
};

/**
 * Sets again the displayName of the contributions of these members (documentIds): after a member is
 * renamed or contributions are moved from the member's side. Inside the current transaction when there is one.
 */
export const refreshContributionNames = async (strapi: Strapi, memberDocumentIds: string[]) => {
  const unique = [...new Set(memberDocumentIds.filter(Boolean))];
  if (!unique.length) return;
  const members = await strapi.db.query(MEMBER).findMany({
    where: { documentId: { $in: unique } },
    select: MEMBER_NAME_FIELDS,
    populate: { contributions: { select: ['id', 'displayName', 'periodStart', 'periodEnd', 'paidAt'] } },
  });
  for (const member of members) {
    for (const c of member.contributions ?? []) {
      const value = contributionDisplayName(c, member);
      if (value !== c.displayName) await strapi.db.query(CONTRIBUTION).update({ where: { id: c.id }, data: { displayName: value } });
    }
  }
};

/** Contributions written without a displayName (before it existed, or by a bulk insert): named once, at start-up. */
export const nameUnnamedContributions = async (strapi: Strapi) => {
  let named = 0;
  for (;;) {
    const rows = await strapi.db.query(CONTRIBUTION).findMany({
      where: { displayName: { $null: true } },
      select: ['id', 'periodStart', 'periodEnd', 'paidAt'],
      populate: { member: { select: MEMBER_NAME_FIELDS } },
      limit: 500,
    });
    if (!rows.length) return named;
    for (const c of rows)
      await strapi.db.query(CONTRIBUTION).update({ where: { id: c.id }, data: { displayName: contributionDisplayName(c, c.member) } });
    named += rows.length;
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
  prepareMany: readMemberNames,
  async prepare(write) {
    await contributionDefaults(write);
    await contributionName(write);
  },
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
// the list as the caller sent it, in any of Strapi's shapes
const contributionsMovedBy = async (strapi: Strapi, input: RelationInput) => {
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
const renamed = ({ action, stored, merged }: WriteContext) => action === 'update' && personName(stored) !== personName(merged);

export const memberDuesRules: WriteRule = {
  prepare({ data }) {
    delete data.duesPaidUntil;
  },
  // contributions moved, or the member renamed: their contributions' names follow
  needsTransaction: (write) => write.action !== 'delete' && (write.data.contributions !== undefined || renamed(write)),
  async beforeWrite(write) {
    if (write.data.contributions !== undefined)
      previousOwners.set(write, await contributionsMovedBy(write.strapi, write.data.contributions));
  },
  async afterWrite(write, result) {
    const touched = [...(previousOwners.get(write) ?? []), result?.documentId ?? write.documentId];
    if (write.data.contributions !== undefined) await recomputeDuesPaidUntil(write.strapi, touched);
    await refreshContributionNames(write.strapi, touched);
  },
};

/** A membership type's reminder days. */
export const membershipTypeRules: WriteRule = {
  check(write) {
    if (write.action !== 'delete') checkReminderDays(write.merged.reminderDays);
  },
};
