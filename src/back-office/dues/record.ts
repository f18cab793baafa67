import { badRequest } from '../../core/errors';
import { DateTime } from 'luxon';
import type { Attributes, DocumentData, Strapi } from '../types';
import { enumLabel } from '../../contract/labels';
import { fiscalYearBounds, fiscalYearStart, periodEndFor, todayInParis } from './period';

const MEMBER = 'api::member.member';
const CONTRIBUTION = 'api::contribution.contribution';
const TYPE = 'api::membership-type.membership-type';

/**
 * « Enregistrer une cotisation »: what a payment buys (quote) and its recording, in one step for the
 * treasurer. The contribution is created through the Document Service, so every rule of the
 * contributions applies (checks, period end, the member's duesPaidUntil): this file only reads the
 * form, explains the period and warns when it looks wrong.
 */

/** A period shorter than this is « unusually short » (e.g. an annual membership paid in the last month of the fiscal year). */
export const SHORT_PERIOD_MONTHS = 2;

/** HTTP 400 naming a field of the form, in French; nothing is written. */
const invalid = (field: string, label: string, message: string) => badRequest(`${label} : ${message}`, field);

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const frenchDate = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

const dayParam = (value: unknown, field: string, label: string) => {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !DATE.test(value) || !DateTime.fromISO(value).isValid) {
    throw invalid(field, label, `« ${String(value)} » n’est pas une date valide (AAAA-MM-JJ, ex. 2026-03-31).`);
  }
  return value;
};

const documentIdParam = (value: unknown, field: string, label: string, required: boolean) => {
  if (value === undefined || value === null || value === '') {
    if (required) throw invalid(field, label, 'ce champ est obligatoire.');
    return null;
  }
  if (typeof value !== 'string' || !/^[a-z0-9]{1,64}$/i.test(value)) throw invalid(field, label, 'identifiant invalide.');
  return value;
};

export interface ContributionForm {
  member: string;
  membershipType: string;
  amount?: unknown;
  paymentMethod?: unknown;
  paidAt: string;
  /** first day covered; the day of payment when not given */
  periodStart: string | null;
  reference?: unknown;
}

/** The dialog's fields, checked for what the quote needs; the contribution rules check the rest at the write. */
export const readContributionForm = (body: Record<string, unknown> | null | undefined): ContributionForm => {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('body', 'Formulaire', 'formulaire de cotisation manquant.');
  return {
    member: documentIdParam(body.member, 'member', 'Adhérent', true)!,
    membershipType: documentIdParam(body.membershipType, 'membershipType', 'Type d’adhésion', true)!,
    amount: body.amount,
    paymentMethod: body.paymentMethod,
    paidAt: dayParam(body.paidAt, 'paidAt', 'Payée le') ?? todayInParis(),
    periodStart: dayParam(body.periodStart, 'periodStart', 'Début de période'),
    reference: body.reference,
  };
};

const personName = (m: { firstName?: string | null; lastName?: string | null }) => [m.firstName, m.lastName].filter(Boolean).join(' ');

/** « l’exercice 2027 », or « l’exercice 2026-2027 » when it does not start in January. */
const fiscalYearName = (firstDay: string, startMonth: number) => {
  const year = Number(firstDay.slice(0, 4));
  return `l’exercice ${startMonth === 1 ? year : `${year}-${year + 1}`}`;
};

export interface Suggestion {
  periodStart: string;
  periodEnd: string;
  /** the button's text */
  label: string;
}

export interface Warning {
  code: 'short_period' | 'already_covered';
  message: string;
  suggestion: Suggestion | null;
}

/**
 * What the payment would buy: the period (the rule of the contributions: periodEndFor), the member's
 * « payée jusqu’au » after it, and warnings when the period is unusually short (a fiscal-year
 * membership paid near the end of the year: the next fiscal year is offered) or when the member is
 * already covered for part of it (the day after the current end is offered).
 */
