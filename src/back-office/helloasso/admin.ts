import type { Strapi, Values } from '../types';
import { badRequest, conflict, messageOf, notFound } from '../../core/errors';
import { HelloAssoClient, isConfigured } from './client';
import { DONATION_TYPES, FORM, ITEM, emptyCounts, formKey, importOrder, loadContext, type Forced, type SyncCounts } from './importer';
import { centsToEuros } from './orders';
import { SYNC, lastSyncs, withRun } from './sync';
import type { CandidateKind, FormsState, HelloAssoForm, Review, Status } from './contract';

/**
 * What the HelloAsso page of the admin panel reads and does: the connection's status, the forms and
 * what each becomes, the review list and its resolution. The contract of these answers is shared with
 * the page (contract.ts).
 */

const MEMBER = 'api::member.member';
const DONOR = 'api::donor.donor';
const TYPE = 'api::membership-type.membership-type';
const MISSION = 'api::mission.mission';
const KINDS = ['membership', 'donation', 'mission', 'ignored'] as const;
type Kind = (typeof KINDS)[number];

export const status = async (strapi: Strapi): Promise<Status> => {
  const client = new HelloAssoClient(strapi);
  const configured = isConfigured(client.settings);
  let connected = false;
  let error: string | null = null;
  if (configured) {
    try {
      await client.accessToken();
      connected = true;
    } catch (e) {
      error = messageOf(e);
    }
  } else {
    error =
      'HelloAsso n’est pas configuré : renseignez HELLOASSO_CLIENT_ID, HELLOASSO_CLIENT_SECRET et HELLOASSO_ORGANIZATION_SLUG (voir docs/helloasso.md).';
  }
  return {
    configured,
    connected,
    organization: client.settings.organizationSlug,
    error,
    lastSyncs: await lastSyncs(strapi),
    toReviewCount: await strapi.db.query(ITEM).count({ where: { state: 'review' } }),
  };
};

// ---------------------------------------------------------------- forms

const choices = async (strapi: Strapi) => ({
  membershipTypes: (await strapi.db.query(TYPE).findMany({ select: ['documentId', 'name'], orderBy: { name: 'asc' } })).map(
    (t: Values) => ({ documentId: t.documentId, name: t.name })
  ),
  missions: (
    await strapi.db.query(MISSION).findMany({
      select: ['documentId', 'title', 'startAt'],
      where: { status: { $ne: 'cancelled' } },
      orderBy: { startAt: 'desc' },
      limit: 500,
    })
  ).map((m: Values) => ({ documentId: m.documentId, title: m.title, startsAt: m.startAt ? new Date(m.startAt).toISOString() : null })),
});

const formView = (
  form: { formSlug: string; formType: string; title?: string | null },
  mapping: Values | undefined,
  c: Awaited<ReturnType<typeof choices>>
) => {
  const type = mapping?.membershipType ? c.membershipTypes.find((t: Values) => t.documentId === mapping.membershipType) : undefined;
  const mission = mapping?.mission ? c.missions.find((m: Values) => m.documentId === mapping.mission) : undefined;
  return {
    formSlug: form.formSlug,
    formType: form.formType,
    title: form.title ?? mapping?.title ?? form.formSlug,
    pastOrdersPending: Boolean(mapping?.pastOrdersPending),
    mapping: {
      kind: (mapping?.kind ?? null) as Kind | null,
      membershipType: type ? { documentId: type.documentId, name: type.name } : null,
      campaign: mapping?.campaign ?? null,
      mission: mission ? { documentId: mission.documentId, title: mission.title } : null,
    },
  };
};

/** The forms as HelloAsso lists them (with those mapped before and no longer listed), and what each becomes. */
export const listForms = async (strapi: Strapi): Promise<FormsState> => {
  const client = new HelloAssoClient(strapi);
  if (!isConfigured(client.settings))
    throw badRequest(
      'HelloAsso n’est pas configuré : renseignez HELLOASSO_CLIENT_ID, HELLOASSO_CLIENT_SECRET et HELLOASSO_ORGANIZATION_SLUG.'
    );
  const listed = await client.forms();
  const stored = await strapi.db.query(FORM).findMany({});
  const byKey = new Map<string, Values>(stored.map((f: Values) => [formKey(f.formType, f.formSlug), f]));
  const c = await choices(strapi);
  const forms = listed.map((f) => formView(f, byKey.get(formKey(f.formType, f.formSlug)), c));
  const seen = new Set(listed.map((f) => formKey(f.formType, f.formSlug)));
  for (const f of stored)
    if (!seen.has(formKey(f.formType, f.formSlug))) forms.push(formView(f as { formSlug: string; formType: string; title?: string }, f, c));
  return { forms, choices: c };
};

