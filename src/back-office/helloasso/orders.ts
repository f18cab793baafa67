import { DateTime } from 'luxon';
import { TZ } from '../../core/dates';
import { cleanText, isProblem, nameKey, parseCountry, parseDate, parseEmail } from '../imports/values';

/**
 * How an order of the HelloAsso API (v5) is read: its dates, what each item is, whether it is paid or
 * refunded, who the beneficiary is (the item's user, who may differ from the payer, with their own
 * e-mail, phone or birth date in the form's custom fields). Pure functions, no Strapi.
 */

export interface HaPayer {
  firstName?: string;
  lastName?: string;
  email?: string;
  address?: string;
  city?: string;
  zipCode?: string;
  country?: string;
  dateOfBirth?: string;
  company?: string;
}
export interface HaPayment {
  id: number | string;
  state?: string;
  amount?: number;
  date?: string;
  paymentMeans?: string;
  fiscalReceiptUrl?: string;
  refundOperations?: unknown[];
  shareAmount?: number;
}
export interface HaItem {
  id: number | string;
  type?: string;
  state?: string;
  amount?: number;
  name?: string;
  user?: { firstName?: string; lastName?: string };
  customFields?: Array<{ name?: string; type?: string; answer?: string }>;
  payments?: Array<{ id: number | string; shareAmount?: number }>;
}
export interface HaOrder {
  id: number | string;
  date?: string;
  formSlug?: string;
  formType?: string;
  formName?: string;
  items?: HaItem[];
  payments?: HaPayment[];
  payer?: HaPayer;
  amount?: { total?: number; vat?: number; discount?: number };
}

