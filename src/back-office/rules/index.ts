import type { BackOfficeModule, Strapi } from '../types';
import { checkDeleteLeavesNoOrphans, checkFields, checkNoOrphans, checkRequiredRelations, CROSS_FIELD_RULES, fieldError, normalise } from './validation';
import { currentTarget, relationChange, resolveDocumentId } from './relations';
import { recomputeDuesPaidUntil } from '../dues/paid-until';
import { periodEndFor, todayInParis } from '../dues/period';
import { slugify } from '../../utils/slugify';
import { FIELD_STATUS_STATE } from '../../middlewares/field-status';
import { isPostgres } from '../sql';
import { isRehearsal } from './rehearsal';
import {
  DISPLAY_NAME_TYPES,
  displayNameOf,
  memberDisplayName,
  participationIdsOf,
  personName,
  refreshParticipationDisplayNames,
} from './display-names';

const MEMBER = 'api::member.member';
const CONTRIBUTION = 'api::contribution.contribution';
const PARTICIPATION = 'api::participation.participation';
/** The name left on the participations of a deleted member (who came stays counted, not who it was). */
const DELETED_MEMBER = 'Adhérent supprimé';

/** The stored record with the to-one relations the rules need, as documentIds. */
const loadStored = async (strapi: Strapi, uid: string, documentId: string, attributes: Record<string, any>) => {
  const toOne = Object.entries<any>(attributes)
    .filter(([, a]) => a.type === 'relation' && !a.relation.endsWith('ToMany'))
    .map(([f]) => f);
  const row = await strapi.db.query(uid as any).findOne({
    where: { documentId },
    populate: Object.fromEntries(toOne.map((f) => [f, { select: ['documentId'] }])),
  });
  if (!row) return null;
  for (const f of toOne) row[f] = row[f]?.documentId ?? null;
  return row;
};

/** Values the record will have after the write; to-one relations as documentIds. */
const mergeWrite = async (strapi: Strapi, stored: any, data: Record<string, any>, attributes: Record<string, any>) => {
  const merged: Record<string, any> = { ...(stored ?? {}) };
  for (const [field, value] of Object.entries(data)) {
    const attr = attributes[field];
    if (!attr) continue;
    if (attr.type === 'relation' && !attr.relation.endsWith('ToMany')) {
      const change = relationChange(value);
      if (change !== undefined) merged[field] = await resolveDocumentId(strapi, attr.target, change);
    } else if (attr.type !== 'relation') {
      merged[field] = value;
    }
  }
  return merged;
};

/** Members whose contributions a member write moves (connect/set on member.contributions). */
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

/** Whether a write changes a to-many list (the admin sends `{ connect: [], disconnect: [] }` for an untouched one). */
const listChanged = (input: any) =>
  input !== undefined &&
  (input === null || typeof input !== 'object' || Array.isArray(input) || Array.isArray(input.set) || !!input.connect?.length || !!input.disconnect?.length);

/** Fills in what the association expects to be automatic, before the checks. */
const prepare = async (strapi: Strapi, uid: string, data: Record<string, any>, merged: Record<string, any>, creating: boolean, cloning: boolean) => {
  // Derived from the names (display-names.ts), set after the checks: never taken from the caller.
  if (DISPLAY_NAME_TYPES.includes(uid)) delete data.displayName;
  if (uid === MEMBER) {
    // Derived: set only by recomputeDuesPaidUntil; the member number is given once, at creation
    // (a duplicated member gets a new one, never the original's).
    delete data.duesPaidUntil;
    if (!creating) delete data.memberNumber;
    // null: the next number, given at the write itself (nextMemberNumber)
    else if (cloning || data.memberNumber === undefined) data.memberNumber = null;
  }
  if (uid === CONTRIBUTION) {
    if (creating && !data.paidAt && !merged.paidAt) data.paidAt = todayInParis();
    const paidAt = data.paidAt ?? merged.paidAt;
    if ((creating || 'periodStart' in data) && !data.periodStart && !merged.periodStart) data.periodStart = paidAt;
    if ((creating || 'periodEnd' in data) && !data.periodEnd && !(cloning && !('periodEnd' in data) && merged.periodEnd)) {
      const start = data.periodStart ?? merged.periodStart ?? paidAt;
      const typeId = merged.membershipType;
      if (start && /^\d{4}-\d{2}-\d{2}$/.test(start)) {
        const type = typeId ? await strapi.db.query('api::membership-type.membership-type').findOne({ where: { documentId: typeId } }) : null;
        const association = await strapi.db.query('api::association.association').findOne({ select: ['fiscalYearStartMonth'] });
        data.periodEnd = periodEndFor(start, type?.durationMonths, association?.fiscalYearStartMonth ?? 1);
        if (creating && !data.amount && data.amount !== 0 && (merged.amount === null || merged.amount === undefined) && type) data.amount = type.amount;
      }
    }
  }
  if ((uid === 'api::article.article' || uid === 'api::mission.mission') && (creating || 'slug' in data) && !data.slug) {
    const title = data.title ?? merged.title;
    if (title) data.slug = await uniqueSlug(strapi, uid, slugify(title), merged.documentId);
  }
};

