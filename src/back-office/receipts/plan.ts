import { DateTime } from 'luxon';
import type { Knex } from 'knex';
import { badRequest, notFound } from '../../core/errors';
import type { Strapi } from '../types';
import { booleanValue, knex, link, table } from '../sql';
import { IssuerSettings } from './settings';
import { toCents } from './words';

export const RECEIPT = 'api::receipt.receipt';
export const DONATION = 'api::donation.donation';
export const DONOR = 'api::donor.donor';

export type Mode = 'single' | 'annual';

/** What the treasurer asks for: one donation, one donor and a year (summary), or every donor of a year. */
export interface Scope {
  year?: number;
  donor?: string;
  donation?: string;
  mode: Mode;
}

export interface DonorFacts {
  id: number;
  documentId: string;
  kind: 'individual' | 'company';
  lastName: string | null;
  firstName: string | null;
  companyName: string | null;
  legalForm: string | null;
  siren: string | null;
  address: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
  email: string | null;
  fiscalYearEndMonth: number | null;
}

export interface DonationFacts {
  id: number;
  documentId: string;
  amountCents: number;
  receivedAt: string;
  method: string;
  nature: string;
  giftForm: string;
  description: string | null;
  refunded: boolean;
  receiptedElsewhere: boolean;
  hasWaiver: boolean;
  hasExpenseDocuments: boolean;
  donor: DonorFacts | null;
}

/** One receipt to issue: a donor and the donations it covers. */
export interface PlannedReceipt {
  donor: DonorFacts;
  donations: DonationFacts[];
  totalCents: number;
  periodStart: string;
  periodEnd: string;
}

export interface Exclusion {
  donor: { documentId: string; name: string } | null;
  donation: { documentId: string; receivedAt: string; amount: string } | null;
  reason: string;
}

export const donorName = (d: Pick<DonorFacts, 'kind' | 'lastName' | 'firstName' | 'companyName'>) =>
  d.kind === 'company' ? (d.companyName ?? '').trim() : [d.lastName, d.firstName].filter((x) => x && x.trim()).join(' ');

const filled = (v: unknown) => typeof v === 'string' && v.trim() !== '';

/**
 * The period a receipt of `year` covers for a donor: the calendar year for an individual; for a
 * company, its financial year that ends in `year` (a company receipt may not straddle two of its
 * financial years).
 */
export const periodOf = (donor: Pick<DonorFacts, 'kind' | 'fiscalYearEndMonth'>, year: number): [string, string] => {
  const endMonth = donor.kind === 'company' ? Math.min(12, Math.max(1, donor.fiscalYearEndMonth || 12)) : 12;
  const end = DateTime.fromObject({ year, month: endMonth, day: 1 }).endOf('month');
  const start = end.minus({ years: 1 }).plus({ days: 1 }).startOf('day');
  return [start.toISODate()!, end.toISODate()!];
};

/** Why a donor cannot receive a receipt (missing identity or address, legal basis), or null. */
export const donorProblem = (donor: DonorFacts, issuer: IssuerSettings): string | null => {
  if (donor.kind === 'company') {
    const missing = [
      !filled(donor.companyName) && 'raison sociale',
      !filled(donor.legalForm) && 'forme juridique',
      !/^\d{9}$/.test(donor.siren ?? '') && 'SIREN (9 chiffres)',
    ].filter(Boolean);
    if (missing.length) return `Identité du donateur incomplète : ${missing.join(', ')} manquant(s).`;
    if (!issuer.articles.a238bis) return 'Donateur entreprise : l’article 238 bis n’est pas coché dans les réglages de l’association.';
  } else {
    const missing = [!filled(donor.lastName) && 'nom', !filled(donor.firstName) && 'prénom'].filter(Boolean);
    if (missing.length) return `Identité du donateur incomplète : ${missing.join(', ')} manquant(s).`;
    if (!issuer.articles.a200 && !issuer.articles.a978)
      return 'Donateur particulier : ni l’article 200 ni l’article 978 ne sont cochés dans les réglages de l’association.';
  }
  const address = [!filled(donor.address) && 'adresse', !filled(donor.postalCode) && 'code postal', !filled(donor.city) && 'ville'].filter(
    Boolean
  );
  if (address.length) return `Adresse du donateur incomplète (${address.join(', ')}) : à compléter avant d’émettre le reçu.`;
  return null;
};

/**
 * Why a donation cannot be receipted, or null. THE eligibility rule of a donation: only donations
 * actually received and kept, not already receipted elsewhere, with what the law asks for their
 * nature. Membership fees are contributions, never donations: they never reach this rule.
 */
