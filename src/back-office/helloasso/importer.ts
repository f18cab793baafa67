import type { DocumentData, Strapi, Values } from '../types';
import { isPostgres } from '../sql';
import { messageOf } from '../../core/errors';
import {
  indexDonor,
  indexMember,
  loadDonors,
  loadMembers,
  matchMember,
  memberLabel,
  sameName,
  findDonor,
  type DonorIndex,
  type MemberIndex,
  type PersonKeys,
} from '../imports/plan';
import type { SyncResult } from './contract';
import {
  beneficiaryOf,
  centsToEuros,
  donorOf,
  itemKey,
  itemStatus,
  parisDay,
  parseInstant,
  receiptedByHelloAsso,
  referenceOf,
  type HaItem,
  type HaOrder,
  type HaPerson,
} from './orders';

/**
 * One HelloAsso order made into the association's records, each order in its own transaction, each
 * item (keyed by its type and id) imported once whatever the path (hourly synchronisation, « Synchroniser »,
 * a notification): a membership becomes a contribution of its beneficiary, a donation a donation of
 * the payer, an event ticket a participation in the mapped mission (through the capacity rule); a
 * refund marks what the item produced as refunded (cancelled for a participation), never deleted.
 * A beneficiary who could be several members waits in the review list: nothing is written for them.
 */

export const ITEM = 'api::helloasso-item.helloasso-item';
export const FORM = 'api::helloasso-form.helloasso-form';
const MEMBER = 'api::member.member';
const CONTRIBUTION = 'api::contribution.contribution';
const DONOR = 'api::donor.donor';
const DONATION = 'api::donation.donation';
const PARTICIPATION = 'api::participation.participation';

/** What a synchronisation (or one item) did, as the admin page shows it. */
export type SyncCounts = SyncResult;
export const emptyCounts = (): SyncCounts => ({
  created: { members: 0, contributions: 0, donors: 0, donations: 0, participations: 0 },
  updated: 0,
  refunded: 0,
  toReview: 0,
  errors: [],
});
const addCounts = (into: SyncCounts, from: SyncCounts) => {
  for (const k of Object.keys(into.created) as Array<keyof SyncCounts['created']>) into.created[k] += from.created[k];
  into.updated += from.updated;
  into.refunded += from.refunded;
  into.toReview += from.toReview;
  into.errors.push(...from.errors);
};

export interface FormMapping {
  kind: 'membership' | 'donation' | 'mission' | 'ignored';
  membershipType: string | null;
  campaign: string | null;
  mission: string | null;
  title: string | null;
}

/** What an import reads once for many orders: the people (for the matching rule), the forms' mappings. */
export interface ImportContext {
  strapi: Strapi;
  members: MemberIndex;
  donors: DonorIndex;
  mappings: Map<string, FormMapping>;
}

export const formKey = (formType: string | null | undefined, formSlug: string | null | undefined) => `${formType ?? ''}:${formSlug ?? ''}`;

export const loadMappings = async (strapi: Strapi) => {
  const rows = await strapi.db.query(FORM).findMany({});
  return new Map<string, FormMapping>(
    rows.map((r: Values) => [
      formKey(r.formType, r.formSlug),
      {
        kind: r.kind,
        membershipType: r.membershipType ?? null,
        campaign: r.campaign ?? null,
        mission: r.mission ?? null,
        title: r.title ?? null,
      },
    ])
  );
};

export const loadContext = async (strapi: Strapi): Promise<ImportContext> => ({
  strapi,
  members: await loadMembers(strapi),
  donors: await loadDonors(strapi),
  mappings: await loadMappings(strapi),
});

/** The imported items of these keys, as stored (one query). */
export const knownItems = async (strapi: Strapi, keys: string[]) => {
  const found = new Map<string, Values>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await strapi.db
      .query(ITEM)
      .findMany({ where: { key: { $in: keys.slice(i, i + 500) } }, select: ['id', 'documentId', 'key', 'state', 'produced'] });
    for (const r of rows) found.set(r.key, r);
  }
  return found;
};

/** One lock for every write of an imported item (PostgreSQL; SQLite has one writer): the check and the write are one step. */
const ITEMS_LOCK = 740_211_913;