export const quoteContribution = async (strapi: Strapi, form: ContributionForm) => {
  const member = await strapi.db
    .query(MEMBER)
    .findOne({ where: { documentId: form.member }, select: ['documentId', 'firstName', 'lastName', 'memberNumber', 'duesPaidUntil'] });
  if (!member) throw invalid('member', 'Adhérent', 'adhérent introuvable.');
  const type = await strapi.db
    .query(TYPE)
    .findOne({ where: { documentId: form.membershipType }, select: ['documentId', 'name', 'amount', 'durationMonths', 'active'] });
  if (!type) throw invalid('membershipType', 'Type d’adhésion', 'type d’adhésion introuvable.');
  const startMonth =
    ((await strapi.db.query('api::association.association').findOne({ select: ['fiscalYearStartMonth'] }))
      ?.fiscalYearStartMonth as number) ?? 1;

  const periodStart = form.periodStart ?? form.paidAt;
  const periodEnd = periodEndFor(periodStart, type.durationMonths, startMonth);
  const currentEnd: string | null = member.duesPaidUntil ? String(member.duesPaidUntil).slice(0, 10) : null;
  const days = DateTime.fromISO(periodEnd).diff(DateTime.fromISO(periodStart), 'days').days + 1;
  const suggestionFrom = (start: string, label: string): Suggestion => ({
    periodStart: start,
    periodEnd: periodEndFor(start, type.durationMonths, startMonth),
    label,
  });

  const warnings: Warning[] = [];
  const fiscalYearType = !type.durationMonths;
  if (
    fiscalYearType &&
    DateTime.fromISO(periodEnd) < DateTime.fromISO(periodStart).plus({ months: SHORT_PERIOD_MONTHS }).minus({ days: 1 })
  ) {
    const nextStart = DateTime.fromISO(fiscalYearStart(periodStart, startMonth)).plus({ years: 1 }).toISODate()!;
    const [first, last] = fiscalYearBounds(Number(nextStart.slice(0, 4)), startMonth);
    warnings.push({
      code: 'short_period',
      message:
        `Période très courte : « ${type.name} » court jusqu’à la fin de l’exercice, cette cotisation ne couvrirait que ${days} jour${days > 1 ? 's' : ''} ` +
        `(du ${frenchDate(periodStart)} au ${frenchDate(periodEnd)}). Voulez-vous plutôt la compter pour ${fiscalYearName(first, startMonth)} (du ${frenchDate(first)} au ${frenchDate(last)}) ?`,
      suggestion: suggestionFrom(first, `Compter pour ${fiscalYearName(first, startMonth)}`),
    });
  }
  if (currentEnd && currentEnd >= periodStart) {
    const dayAfter = DateTime.fromISO(currentEnd).plus({ days: 1 }).toISODate()!;
    const already = warnings.some((w) => w.suggestion?.periodStart === dayAfter);
    warnings.push({
      code: 'already_covered',
      message:
        `${personName(member)} est déjà à jour jusqu’au ${frenchDate(currentEnd)} : ` +
        (currentEnd >= periodEnd
          ? 'cette cotisation ne prolongerait pas son adhésion.'
          : `la période du ${frenchDate(periodStart)} au ${frenchDate(currentEnd)} serait payée deux fois.`) +
        (already ? '' : ` Faire commencer la période le ${frenchDate(dayAfter)} ?`),
      suggestion: already ? null : suggestionFrom(dayAfter, `Commencer le ${frenchDate(dayAfter)}`),
    });
  }

  return {
    member: {
      documentId: member.documentId,
      name: personName(member),
      memberNumber: member.memberNumber ?? null,
      duesPaidUntil: currentEnd,
    },
    membershipType: {
      documentId: type.documentId,
      name: type.name,
      amount: type.amount === null ? null : Number(type.amount),
      durationMonths: type.durationMonths ?? null,
    },
    paidAt: form.paidAt,
    periodStart,
    periodEnd,
    days,
    duesPaidUntilAfter: currentEnd && currentEnd > periodEnd ? currentEnd : periodEnd,
    warnings,
  };
};

/**
 * Records the payment: one contribution, through the Document Service (its rules refuse a bad amount,
 * payment method or reference with a French 400 naming the field, and nothing is written), then reads
 * back the member's « payée jusqu’au ».
 */