export const donationProblem = (d: DonationFacts): string | null => {
  if (d.refunded) return 'Don remboursé au donateur.';
  if (d.receiptedElsewhere) return 'Reçu fiscal déjà émis par HelloAsso (ou ailleurs).';
  if (d.amountCents <= 0) return 'Montant nul.';
  if (d.nature === 'in_kind' && !filled(d.description)) return 'Don en nature sans description des biens donnés.';
  if (d.nature === 'waived_expenses') {
    const missing = [
      !d.hasWaiver && 'la renonciation signée au remboursement',
      !d.hasExpenseDocuments && 'les justificatifs des frais',
    ].filter(Boolean);
    if (missing.length) return `Abandon de frais sans ${missing.join(' ni ')} joints au don.`;
  }
  return null;
};

const DONOR_FIELDS = [
  'id',
  'documentId',
  'kind',
  'lastName',
  'firstName',
  'companyName',
  'legalForm',
  'siren',
  'address',
  'postalCode',
  'city',
  'country',
  'email',
  'fiscalYearEndMonth',
];

/** A donation as read here, with its donor (DONOR_FIELDS) and whether its documents are attached. */
type DonationRow = {
  id: number;
  documentId: string;
  amount: number | string | null;
  receivedAt: string;
  method: string;
  nature: string | null;
  giftForm: string | null;
  description: string | null;
  refunded: boolean | null;
  receiptedElsewhere: boolean | null;
  donor: DonorFacts | null;
  waiverDocument: { id: number } | null;
  expenseDocuments: Array<{ id: number }> | null;
};

/** Donations read per query: a year of a large association is read in pages, not in one result. */
const PAGE = 2000;

/**
 * Donations with their donor, as the rules read them, in the order they were received. Read in
 * pages of PAGE (by id), each page's rows turned into compact facts before the next is read, and one
 * object per donor however many donations it has: reading a whole year does not swell the memory.
 */
export const loadDonations = async (strapi: Strapi, where: Record<string, unknown>): Promise<DonationFacts[]> => {
  const donations: DonationFacts[] = [];
  const donors = new Map<number, DonorFacts>();
  for (let after = 0; ;) {
    const rows: DonationRow[] = await strapi.db.query(DONATION).findMany({
      where: { $and: [where, { id: { $gt: after } }] },
      select: ['id', 'documentId', 'amount', 'receivedAt', 'method', 'nature', 'giftForm', 'description', 'refunded', 'receiptedElsewhere'],
      populate: { donor: { select: DONOR_FIELDS }, waiverDocument: { select: ['id'] }, expenseDocuments: { select: ['id'] } },
      orderBy: { id: 'asc' },
      limit: PAGE,
    });
    for (const r of rows) {
      let donor: DonorFacts | null = r.donor ?? null;
      if (donor) {
        if (!donors.has(donor.id)) donors.set(donor.id, donor);
        donor = donors.get(donor.id)!;
      }
      donations.push({
        id: r.id,
        documentId: r.documentId,
        amountCents: toCents(r.amount),
        receivedAt: r.receivedAt,
        method: r.method,
        nature: r.nature ?? 'cash',
        giftForm: r.giftForm ?? 'manual_gift',
        description: r.description ?? null,
        refunded: Boolean(r.refunded),
        receiptedElsewhere: Boolean(r.receiptedElsewhere),
        hasWaiver: Boolean(r.waiverDocument),
        hasExpenseDocuments: Boolean(r.expenseDocuments?.length),
        donor,
      });
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1].id;
  }
  return donations.sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.id - b.id));
};

/**
 * The donations already covered by a receipt that is not cancelled, with its number: a donation is
 * in at most one live receipt. Read with the request's transaction when there is one.
 */
export const coveringReceipts = async (strapi: Strapi, donationIds: number[], trx?: Knex.Transaction): Promise<Map<number, string>> => {
  const covered = new Map<number, string>();
  if (!donationIds.length) return covered;
  const lnk = link(strapi, RECEIPT, 'donations');
  for (let i = 0; i < donationIds.length; i += 500) {
    // raw knex does not join the current transaction by itself: inside one, its trx must be used
    const rows: Array<{ donation: number | string; number: string }> = await (trx ?? knex(strapi))(`${lnk.table} as l`)
      .join(`${table(strapi, RECEIPT)} as r`, 'r.id', `l.${lnk.from}`)
      .whereIn(`l.${lnk.to}`, donationIds.slice(i, i + 500))
      .andWhere((q) => q.where('r.cancelled', booleanValue(strapi, false)).orWhereNull('r.cancelled'))
      .select(`l.${lnk.to} as donation`, 'r.number as number');
    for (const r of rows) covered.set(Number(r.donation), r.number);
  }
  return covered;
};

const amount = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
const exclusion = (d: DonationFacts | null, donor: DonorFacts | null, reason: string): Exclusion => ({
  donor: donor ? { documentId: donor.documentId, name: donorName(donor) || '(sans nom)' } : null,
  donation: d ? { documentId: d.documentId, receivedAt: d.receivedAt, amount: amount(d.amountCents) } : null,
  reason,
});