/** Sets what a form becomes; 400 in French naming the field when the kind's target is missing or unknown. */
export const mapForm = async (strapi: Strapi, formType: string, formSlug: string, body: Values): Promise<HelloAssoForm> => {
  const kind = body?.kind;
  if (!KINDS.includes(kind)) throw badRequest('Devient : choisissez « Adhésion », « Don », « Mission » ou « Ignoré ».', 'kind');
  const data: Values = { formType, formSlug, kind, membershipType: null, campaign: null, mission: null };
  if (kind === 'membership') {
    if (!body.membershipType) throw badRequest('Type d’adhésion : choisissez le type d’adhésion de ce formulaire.', 'membershipType');
    const type = await strapi.db.query(TYPE).findOne({ where: { documentId: String(body.membershipType) }, select: ['documentId'] });
    if (!type) throw badRequest('Type d’adhésion : ce type d’adhésion n’existe pas (supprimé ?).', 'membershipType');
    data.membershipType = type.documentId;
  }
  if (kind === 'donation') {
    const campaign = typeof body.campaign === 'string' ? body.campaign.trim() : '';
    if (!campaign) throw badRequest('Campagne : indiquez la campagne de dons de ce formulaire.', 'campaign');
    if (campaign.length > 150) throw badRequest('Campagne : 150 caractères au plus.', 'campaign');
    data.campaign = campaign;
  }
  if (kind === 'mission') {
    if (!body.mission) throw badRequest('Mission : choisissez la mission de ces billets.', 'mission');
    const mission = await strapi.db.query(MISSION).findOne({ where: { documentId: String(body.mission) }, select: ['documentId'] });
    if (!mission) throw badRequest('Mission : cette mission n’existe pas (supprimée ?).', 'mission');
    data.mission = mission.documentId;
  }
  // the title as HelloAsso gives it (kept for a form no longer listed)
  const client = new HelloAssoClient(strapi);
  let title: string | null = null;
  if (isConfigured(client.settings)) {
    try {
      title = (await client.forms()).find((f) => f.formType === formType && f.formSlug === formSlug)?.title ?? null;
    } catch {
      // HelloAsso unreachable: the mapping is saved all the same
    }
  }
  const existing = await strapi.db.query(FORM).findOne({ where: { formType, formSlug } });
  if (title || !existing) data.title = title ?? existing?.title ?? formSlug;
  // mapped after its orders (never mapped, or ignored until now) once a synchronisation has begun: « à reprendre »,
  // the next synchronisation reads the form's orders from the start (before any, the first one reads them all)
  if (kind === 'ignored') data.pastOrdersPending = false;
  else if ((!existing?.kind || existing.kind === 'ignored') && (await strapi.db.query(SYNC).count({})) > 0) data.pastOrdersPending = true;
  const saved = existing
    ? await strapi.db.query(FORM).update({ where: { id: existing.id }, data })
    : await strapi.db.query(FORM).create({ data });
  return formView({ formSlug, formType, title: saved.title }, saved, await choices(strapi));
};

// ---------------------------------------------------------------- reviews

/** A donation's review chooses a donor (the payer); any other item's, a member (the beneficiary). */
const candidateKind = (item: Values): CandidateKind => (DONATION_TYPES.includes(String(item.itemType)) ? 'donor' : 'member');