/** One transaction holding the items' lock: what `fn` writes is all kept, or nothing. */
const inItemsTransaction = (strapi: Strapi, fn: () => Promise<void>) =>
  strapi.db.transaction(async ({ trx }) => {
    if (isPostgres(strapi)) {
      await trx.raw('SELECT pg_advisory_xact_lock(?)', [ITEMS_LOCK]);
      // No wait for the disk at each commit: a crash can only lose the last orders committed, together
      // (the log is written in order), and before the run's record that moves the cursor past them
      // (committed normally): the next synchronisation imports them again.
      await trx.raw('SET LOCAL synchronous_commit TO OFF');
    }
    await fn();
  });

// ---------------------------------------------------------------- people

export type PersonMatch = { member: Values } | { member: null } | { review: string; candidates: Values[] };

/**
 * The beneficiary's member record, by THE matching rule of the imports (imports/plan.ts matchMember),
 * then with first and last names swapped; a contradiction or several records make a review.
 */
export const findBeneficiary = (index: MemberIndex, p: PersonKeys): PersonMatch => {
  const { byNumber, byEmail, byName, member } = matchMember(index, p);
  const swapped = { lastName: p.firstName, firstName: p.lastName };
  if (byNumber && byEmail && byNumber !== byEmail) {
    return {
      review: `le n° d’adhérent ${p.memberNumber} est ${memberLabel(byNumber)}, mais l’e-mail ${p.email} est celui de ${memberLabel(byEmail)}`,
      candidates: [byNumber, byEmail],
    };
  }
  if (!byNumber && byEmail && !sameName(byEmail, p) && !sameName(byEmail, swapped)) {
    return {
      review: `l’e-mail ${p.email} est celui de ${memberLabel(byEmail)}, une autre personne (adresse partagée ?)`,
      candidates: [byEmail, ...byName],
    };
  }
  if (member) return { member };
  if (byName.length > 1)
    return { review: `${byName.length} adhérents portent ce nom : choisissez le bon, ou créez une nouvelle fiche`, candidates: byName };
  const other = matchMember(index, { ...swapped, birthDate: p.birthDate }).byName;
  if (other.length === 1) return { member: other[0] };
  if (other.length > 1)
    return {
      review: `${other.length} adhérents portent ce nom (prénom et nom inversés) : choisissez le bon, ou créez une nouvelle fiche`,
      candidates: other,
    };
  return { member: null };
};

const MEMBER_SELECT = ['documentId', 'displayName', 'memberNumber', 'email', 'lastName', 'firstName', 'birthDate'];

const createMember = async (ctx: ImportContext, person: HaPerson, joinedAt: string | null, counts: SyncCounts, added: Values[]) => {
  const created = await ctx.strapi.documents(MEMBER).create({
    data: {
      firstName: person.firstName || '(inconnu)',
      lastName: person.lastName || '(inconnu)',
      // an e-mail belongs to one member: one already taken (the reason of a review) is left out
      email: person.email && !ctx.members.byEmail.has(person.email) ? person.email : null,
      phone: person.phone,
      birthDate: person.birthDate,
      address: person.address,
      postalCode: person.postalCode,
      city: person.city,
      ...(person.country ? { country: person.country } : {}),
      origin: 'HelloAsso',
      joinedAt,
    },
  });
  counts.created.members += 1;
  const row = Object.fromEntries(MEMBER_SELECT.map((f) => [f, (created as Values)[f] ?? null]));
  indexMember(ctx.members, row);
  added.push(row);
  return row;
};

const FILLED = ['email', 'phone', 'birthDate', 'address', 'postalCode', 'city'] as const;

/**
 * What HelloAsso knows and the member's record does not (an e-mail, a phone, a birth date, an address):
 * written on the record, never over a stored value; an e-mail another member already has is left out.
 */
const fillBlanks = async (ctx: ImportContext, member: Values, person: HaPerson, counts: SyncCounts) => {
  const stored = await ctx.strapi.db.query(MEMBER).findOne({ where: { documentId: member.documentId }, select: [...FILLED] });
  if (!stored) return;
  const data: Values = {};
  for (const field of FILLED) if (!stored[field] && person[field]) data[field] = person[field];
  if (data.email && ctx.members.byEmail.has(String(data.email).toLowerCase())) delete data.email;
  if (!Object.keys(data).length) return;
  await ctx.strapi.documents(MEMBER).update({ documentId: member.documentId, data });
  if (data.email) ctx.members.byEmail.set(String(data.email).toLowerCase(), member);
  counts.updated += 1;
};

// ---------------------------------------------------------------- items

/** How a review or its resolution forces the beneficiary. */
export interface Forced {
  member?: string;
  createMember?: boolean;
  donor?: string;
  createDonor?: boolean;
}