export const recordContribution = async (strapi: Strapi, form: ContributionForm) => {
  const quote = await quoteContribution(strapi, form);
  const data: Record<string, unknown> = {
    member: form.member,
    membershipType: form.membershipType,
    paidAt: form.paidAt,
    periodStart: quote.periodStart,
    paymentMethod: form.paymentMethod,
  };
  // an empty amount takes the membership type's (contribution rules); 0 is a real amount (free membership)
  if (form.amount !== undefined && form.amount !== null && form.amount !== '') data.amount = form.amount;
  if (form.reference !== undefined && form.reference !== null && form.reference !== '') data.reference = form.reference;
  const created = await strapi.documents(CONTRIBUTION).create({ data: data as DocumentData });
  const stored = await strapi.db.query(CONTRIBUTION).findOne({ where: { documentId: created.documentId } });
  const member = await strapi.db
    .query(MEMBER)
    .findOne({ where: { documentId: form.member }, select: ['documentId', 'firstName', 'lastName', 'duesPaidUntil'] });
  const paidUntil: string | null = member?.duesPaidUntil ? String(member.duesPaidUntil).slice(0, 10) : null;
  return {
    contribution: {
      documentId: stored.documentId,
      amount: Number(stored.amount),
      paidAt: String(stored.paidAt).slice(0, 10),
      periodStart: stored.periodStart ? String(stored.periodStart).slice(0, 10) : null,
      periodEnd: stored.periodEnd ? String(stored.periodEnd).slice(0, 10) : null,
      paymentMethod: stored.paymentMethod,
      paymentMethodLabel: enumLabel(CONTRIBUTION, 'paymentMethod', stored.paymentMethod),
      reference: stored.reference ?? null,
    },
    member: { documentId: member.documentId, name: personName(member), duesPaidUntil: paidUntil },
    message: `Cotisation enregistrée : ${personName(member)} est à jour jusqu’au ${paidUntil ? frenchDate(paidUntil) : '—'}.`,
  };
};

/** The dialog's lists: active membership types (with their amounts) and payment methods (French names). */
export const contributionFormOptions = async (strapi: Strapi) => {
  const types = await strapi.db
    .query(TYPE)
    .findMany({ where: { active: { $ne: false } }, select: ['documentId', 'name', 'amount', 'durationMonths'], orderBy: { name: 'asc' } });
  const methods = (strapi.getModel(CONTRIBUTION).attributes as unknown as Attributes).paymentMethod.enum as string[];
  return {
    today: todayInParis(),
    membershipTypes: types.map((t) => ({
      documentId: t.documentId,
      name: t.name,
      amount: t.amount === null ? null : Number(t.amount),
      durationMonths: t.durationMonths ?? null,
    })),
    paymentMethods: methods.map((value) => ({ value, label: enumLabel(CONTRIBUTION, 'paymentMethod', value) })),
  };
};

/** Members by name or number, for the Cotisations page's dialog (at most 20). */
export const findMembers = async (strapi: Strapi, search: unknown) => {
  if (search !== undefined && typeof search !== 'string') throw invalid('search', 'Recherche', 'doit être un texte.');
  const text = ((search as string | undefined) ?? '').trim();
  if (!text) return [];
  if (text.length > 100) throw invalid('search', 'Recherche', '100 caractères au maximum.');
  const words = text.split(/\s+/).slice(0, 4);
  const rows = await strapi.db.query(MEMBER).findMany({
    where: {
      $and: words.map((w) => ({
        $or: [{ firstName: { $containsi: w } }, { lastName: { $containsi: w } }, ...(/^\d+$/.test(w) ? [{ memberNumber: Number(w) }] : [])],
      })),
    },
    select: ['documentId', 'firstName', 'lastName', 'memberNumber', 'duesPaidUntil'],
    orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }],
    limit: 20,
  });
  return rows.map((m) => ({
    documentId: m.documentId,
    name: `${m.lastName} ${m.firstName}${m.memberNumber ? ` (n° ${m.memberNumber})` : ''}`,
    duesPaidUntil: m.duesPaidUntil ? String(m.duesPaidUntil).slice(0, 10) : null,
  }));
};