/** One creation at a time takes the next member number (PostgreSQL: a lock held until the commit). */
const MEMBER_NUMBER_LOCK = 7_310_001;

/**
 * The next member number, inside the transaction that creates the member: two members created at
 * the same moment (two bureau members at the association fair) never get the same number.
 */
const nextMemberNumber = async (strapi: Strapi, trx: any) => {
  if (isPostgres(strapi)) await trx.raw('SELECT pg_advisory_xact_lock(?)', [MEMBER_NUMBER_LOCK]);
  const last = await strapi.db.query(MEMBER).findOne({ select: ['memberNumber'], orderBy: { memberNumber: 'desc' }, where: { memberNumber: { $notNull: true } } });
  return (last?.memberNumber ?? 0) + 1;
};

const uniqueSlug = async (strapi: Strapi, uid: string, base: string, documentId?: string) => {
  for (let i = 1; ; i++) {
    const slug = i === 1 ? base : `${base}-${i}`;
    const where: any = { slug };
    if (documentId) where.documentId = { $ne: documentId };
    if (!(await strapi.db.query(uid as any).findOne({ where, select: ['id'] }))) return slug;
  }
};

const checkOneParticipationPerMember = async (strapi: Strapi, merged: Record<string, any>) => {
  if (!merged.member && !merged.lastName && !merged.email) {
    throw fieldError(PARTICIPATION, 'member', 'choisissez un adhérent, ou renseignez le nom et l\u2019e-mail de la personne.');
  }
  if (!merged.member || !merged.mission) return;
  const where: any = { member: { documentId: merged.member }, mission: { documentId: merged.mission } };
  if (merged.documentId) where.documentId = { $ne: merged.documentId };
  if ((await strapi.db.query(PARTICIPATION).findOne({ where, select: ['id'] })) && !isRehearsal()) {
    throw fieldError(PARTICIPATION, 'member', 'cet adhérent est déjà inscrit à cette mission.');
  }
};

/**
 * A duplicate (the admin's "Dupliquer", Document Service `clone`) is a creation from the original's
 * values: the original without its identity and derived fields, overwritten by what the caller sent.
 * One-to-many lists (a member's contributions, a mission's participations...) stay with the original:
 * copying them would move them to the duplicate.
 */
const cloneBase = (stored: Record<string, any>, attributes: Record<string, any>, data: Record<string, any>) => {
  const { id: _id, documentId: _documentId, createdAt: _c, updatedAt: _u, publishedAt: _p, ...base } = stored;
  for (const [field, attr] of Object.entries<any>(attributes)) {
    if (attr.type === 'relation' && attr.relation === 'oneToMany' && !(field in data)) data[field] = { set: [] };
  }
  return base;
};

/** Scalar values of a record (what checkFields reads), for checking a duplicate as a whole. */
const scalars = (record: Record<string, any>, attributes: Record<string, any>) =>
  Object.fromEntries(
    Object.entries(record).filter(([field]) => attributes[field] && !['relation', 'media', 'component', 'dynamiczone'].includes(attributes[field].type))
  );

/**
 * Every write to a content type, whatever its path (admin, content API, services), goes through
 * this document-service middleware: checks first (a refused write changes nothing), then the write,
 * then the derived fields.
 */