/** The item types whose person is the payer as a donor (their review's candidates are donors). */
export const DONATION_TYPES = ['Donation', 'MonthlyDonation'];

interface ItemWrite {
  state: 'imported' | 'review' | 'refunded' | 'ignored';
  produced?: Record<string, string>;
  reason?: string | null;
  /** the beneficiary, or the payer as a donor */
  person?: HaPerson | ReturnType<typeof donorOf> | null;
  candidates?: string[] | null;
}

const itemRecord = (order: HaOrder, item: HaItem, key: string, write: ItemWrite): Values => ({
  key,
  itemType: item.type ?? null,
  itemId: String(item.id),
  orderId: String(order.id),
  formType: order.formType ?? null,
  formSlug: order.formSlug ?? null,
  orderDate: parseInstant(order.date),
  amount: centsToEuros(item.amount),
  tier: item.name ? String(item.name).slice(0, 255) : null,
  state: write.state,
  reason: write.reason ?? null,
  produced: write.produced ?? {},
  person: write.person ?? null,
  candidates: write.candidates ?? null,
  orderData: write.state === 'review' ? order : null,
});

/** What one item does, inside its order's transaction (the item's key checked again under the lock). */
const importItem = async (ctx: ImportContext, order: HaOrder, item: HaItem, counts: SyncCounts, added: Values[], forced?: Forced) => {
  const { strapi } = ctx;
  const key = itemKey(item);
  const stored = await strapi.db.query(ITEM).findOne({ where: { key }, select: ['id', 'state', 'produced'] });
  const status = itemStatus(order, item);
  const save = async (write: ItemWrite) => {
    const data = itemRecord(order, item, key, write);
    if (stored) await strapi.db.query(ITEM).update({ where: { id: stored.id }, data });
    else await strapi.db.query(ITEM).create({ data });
  };

  if (stored) {
    if (status === 'refunded') return markRefunded(ctx, stored, counts);
    if (!(forced && stored.state === 'review')) return;
  }
  if (status === 'pending' || status === 'void') return;
  if (status === 'refunded')
    return save({ state: 'refunded', reason: 'remboursé sur HelloAsso avant la synchronisation : rien n’a été enregistré' });

  const mapping = ctx.mappings.get(formKey(order.formType, order.formSlug)) ?? null;
  if (mapping?.kind === 'ignored') return save({ state: 'ignored', reason: 'formulaire ignoré (page HelloAsso, « Formulaires »)' });
  const paidAt = parisDay(itemPaymentDate(order, item)) ?? parisDay(order.date);
  const reference = referenceOf(order, item);
  const formTitle = mapping?.title ?? order.formName ?? order.formSlug ?? '';
  const type = String(item.type ?? '');

  if (DONATION_TYPES.includes(type)) {
    const payer = donorOf(order);
    let donor: Values | null = null;
    if (forced?.donor) {
      donor = await strapi.db.query(DONOR).findOne({ where: { documentId: forced.donor }, select: ['documentId'] });
    } else if (!forced?.createDonor) {
      // the first of e-mail, company, name that finds someone; several donors found that way: the treasurer chooses
      const found = findDonor(ctx.donors, payer, '').donors as Values[];
      if (found.length > 1) {
        if (stored) return;
        counts.toReview += 1;
        const reason = `${found.length} donateurs correspondent (${payer.email && ctx.donors.byEmail.has(payer.email) ? 'même e-mail' : payer.companyName ? 'même raison sociale' : 'même nom, aucun e-mail pour les départager'}) : choisissez le bon, ou créez une nouvelle fiche`;
        return save({ state: 'review', reason, person: payer, candidates: [...new Set(found.map((d) => d.documentId as string))] });
      }
      donor = found[0] ?? null;
    }
    if (!donor) {
      donor = await strapi.documents(DONOR).create({ data: { ...payer, country: payer.country ?? undefined } as DocumentData });
      counts.created.donors += 1;
      const row = {
        documentId: donor.documentId,
        kind: payer.kind,
        email: payer.email,
        companyName: payer.companyName,
        lastName: payer.lastName,
        firstName: payer.firstName,
      };
      indexDonor(ctx.donors, row);
      added.push({ donor: row });
    }
    const donation = await strapi.documents(DONATION).create({
      data: {
        donor: donor.documentId,
        amount: centsToEuros(item.amount),
        receivedAt: paidAt,
        method: 'helloasso',
        nature: 'cash',
        campaign: mapping?.kind === 'donation' ? mapping.campaign : null,
        reference,
        receiptedElsewhere: receiptedByHelloAsso(order, item),
        notes: `HelloAsso : ${formTitle}${item.name ? ` (${item.name})` : ''}`,
      },
    });
    counts.created.donations += 1;
    return save({ state: 'imported', produced: { donor: donor.documentId, donation: donation.documentId } });
  }

  if (type === 'Membership') {
    const person = beneficiaryOf(order, item);
    let member: Values | null = null;
    if (forced?.member) {
      member = await strapi.db.query(MEMBER).findOne({ where: { documentId: forced.member }, select: MEMBER_SELECT });
    } else if (!forced?.createMember) {
      const match = findBeneficiary(ctx.members, person);
      if ('review' in match) {
        if (stored) return;
        counts.toReview += 1;
        return save({
          state: 'review',
          reason: match.review,
          person,
          candidates: [...new Set(match.candidates.map((m) => m.documentId as string))],
        });
      }
      member = match.member;
    }
    if (!member) member = await createMember(ctx, person, paidAt, counts, added);
    else await fillBlanks(ctx, member, person, counts);
    const membershipType = mapping?.kind === 'membership' ? mapping.membershipType : null;
    const contribution = await strapi.documents(CONTRIBUTION).create({
      data: {
        member: member.documentId,
        ...(membershipType ? { membershipType } : {}),
        amount: centsToEuros(item.amount),
        paidAt,
        paymentMethod: 'helloasso',
        reference,
        notes: `HelloAsso : ${formTitle}${item.name ? ` (${item.name})` : ''}`,
      },
    });
    counts.created.contributions += 1;
    return save({ state: 'imported', produced: { member: member.documentId, contribution: contribution.documentId }, person });
  }

  if (type === 'Registration' && mapping?.kind === 'mission' && mapping.mission) {
    const person = beneficiaryOf(order, item);
    const match = findBeneficiary(ctx.members, person);
    const member = 'member' in match ? match.member : null;
    const participation = await strapi.documents(PARTICIPATION).create({
      data: {
        mission: mapping.mission,
        ...(member ? { member: member.documentId } : {}),
        firstName: person.firstName || null,
        lastName: person.lastName || null,
        email: person.email,
        phone: person.phone,
        status: 'confirmed',
        source: 'helloasso',
        notes: `Billet HelloAsso ${item.name ?? ''} (${centsToEuros(item.amount).replace('.', ',')} €), commande ${order.id}`,
      },
    });
    counts.created.participations += 1;
    if (participation.status === 'waitlisted' && item.amount) {
      const flag = `⚠ BILLET PAYÉ, MISSION COMPLÈTE : mis en liste d’attente, à traiter (place à trouver ou remboursement sur HelloAsso). ${participation.notes ?? ''}`;
      await strapi.documents(PARTICIPATION).update({ documentId: participation.documentId, data: { notes: flag } });
      counts.errors.push(
        `${person.firstName} ${person.lastName} : billet payé pour « ${formTitle} », mission complète : inscrit en liste d’attente, à traiter par la personne responsable des bénévoles.`
      );
    }
    return save({
      state: 'imported',
      produced: { participation: participation.documentId, ...(member ? { member: member.documentId } : {}) },
      person,
    });
  }
  // another kind of item (a shop item, an extra payment), or a ticket of a form linked to no mission: left aside
};