/** HelloAsso's instants carry 7 fraction digits, which Date cannot read: kept to milliseconds. */
export const parseInstant = (value: string | null | undefined): Date | null => {
  if (!value) return null;
  const d = new Date(String(value).replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(d.getTime()) ? null : d;
};

/** The calendar day of an instant in Paris (a payment at 00:30 on 1 January, Paris time, is paid in January). */
export const parisDay = (value: string | null | undefined) => {
  const d = parseInstant(value);
  return d ? DateTime.fromJSDate(d).setZone(TZ).toISODate()! : null;
};

/** A birth date as written (« 1985-04-12T00:00:00+02:00 » is the 12th whatever the offset): never through a time zone. */
export const writtenDay = (value: string | null | undefined) => {
  if (!value) return null;
  const iso = /^(\d{4}-\d{2}-\d{2})/.exec(String(value).trim());
  if (iso) return iso[1];
  const parsed = parseDate(String(value));
  return parsed && !isProblem(parsed) ? parsed : null;
};

/** Cents to the decimal string of a `decimal` field (2550 → "25.50"). */
export const centsToEuros = (cents: number | null | undefined) => {
  const c = Math.round(Number(cents ?? 0));
  const sign = c < 0 ? '-' : '';
  const abs = Math.abs(c);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

/** The key an item is imported once under: its type and id (a single-item order may have order.id == item.id). */
export const itemKey = (item: HaItem) => `${item.type ?? 'Item'}:${item.id}`;

const PAID = new Set(['Authorized']);
const REFUNDED = new Set(['Refunded', 'Refunding']);
const VOID_PAYMENT = new Set(['Canceled', 'Refused', 'Abandoned', 'Error']);
const VOID_ITEM = new Set(['Canceled', 'Refused', 'Abandoned', 'Unknown']);

/** The payments of the order that pay this item (the item's own list, else every payment of the order). */
export const itemPayments = (order: HaOrder, item: HaItem): HaPayment[] => {
  const all = order.payments ?? [];
  const ids = new Set((item.payments ?? []).map((p) => String(p.id)));
  return ids.size ? all.filter((p) => ids.has(String(p.id))) : all;
};

/**
 * Where an item stands: `paid` (a payment authorised, or a free item registered), `refunded` (a payment
 * refunded or being refunded, or the item cancelled after being paid), `void` (cancelled or refused before
 * any payment) or `pending` (nothing paid yet: seen again at the next synchronisation).
 */
export const itemStatus = (order: HaOrder, item: HaItem): 'paid' | 'refunded' | 'void' | 'pending' => {
  const payments = itemPayments(order, item);
  if (payments.some((p) => REFUNDED.has(String(p.state)) || (Array.isArray(p.refundOperations) && p.refundOperations.length > 0)))
    return 'refunded';
  const paid = payments.some((p) => PAID.has(String(p.state)));
  if (VOID_ITEM.has(String(item.state))) return paid ? 'refunded' : 'void';
  if (paid) return 'paid';
  if (!item.amount) return ['Processed', 'Registered'].includes(String(item.state)) ? 'paid' : 'pending';
  if (payments.length && payments.every((p) => VOID_PAYMENT.has(String(p.state)))) return 'void';
  return 'pending';
};

/** HelloAsso already issued the tax receipt of this item (a receipt URL on one of its payments). */
export const receiptedByHelloAsso = (order: HaOrder, item: HaItem) => itemPayments(order, item).some((p) => Boolean(p.fiscalReceiptUrl));

const field = (item: HaItem, test: (name: string, type: string) => boolean) => {
  for (const f of item.customFields ?? []) {
    const name = nameKey(f.name ?? '');
    const type = String(f.type ?? '').toLowerCase();
    if (f.answer && String(f.answer).trim() && test(name, type)) return String(f.answer).trim();
  }
  return null;
};

/** A person as HelloAsso describes them, with what the matching rule and a new member record need. */
export interface HaPerson {
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  birthDate: string | null;
  memberNumber: number | null;
  address: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
  /** the beneficiary is the payer (same name) */
  isPayer: boolean;
}

const tidy = (v: string | null | undefined) => (v ? cleanText(String(v)) : '') || null;
const email = (v: string | null | undefined) => {
  if (!v) return null;
  const parsed = parseEmail(v);
  return parsed && !isProblem(parsed) ? parsed.toLowerCase() : null;
};

/**
 * The item's beneficiary: the item's user (the payer when the item names nobody), their own e-mail,
 * phone, birth date and member number from the custom fields first, then the payer's e-mail, birth date
 * and address when the payer is the same person.
 */
export const beneficiaryOf = (order: HaOrder, item: HaItem): HaPerson => {
  const payer = order.payer ?? {};
  const user = item.user && (item.user.firstName || item.user.lastName) ? item.user : payer;
  const firstName = tidy(user.firstName) ?? '';
  const lastName = tidy(user.lastName) ?? '';
  const isPayer = nameKey(firstName) === nameKey(payer.firstName) && nameKey(lastName) === nameKey(payer.lastName);
  const numberAnswer = field(item, (n) => /(numero|n|no)(d)?adherent|numeroadherent|matricule/.test(n));
  const memberNumber = numberAnswer && /^\d{1,9}$/.test(numberAnswer.replace(/\D/g, '')) ? Number(numberAnswer.replace(/\D/g, '')) : null;
  const ownEmail = email(field(item, (n, t) => t === 'email' || /e?mail|courriel/.test(n)));
  const phone = tidy(field(item, (n, t) => t === 'phone' || /telephone|portable|mobile|tel$/.test(n)));
  const ownBirth = writtenDay(field(item, (n, t) => /naissance|birth/.test(n) || (t === 'date' && /ne(e)?le/.test(n))));
  const same = <T>(v: T) => (isPayer ? v : null);
  return {
    firstName,
    lastName,
    email: ownEmail ?? same(email(payer.email)),
    phone,
    birthDate: ownBirth ?? same(writtenDay(payer.dateOfBirth)),
    memberNumber,
    address: same(tidy(payer.address)),
    postalCode: same(tidy(payer.zipCode)),
    city: same(tidy(payer.city)),
    country: same(payer.country ? parseCountry(payer.country) : null),
    isPayer,
  };
};

/** The payer as a donor (a company when HelloAsso gives one). */
export const donorOf = (order: HaOrder) => {
  const payer = order.payer ?? {};
  const company = tidy(payer.company);
  return {
    kind: company ? 'company' : 'individual',
    companyName: company,
    firstName: tidy(payer.firstName),
    lastName: tidy(payer.lastName),
    email: email(payer.email),
    address: tidy(payer.address),
    postalCode: tidy(payer.zipCode),
    city: tidy(payer.city),
    country: payer.country ? parseCountry(payer.country) : null,
  };
};

/** The reference written on what an item produced: « HelloAsso commande 123 / élément 456 ». */
export const referenceOf = (order: HaOrder, item: HaItem) => `HelloAsso ${order.id}/${item.type ?? 'Item'}-${item.id}`;