const yearOf = (scope: Scope) => {
  const year = Number(scope.year);
  if (!Number.isInteger(year) || year < 2000 || year > 2100)
    throw badRequest('Année : indiquez une année sur quatre chiffres (par exemple 2026).', 'year');
  return year;
};

/**
 * What a generation would issue, and what it leaves out and why. The same function answers the
 * preview and prepares the generation: what the treasurer saw is what is issued.
 */
export const planReceipts = async (strapi: Strapi, scope: Scope, issuer: IssuerSettings) => {
  if (scope.mode !== 'single' && scope.mode !== 'annual') {
    throw badRequest('Type de reçu : « single » (un don) ou « annual » (récapitulatif annuel).', 'mode');
  }
  let donations: DonationFacts[];
  let year: number | null = null;
  if (scope.donation) {
    donations = await loadDonations(strapi, { documentId: scope.donation });
    if (!donations.length) throw notFound('Don introuvable.');
  } else {
    year = yearOf(scope);
    // a company's financial year ending in `year` may start in the previous calendar year
    const where: Record<string, unknown> = { receivedAt: { $gte: `${year - 1}-01-01`, $lte: `${year}-12-31` } };
    if (scope.donor) {
      const donor = await strapi.db.query(DONOR).findOne({ where: { documentId: scope.donor }, select: ['id'] });
      if (!donor) throw notFound('Donateur introuvable.');
      where.donor = { id: donor.id };
    }
    donations = (await loadDonations(strapi, where)).filter((d) => {
      if (!d.donor) return false;
      const [start, end] = periodOf(d.donor, year!);
      return d.receivedAt >= start && d.receivedAt <= end;
    });
  }

  const covered = await coveringReceipts(
    strapi,
    donations.map((d) => d.id)
  );
  const excluded: Exclusion[] = [];
  const alreadyCovered: Exclusion[] = [];
  const byDonor = new Map<number, PlannedReceipt>();
  const planned: PlannedReceipt[] = [];
  const donorProblems = new Map<number, string | null>();
  for (const d of donations) {
    if (!d.donor) {
      excluded.push(exclusion(d, null, 'Don sans donateur.'));
      continue;
    }
    const number = covered.get(d.id);
    if (number) {
      alreadyCovered.push(exclusion(d, d.donor, `Déjà couvert par le reçu n° ${number}.`));
      continue;
    }
    const problem = donationProblem(d);
    if (problem) {
      excluded.push(exclusion(d, d.donor, problem));
      continue;
    }
    if (!donorProblems.has(d.donor.id)) donorProblems.set(d.donor.id, donorProblem(d.donor, issuer));
    const donorIssue = donorProblems.get(d.donor.id);
    if (donorIssue) {
      excluded.push(exclusion(d, d.donor, donorIssue));
      continue;
    }
    if (scope.mode === 'single') {
      planned.push({ donor: d.donor, donations: [d], totalCents: d.amountCents, periodStart: d.receivedAt, periodEnd: d.receivedAt });
      continue;
    }
    let receipt = byDonor.get(d.donor.id);
    if (!receipt) {
      const [start, end] = year ? periodOf(d.donor, year) : [d.receivedAt, d.receivedAt];
      receipt = { donor: d.donor, donations: [], totalCents: 0, periodStart: start, periodEnd: end };
      byDonor.set(d.donor.id, receipt);
      planned.push(receipt);
    }
    receipt.donations.push(d);
    receipt.totalCents += d.amountCents;
  }
  // numbers follow the donors' names: the printed pile is in alphabetical order
  planned.sort(
    (a, b) =>
      donorName(a.donor).localeCompare(donorName(b.donor), 'fr') || a.donor.id - b.donor.id || a.periodStart.localeCompare(b.periodStart)
  );
  return { year, planned, excluded, alreadyCovered };
};

/** The preview's answer: what will be issued (count, total, each receipt) and what is left out, with the reason. */
export const previewOf = (plan: Awaited<ReturnType<typeof planReceipts>>, scope: Scope) => {
  const totalCents = plan.planned.reduce((sum, r) => sum + r.totalCents, 0);
  return {
    year: plan.year,
    mode: scope.mode,
    count: plan.planned.length,
    total: amount(totalCents),
    receipts: plan.planned.map((r) => ({
      donor: { documentId: r.donor.documentId, name: donorName(r.donor), kind: r.donor.kind, email: r.donor.email || null },
      donations: r.donations.length,
      total: amount(r.totalCents),
      periodStart: r.periodStart,
      periodEnd: r.periodEnd,
    })),
    excluded: plan.excluded,
    alreadyCovered: plan.alreadyCovered.length,
  };
};