/** The date of the first authorised payment of an item (the day the money came), else the order's. */
const itemPaymentDate = (order: HaOrder, item: HaItem) => {
  const ids = new Set((item.payments ?? []).map((p) => String(p.id)));
  const payment = (order.payments ?? []).find((p) => (!ids.size || ids.has(String(p.id))) && p.state === 'Authorized' && p.date);
  return payment?.date ?? order.date ?? null;
};

/**
 * THE refund of an imported item, whichever way it is learnt (its order read again, or the catch-up of
 * refunded payments): what the item produced is kept, marked refunded (cancelled for a participation);
 * an item still waiting for review is closed without anything written. An item already refunded or
 * ignored is left as it is (counted once).
 */
const markRefunded = async (ctx: ImportContext, stored: Values, counts: SyncCounts) => {
  const { strapi } = ctx;
  if (stored.state === 'review') {
    await strapi.db.query(ITEM).update({
      where: { id: stored.id },
      data: { state: 'refunded', reason: 'remboursé sur HelloAsso avant d’être vérifié : rien n’a été enregistré', orderData: null },
    });
    counts.refunded += 1;
    return;
  }
  if (stored.state !== 'imported') return;
  const produced = (stored.produced ?? {}) as Record<string, string>;
  if (produced.contribution) await strapi.documents(CONTRIBUTION).update({ documentId: produced.contribution, data: { refunded: true } });
  if (produced.donation) await strapi.documents(DONATION).update({ documentId: produced.donation, data: { refunded: true } });
  if (produced.participation)
    await strapi.documents(PARTICIPATION).update({ documentId: produced.participation, data: { status: 'cancelled' } });
  await strapi.db
    .query(ITEM)
    .update({ where: { id: stored.id }, data: { state: 'refunded', reason: 'remboursé ou annulé sur HelloAsso' } });
  counts.refunded += 1;
};