const rules: BackOfficeModule = {
  name: 'rules',
  register(strapi) {
    strapi.documents.use(async (ctx: any, next) => {
      const { uid, action } = ctx;
      if (!uid?.startsWith('api::') || !['create', 'update', 'delete', 'clone'].includes(action)) return next();
      const attributes = strapi.getModel(uid).attributes as Record<string, any>;
      const documentId: string | undefined = ctx.params?.documentId;

      if (action === 'delete') {
        if (documentId) await checkDeleteLeavesNoOrphans(strapi, uid, documentId, attributes);
        if (uid === MEMBER && documentId) {
          // the deleted member's participations stay (hours, attendance, statistics) but anonymous: those
          // without a name of their own read « Adhérent supprimé »; in the same transaction
          return strapi.db.transaction(async () => {
            const member = await strapi.db.query(MEMBER).findOne({ where: { documentId }, select: ['id'] });
            const participations = await participationIdsOf(strapi, member?.id);
            if (participations.length) {
              await strapi.db.query(PARTICIPATION).updateMany({
                where: { id: { $in: participations }, $and: [{ $or: [{ lastName: null }, { lastName: '' }] }, { $or: [{ firstName: null }, { firstName: '' }] }] },
                data: { lastName: DELETED_MEMBER },
              });
            }
            const result = await next();
            await refreshParticipationDisplayNames(strapi, participations);
            return result;
          });
        }
        if (uid !== CONTRIBUTION || !documentId) return next();
        // the write and the derived duesPaidUntil in one transaction: no reader ever sees one without the other
        return strapi.db.transaction(async () => {
          const owner = await currentTarget(strapi, uid, documentId, 'member');
          const result = await next();
          if (owner) await recomputeDuesPaidUntil(strapi, [owner]);
          return result;
        });
      }

      const cloning = action === 'clone';
      const creating = action === 'create' || cloning;
      const data: Record<string, any> = (ctx.params.data ??= {});
      const fieldStatus = strapi.requestContext.get()?.state?.[FIELD_STATUS_STATE];
      if (fieldStatus?.uid === uid && !('status' in data)) data.status = fieldStatus.value;
      const stored = action === 'create' ? null : documentId ? await loadStored(strapi, uid, documentId, attributes) : null;
      if (!stored && (cloning || (!creating && uid !== 'api::association.association'))) return next();

      normalise(uid, data, attributes);
      // a duplicate starts from the original's values, but is a new record (no documentId to exclude from the checks)
      const base = cloning ? cloneBase(stored, attributes, data) : stored;
      let merged = await mergeWrite(strapi, base, data, attributes);
      await prepare(strapi, uid, data, merged, creating, cloning);
      await checkFields(strapi, uid, cloning ? { ...scalars(base, attributes), ...data } : data, attributes, { creating, documentId: cloning ? undefined : stored?.documentId });
      await checkRequiredRelations(strapi, uid, data, attributes, creating, cloning ? merged : undefined);
      await checkNoOrphans(strapi, uid, data, attributes, creating ? undefined : stored?.documentId);
      merged = await mergeWrite(strapi, base, data, attributes);
      CROSS_FIELD_RULES[uid]?.(merged, uid);
      if (uid === PARTICIPATION) await checkOneParticipationPerMember(strapi, merged);
      if (DISPLAY_NAME_TYPES.includes(uid)) data.displayName = await displayNameOf(strapi, uid, merged);

      const affectedMembers: Array<string | null> = [];
      if (uid === CONTRIBUTION) affectedMembers.push(cloning ? null : stored?.member ?? null, merged.member);
      const membersOfResult = uid === MEMBER && (data.contributions !== undefined || cloning);
      if (uid === MEMBER && data.contributions !== undefined) affectedMembers.push(...(await contributionsMovedBy(strapi, data.contributions)));

      const numbering = uid === MEMBER && creating && data.memberNumber === null;
      // a member renamed, or participations moved to or from a member from its side: their displayName follows
      const participationsFollow = uid === MEMBER && !creating && (personName(stored) !== personName(merged) || listChanged(data.participations));
      if (!affectedMembers.length && !membersOfResult && !numbering && !participationsFollow) return next();
      // the write and the derived duesPaidUntil (or the member number, or the participations' names) in one
      // transaction: no reader ever sees one without the other
      return strapi.db.transaction(async ({ trx }: any) => {
        if (numbering) {
          data.memberNumber = await nextMemberNumber(strapi, trx);
          data.displayName = memberDisplayName({ ...merged, memberNumber: data.memberNumber });
        }
        const participations = participationsFollow ? await participationIdsOf(strapi, stored?.id) : [];
        const result = await next();
        if (membersOfResult) affectedMembers.push((result as any)?.documentId ?? (cloning ? null : documentId));
        if (affectedMembers.length) await recomputeDuesPaidUntil(strapi, affectedMembers);
        if (participationsFollow) await refreshParticipationDisplayNames(strapi, [...participations, ...(await participationIdsOf(strapi, stored?.id))]);
        return result;
      });
    });
  },
};

export default rules;