export const listReviews = async (strapi: Strapi): Promise<{ reviews: Review[] }> => {
  const rows = await strapi.db.query(ITEM).findMany({ where: { state: 'review' }, orderBy: [{ orderDate: 'asc' }, { id: 'asc' }] });
  const ids = (kind: CandidateKind) => [
    ...new Set(rows.filter((r: Values) => candidateKind(r) === kind).flatMap((r: Values) => (r.candidates ?? []) as string[])),
  ];
  const memberIds = ids('member');
  const donorIds = ids('donor');
  const members = memberIds.length
    ? await strapi.db.query(MEMBER).findMany({
        where: { documentId: { $in: memberIds } },
        select: ['documentId', 'memberNumber', 'displayName', 'email', 'birthDate'],
      })
    : [];
  const donors = donorIds.length
    ? await strapi.db
        .query(DONOR)
        .findMany({ where: { documentId: { $in: donorIds } }, select: ['documentId', 'displayName', 'email', 'city'] })
    : [];
  const byId = {
    member: new Map<string, Values>(members.map((m: Values) => [m.documentId, m])),
    donor: new Map<string, Values>(donors.map((d: Values) => [d.documentId, d])),
  };
  const forms = new Map<string, Values>(
    (await strapi.db.query(FORM).findMany({})).map((f: Values) => [formKey(f.formType, f.formSlug), f])
  );
  return {
    reviews: rows.map((r: Values) => {
      const person = (r.person ?? {}) as Values;
      const kind = candidateKind(r);
      return {
        id: r.id as number,
        itemType: r.itemType,
        itemId: r.itemId,
        orderId: r.orderId,
        date: r.orderDate ? new Date(r.orderDate).toISOString() : null,
        amount: centsToEuros(Math.round(Number(r.amount ?? 0) * 100)),
        formTitle: forms.get(formKey(r.formType, r.formSlug))?.title ?? r.orderData?.formName ?? r.formSlug,
        tier: r.tier,
        person: {
          firstName: person.firstName ?? null,
          lastName: person.lastName ?? null,
          email: person.email ?? null,
          birthDate: person.birthDate ?? null,
        },
        reason: r.reason,
        candidateKind: kind,
        candidates: ((r.candidates ?? []) as string[])
          .map((id) => byId[kind].get(id))
          .filter(Boolean)
          .map((m) =>
            kind === 'donor'
              ? {
                  documentId: m!.documentId,
                  memberNumber: null,
                  displayName: m!.displayName,
                  email: m!.email ?? null,
                  birthDate: null,
                  city: m!.city ?? null,
                }
              : {
                  documentId: m!.documentId,
                  memberNumber: m!.memberNumber ?? null,
                  displayName: m!.displayName,
                  email: m!.email ?? null,
                  birthDate: m!.birthDate ?? null,
                }
          ),
      };
    }),
  };
};

/** The treasurer links a waiting item to a member or a donor (or creates one): the item is imported as the synchronisation would. */
export const resolveReview = async (strapi: Strapi, id: number, body: Values, by: string): Promise<SyncCounts> => {
  const item = await strapi.db.query(ITEM).findOne({ where: { id } });
  if (!item) throw notFound('Cet élément à vérifier n’existe pas.');
  if (item.state !== 'review') throw conflict('Cet élément a déjà été traité.');
  const forced: Forced = {};
  if (candidateKind(item) === 'donor') {
    if (body?.createDonor === true) forced.createDonor = true;
    else if (typeof body?.donor === 'string' && body.donor) {
      const donor = await strapi.db.query(DONOR).findOne({ where: { documentId: body.donor }, select: ['documentId'] });
      if (!donor) throw badRequest('Donateur : cette fiche n’existe pas.', 'donor');
      forced.donor = donor.documentId;
    } else throw badRequest('Donateur : choisissez le donateur, ou demandez une nouvelle fiche.', 'donor');
  } else if (body?.createMember === true) forced.createMember = true;
  else if (typeof body?.member === 'string' && body.member) {
    const member = await strapi.db.query(MEMBER).findOne({ where: { documentId: body.member }, select: ['documentId'] });
    if (!member) throw badRequest('Adhérent : cette fiche n’existe pas.', 'member');
    forced.member = member.documentId;
  } else throw badRequest('Adhérent : choisissez l’adhérent, ou demandez une nouvelle fiche.', 'member');
  return withRun(strapi, 'manual', { from: null, to: null }, async (run) => {
    const counts = emptyCounts();
    await importOrder(await loadContext(strapi), item.orderData, counts, { only: item.key, forced });
    const after = await strapi.db.query(ITEM).findOne({ where: { id }, select: ['state'] });
    if (after?.state === 'imported')
      await strapi.db.query(ITEM).update({ where: { id }, data: { resolvedBy: by, resolvedAt: new Date(), orderData: null } });
    await strapi.db.query('api::helloasso-sync.helloasso-sync').update({
      where: { id: run.id },
      data: {
        state: 'done',
        finishedAt: new Date(),
        counts: { created: counts.created, updated: counts.updated, refunded: counts.refunded, toReview: counts.toReview },
        messages: counts.errors,
      },
    });
    return counts;
  });
};