/**
 * The keys of the items, imported or waiting for review, that these refunded payments pay (a payment's own
 * items, else every item of its order), in one query.
 */
export const unrefundedItems = async (
  strapi: Strapi,
  payments: Array<{ order?: { id: number | string }; items?: Array<{ id: number | string }> }>
) => {
  const paid = new Map<string, Set<string> | null>();
  for (const p of payments) {
    if (p.order?.id === undefined || p.order?.id === null) continue;
    const orderId = String(p.order.id);
    const ids = (p.items ?? []).map((i) => String(i.id));
    const seen = paid.get(orderId);
    if (!ids.length || seen === null) paid.set(orderId, null);
    else paid.set(orderId, new Set([...(seen ?? []), ...ids]));
  }
  const keys: string[] = [];
  const orderIds = [...paid.keys()];
  for (let i = 0; i < orderIds.length; i += 500) {
    const rows = await strapi.db.query(ITEM).findMany({
      where: { orderId: { $in: orderIds.slice(i, i + 500) }, state: { $in: ['imported', 'review'] } },
      select: ['key', 'orderId', 'itemId'],
    });
    for (const r of rows as Values[]) {
      const items = paid.get(String(r.orderId));
      if (items === null || items?.has(String(r.itemId))) keys.push(String(r.key));
    }
  }
  return keys;
};

/**
 * The refund of items learnt from HelloAsso's refunded payments (an order too old to be read again):
 * each item in its own transaction, read again under the lock, through the same refund as an order's.
 * False when one failed (the failure is in `counts.errors`).
 */
export const refundItems = async (ctx: ImportContext, keys: string[], counts: SyncCounts) => {
  let ok = true;
  for (const key of keys) {
    const local = emptyCounts();
    try {
      await inItemsTransaction(ctx.strapi, async () => {
        const stored = await ctx.strapi.db.query(ITEM).findOne({ where: { key }, select: ['id', 'state', 'produced'] });
        if (stored) await markRefunded(ctx, stored, local);
      });
      addCounts(counts, local);
    } catch (e) {
      ok = false;
      counts.errors.push(`Remboursement HelloAsso de l’élément ${key.replace(/^.*:/, '')} non enregistré : ${messageOf(e)}`);
    }
  }
  return ok;
};

/** Whether an order has anything to do: an item never seen (and paid or refunded), or an imported item now refunded. */
export const orderNeedsWork = (order: HaOrder, known: Map<string, Values>) =>
  (order.items ?? []).some((item) => {
    const stored = known.get(itemKey(item));
    const status = itemStatus(order, item);
    if (!stored) return status === 'paid' || status === 'refunded';
    return status === 'refunded' && (stored.state === 'imported' || stored.state === 'review');
  });

/**
 * Imports one order in ONE transaction: everything it writes, or nothing (the failure is added to
 * `counts.errors`, in French, and false is returned). `only`: the key of the one item to import (a review).
 */
export const importOrder = async (
  ctx: ImportContext,
  order: HaOrder,
  counts: SyncCounts,
  options: { only?: string; forced?: Forced } = {}
) => {
  const { strapi } = ctx;
  const local = emptyCounts();
  const added: Values[] = [];
  try {
    await inItemsTransaction(strapi, async () => {
      for (const item of order.items ?? []) {
        if (options.only && itemKey(item) !== options.only) continue;
        await importItem(ctx, order, item, local, added, options.forced);
      }
    });
    addCounts(counts, local);
    return true;
  } catch (e) {
    // rolled back: the people indexed meanwhile do not exist
    if (added.length) {
      ctx.members = await loadMembers(strapi);
      ctx.donors = await loadDonors(strapi);
    }
    counts.errors.push(`Commande HelloAsso ${order.id} non importée : ${messageOf(e)}`);
    return false;
  }
};
