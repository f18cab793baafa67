import type { UID } from '@strapi/strapi';
import type { Attribute, Attributes, Strapi, Values } from '../types';
import { enumLabel, labelOf } from '../../contract/labels';
import { formatCentsAsEuros } from '../../contract/format';
import { KIND_UID, TARGETS, type ImportKind } from './fields';
import type { ReadRow, RowError } from './rows';
import { centsToDecimal, decimalToCents, nameKey } from './values';

/**
 * The preview: what each row would do (create, update with its changes, unchanged, error), found by
 * matching the rows against the records already stored and against each other. Never a guess: a
 * row that could be two records, or two rows that are one record, is an error.
 *
 * Matching order (members): member number; e-mail (case ignored); last name + first name (accents,
 * case and punctuation ignored) with the birth date when both sides know it. Contributions and
 * donations are the same record when they have the same reference, or the same member (donor),
 * day and amount. Empty cells never erase a stored value.
 */
export type RowStatus = 'create' | 'update' | 'unchanged' | 'error';

export interface Change {
  field: string;
  label: string;
  from: string | null;
  to: string | null;
}

export interface PlannedRow {
  row: number;
  status: RowStatus;
  /** who or what the row is, in French (« Martin Claire », « Martin Claire : 25,00 € le 15/01/2025 ») */
  label: string;
  documentId?: string;
  /** what would be written (Document Service data: relations as documentIds); only in a plan made to be written */
  data?: Values;
  changes?: Change[];
  errors?: RowError[];
}

export interface Plan {
  rows: PlannedRow[];
  counts: { create: number; update: number; unchanged: number; errors: number };
}

const MEMBER = 'api::member.member';
const CONTRIBUTION = 'api::contribution.contribution';
const DONOR = 'api::donor.donor';
const DONATION = 'api::donation.donation';
const TYPE = 'api::membership-type.membership-type';

/** A value shown in every row's label (a date, an amount), written once per distinct value: a preview of 60,000 rows repeats a few hundred. */
const memo = <K, V>(fn: (k: K) => V) => {
  const done = new Map<K, V>();
  return (k: K) => {
    if (done.has(k)) return done.get(k)!;
    if (done.size >= 5000) done.clear();
    const v = fn(k);
    done.set(k, v);
    return v;
  };
};
const frDate = memo((d: string | null | undefined) => (d ? d.split('-').reverse().join('/') : ''));
// the shared euro format (one formatter, not one per row: a preview may show 60,000 amounts), with plain spaces
const euros = memo((cents: number | null | undefined) =>
  cents === null || cents === undefined ? '' : formatCentsAsEuros(cents).replace(/\u202f|\u00a0/g, ' ')
);

const personKey = (last: unknown, first: unknown) => `${nameKey(String(last ?? ''))}|${nameKey(String(first ?? ''))}`;
const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => map.set(key, [...(map.get(key) ?? []), value]);
const isoDay = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : v ? String(v).slice(0, 10) : null);

/** A value as the preview shows it (old → new). */
const shown = (uid: string, field: string, v: unknown): string | null => {
  if (v === null || v === undefined || v === '') return null;
  const type = (strapiModelAttributes[uid] ?? {})[field]?.type;
  if (typeof v === 'boolean') return v ? 'Oui' : 'Non';
  if (type === 'decimal') return euros(decimalToCents(v));
  if (type === 'date') return frDate(isoDay(v));
  if (type === 'enumeration') return enumLabel(uid, field, String(v));
  return String(v);
};

/** The content types' attributes, captured once per plan (for the messages and the comparisons). */
let strapiModelAttributes: Record<string, Attributes> = {};

/** Stored and new values of one field, compared as the database keeps them. */
const same = (uid: string, field: string, stored: unknown, next: unknown) => {
  const type = strapiModelAttributes[uid]?.[field]?.type;
  if (type === 'decimal') return decimalToCents(stored) === decimalToCents(next);
  if (type === 'date') return isoDay(stored) === isoDay(next);
  if (type === 'boolean') return Boolean(stored) === Boolean(next);
  if (type === 'email') return String(stored ?? '').toLowerCase() === String(next ?? '').toLowerCase();
  if (type === 'relation') return (stored ?? null) === (next ?? null);
  return String(stored ?? '').trim() === String(next ?? '').trim();
};

/** The changes a row brings to a stored record: only the fields the row fills. */
const changesOf = (uid: string, stored: Values, data: Values, labels: Record<string, string> = {}) => {
  const changes: Change[] = [];
  for (const [field, next] of Object.entries(data)) {
    if (next === null || next === undefined) continue;
    if (same(uid, field, stored[field], next)) continue;
    const from = field in labels ? (labels[`${field}:${stored[field]}`] ?? stored[field]) : shown(uid, field, stored[field]);
    const to = field in labels ? (labels[`${field}:${next}`] ?? next) : shown(uid, field, next);
    changes.push({ field, label: labelOf(uid, field), from: from ?? null, to: to ?? null });
  }
  return changes;
};

/** The schema's own limits (length, required), as preview errors rather than a refused write. */
const schemaErrors = (uid: string, read: ReadRow, data: Values, creating: boolean) => {
  const errors: RowError[] = [];
  for (const [field, attr] of Object.entries<Attribute>(strapiModelAttributes[uid])) {
    const v = data[field];
    const column = read.columns[field] ?? '(aucune colonne)';
    if (
      creating &&
      attr.required &&
      (v === null || v === undefined || v === '') &&
      attr.default === undefined &&
      attr.type !== 'relation'
    ) {
      errors.push({ row: read.row, column, message: `${labelOf(uid, field)} : ce champ est obligatoire` });
    }
    if (typeof v === 'string' && attr.maxLength && v.length > attr.maxLength) {
      errors.push({ row: read.row, column, message: `« ${v.slice(0, 40)}… » : ${attr.maxLength} caractères au maximum` });
    }
  }
  return errors;
};

/** The content type's own fields a row fills (amounts from cents to decimals). */
const ownData = (kind: ImportKind, values: Values) => {
  const data: Values = {};
  for (const target of TARGETS[kind]) {
    if (!target.field || values[target.key] === undefined || values[target.key] === null) continue;
    data[target.field] = target.type === 'amount' ? centsToDecimal(values[target.key]) : values[target.key];
  }
  return data;
};

/** The rows' outcomes, one at a time in the file's order, against the stored records loaded once. */
export type RowPlanner = (reads: Iterable<ReadRow>, options: PlanOptions) => Generator<PlannedRow>;

/** Rows already taken by an earlier row of the file, by key. */
class Claims {
  private taken = new Map<string, number>();
  /** the row that already took one of these keys, or null (then they are this row's) */
  claim(row: number, keys: Array<string | null | false | undefined>) {
    const present = keys.filter(Boolean) as string[];
    for (const key of present) {
      const other = this.taken.get(key);
      if (other !== undefined && other !== row) return other;
    }
    for (const key of present) this.taken.set(key, row);
    return null;
  }
}

const finish = (rows: PlannedRow[]): Plan => ({
  rows,
  counts: {
    create: rows.filter((r) => r.status === 'create').length,
    update: rows.filter((r) => r.status === 'update').length,
    unchanged: rows.filter((r) => r.status === 'unchanged').length,
    errors: rows.filter((r) => r.status === 'error').length,
  },
});

/** An error row; a « required » message is dropped when its column already says why it is empty (« vingt » is not a number). */
const errorRow = (read: ReadRow, label: string, errors: RowError[]): PlannedRow => {
  const unreadable = new Set(read.errors.map((e) => e.column));
  const shownErrors = errors.filter((e, i) => i < read.errors.length || !(unreadable.has(e.column) && /obligatoire/.test(e.message)));
  return { row: read.row, status: 'error', label, errors: shownErrors };
};

/**
 * How a plan is made: `write` keeps what each row would write (the import itself); a preview keeps
 * only what it shows (a file of 60,000 rows, each with its data, would take tens of MB for nothing).
 */
export interface PlanOptions {
  write: boolean;
}

/** The row's outcome once matched: create, update (with its changes) or unchanged. */
const outcome = (
  options: PlanOptions,
  uid: string,
  read: ReadRow,
  label: string,
  stored: Values | null,
  data: Values,
  labels?: Record<string, string>
): PlannedRow => {
  if (!stored) return options.write ? { row: read.row, status: 'create', label, data } : { row: read.row, status: 'create', label };
  const changes = changesOf(uid, stored, data, labels);
  if (!changes.length) return { row: read.row, status: 'unchanged', label, documentId: stored.documentId };
  const row: PlannedRow = { row: read.row, status: 'update', label, documentId: stored.documentId, changes };
  if (options.write) row.data = Object.fromEntries(changes.map((c) => [c.field, data[c.field]]));
  return row;
};

// ---------------------------------------------------------------- members

const MEMBER_FIELDS = TARGETS.members.filter((t) => t.field).map((t) => t.field!);

export interface MemberIndex {
  byNumber: Map<number, Values>;
  byEmail: Map<string, Values>;
  byName: Map<string, Values[]>;
  byFullName: Map<string, Values[]>;
}

/** Adds a member (as loadMembers selects it) to the index: a record created after the index was loaded. */
export const indexMember = (index: MemberIndex, m: Values) => {
  m.birthDate = isoDay(m.birthDate);
  if (m.memberNumber) index.byNumber.set(m.memberNumber, m);
  if (m.email) index.byEmail.set(String(m.email).toLowerCase(), m);
  push(index.byName, personKey(m.lastName, m.firstName), m);
  push(index.byFullName, nameKey(`${m.lastName ?? ''}${m.firstName ?? ''}`), m);
  push(index.byFullName, nameKey(`${m.firstName ?? ''}${m.lastName ?? ''}`), m);
};

/** Every member, indexed for matchMember (one query). */
export const loadMembers = async (strapi: Strapi, fields: string[] = []): Promise<MemberIndex> => {
  const rows = await strapi.db.query(MEMBER).findMany({
    select: ['documentId', 'displayName', ...new Set([...fields, 'memberNumber', 'email', 'lastName', 'firstName', 'birthDate'])],
  });
  const index: MemberIndex = { byNumber: new Map(), byEmail: new Map(), byName: new Map(), byFullName: new Map() };
  for (const m of rows) indexMember(index, m);
  return index;
};

export const memberLabel = (m: Values) => m.displayName || `${m.lastName ?? ''} ${m.firstName ?? ''}`.trim();
/** Birth dates that do not contradict each other: equal, or unknown on one side. */
const sameBirth = (a: unknown, b: unknown) => !a || !b || a === b;

/** Who a person is, as a file row or a HelloAsso order tells it. */
export interface PersonKeys {
  memberNumber?: number | null;
  email?: string | null;
  lastName?: string | null;
  firstName?: string | null;
  /** YYYY-MM-DD */
  birthDate?: string | null;
}

/**
 * THE member matching rule (imports and HelloAsso): member number; else e-mail (case ignored); else
 * last name + first name (accents, case and punctuation ignored) with the birth date when both sides
 * know it. `member` is the one found (by number, e-mail, or the only name match); `byName` lists every
 * name match, so that a caller can tell an ambiguous name (several) from a contradiction (number and
 * e-mail naming two records, an e-mail held by someone of another name).
 */
export const matchMember = (index: MemberIndex, p: PersonKeys) => {
  const byNumber: Values | undefined = p.memberNumber ? index.byNumber.get(p.memberNumber) : undefined;
  const byEmail: Values | undefined = p.email ? index.byEmail.get(String(p.email).toLowerCase()) : undefined;
  const byName = (index.byName.get(personKey(p.lastName, p.firstName)) ?? []).filter((m) => sameBirth(m.birthDate, p.birthDate));
  const member: Values | undefined = byNumber ?? byEmail ?? (byName.length === 1 ? byName[0] : undefined);
  return { byNumber, byEmail, byName, member };
};

/** Whether two people carry the same name (the matching rule's comparison). */
export const sameName = (a: Pick<PersonKeys, 'lastName' | 'firstName'>, b: Pick<PersonKeys, 'lastName' | 'firstName'>) =>
  personKey(a.lastName, a.firstName) === personKey(b.lastName, b.firstName);

const planMembers = async (strapi: Strapi): Promise<RowPlanner> => {
  const index = await loadMembers(strapi, MEMBER_FIELDS);
  return function* (reads, options) {
    const claims = new Claims();
    for (const read of reads) {
      const v = read.values;
      const label = [v.lastName, v.firstName].filter(Boolean).join(' ') || (v.email ?? `ligne ${read.row}`);
      const data = ownData('members', v);
      const errors = [...read.errors];
      const col = (key: string) => read.columns[key] ?? '(aucune colonne)';
      for (const field of ['lastName', 'firstName']) {
        if (!data[field])
          errors.push({ row: read.row, column: col(field), message: `${labelOf(MEMBER, field)} : ce champ est obligatoire` });
      }
      const { byNumber, byEmail, byName, member: stored } = matchMember(index, v);
      const rowName = personKey(v.lastName, v.firstName);

      if (byNumber && byEmail && byNumber !== byEmail) {
        errors.push({
          row: read.row,
          column: col('email'),
          message: `« ${v.email} » est l\u2019e-mail de ${memberLabel(byEmail)}, mais le n° ${v.memberNumber} est ${memberLabel(byNumber)} : deux fiches différentes`,
        });
      } else if (!byNumber && byEmail && v.lastName && v.firstName && personKey(byEmail.lastName, byEmail.firstName) !== rowName) {
        errors.push({
          row: read.row,
          column: col('email'),
          message: `« ${v.email} » est déjà l\u2019e-mail de ${memberLabel(byEmail)}, une autre personne (adresse partagée ?) : un e-mail n\u2019appartient qu\u2019à un adhérent ; videz-le sur cette ligne ou corrigez le nom`,
        });
      } else if (!stored && byName.length > 1) {
        errors.push({
          row: read.row,
          column: col('lastName'),
          message: `${label} correspond à ${byName.length} fiches (${byName.map(memberLabel).join(', ')}) : ajoutez le n° d\u2019adhérent, l\u2019e-mail ou la date de naissance pour choisir`,
        });
      } else if (stored && byName.length && !byName.includes(stored) && personKey(stored.lastName, stored.firstName) !== rowName) {
        errors.push({
          row: read.row,
          column: col('lastName'),
          message: `${label} est une autre fiche (${byName.map(memberLabel).join(', ')}) que ${memberLabel(stored)}, trouvée par ${byNumber ? 'son n°' : 'son e-mail'}`,
        });
      }
      if (stored && v.memberNumber && stored.memberNumber && stored.memberNumber !== v.memberNumber) {
        errors.push({
          row: read.row,
          column: col('memberNumber'),
          message: `la fiche trouvée (${memberLabel(stored)}) porte le n° ${stored.memberNumber} : un n° d\u2019adhérent ne change pas`,
        });
      }
      errors.push(...schemaErrors(MEMBER, read, data, !stored));
      if (errors.length) {
        yield errorRow(read, label, errors);
        continue;
      }
      const other = claims.claim(read.row, [
        stored && `doc:${stored.documentId}`,
        v.memberNumber && `number:${v.memberNumber}`,
        v.email && `email:${v.email}`,
        !stored && !v.email && !v.memberNumber && `name:${rowName}|${v.birthDate ?? ''}`,
      ]);
      if (other !== null) {
        const message = v.email
          ? `« ${v.email} » est déjà sur la ligne ${other} : même personne en double, ou adresse partagée (un e-mail n\u2019appartient qu\u2019à un adhérent ; videz-le sur l\u2019une des deux lignes)`
          : `même adhérent que la ligne ${other} : une seule ligne par personne`;
        yield errorRow(read, label, [{ row: read.row, column: col(v.email ? 'email' : 'lastName'), message }]);
        continue;
      }
      if (stored) delete data.memberNumber; // never changed once given
      yield outcome(options, MEMBER, read, label, stored ?? null, data);
    }
  };
};

/** The member a contribution row names: by number, else e-mail, else name (with the birth date when given). */
const findMember = (index: MemberIndex, read: ReadRow): { member?: Values; error?: RowError } => {
  const v = read.values;
  const col = (key: string) => read.columns[key] ?? '(aucune colonne)';
  const none = (column: string, what: string): RowError => ({
    row: read.row,
    column,
    message: `aucun adhérent ne correspond à ${what} : importez ou créez d\u2019abord l\u2019adhérent`,
  });
  if (v['member.number']) {
    const m = matchMember(index, { memberNumber: v['member.number'] }).byNumber;
    return m ? { member: m } : { error: none(col('member.number'), `n° ${v['member.number']}`) };
  }
  if (v['member.email']) {
    const m = matchMember(index, { email: v['member.email'] }).byEmail;
    if (m) return { member: m };
  }
  let candidates: Values[] = [];
  let what = '';
  let column = '';
  if (v['member.lastName'] || v['member.firstName']) {
    candidates = matchMember(index, {
      lastName: v['member.lastName'],
      firstName: v['member.firstName'],
      birthDate: v['member.birthDate'],
    }).byName;
    what = `« ${[v['member.lastName'], v['member.firstName']].filter(Boolean).join(' ')} »`;
    column = col('member.lastName');
  } else if (v['member.fullName']) {
    candidates = index.byFullName.get(nameKey(v['member.fullName'])) ?? [];
    candidates = [...new Set(candidates)];
    what = `« ${v['member.fullName']} »`;
    column = col('member.fullName');
  } else if (v['member.email']) {
    return { error: none(col('member.email'), `l\u2019e-mail « ${v['member.email']} »`) };
  } else {
    return { error: { row: read.row, column: '(aucune colonne)', message: 'adhérent manquant : ni n°, ni e-mail, ni nom' } };
  }
  if (candidates.length === 1) return { member: candidates[0] };
  if (!candidates.length) return { error: none(column, what) };
  return {
    error: {
      row: read.row,
      column,
      message: `${what} correspond à ${candidates.length} adhérents (${candidates.map(memberLabel).join(', ')}) : ajoutez le n° d\u2019adhérent ou l\u2019e-mail pour choisir`,
    },
  };
};

// ---------------------------------------------------------------- contributions

const planContributions = async (strapi: Strapi): Promise<RowPlanner> => {
  const members = await loadMembers(strapi, []);
  const types = await strapi.db.query(TYPE).findMany({ select: ['documentId', 'name', 'amount'] });
  const typeByName = new Map(types.map((t: Values) => [nameKey(t.name), t]));
  const typeLabels: Record<string, string> = { membershipType: '' };
  for (const t of types) typeLabels[`membershipType:${t.documentId}`] = t.name;
  const stored = await strapi.db.query(CONTRIBUTION).findMany({
    select: ['documentId', 'amount', 'paidAt', 'periodStart', 'periodEnd', 'paymentMethod', 'reference', 'notes'],
    populate: { member: { select: ['documentId'] }, membershipType: { select: ['documentId'] } },
  });
  const byReference = new Map<string, Values>();
  const byNatural = new Map<string, Values[]>();
  for (const c of stored) {
    c.member = c.member?.documentId ?? null;
    c.membershipType = c.membershipType?.documentId ?? null;
    for (const f of ['paidAt', 'periodStart', 'periodEnd']) c[f] = isoDay(c[f]);
    if (c.reference) byReference.set(String(c.reference).trim(), c);
    push(byNatural, `${c.member}|${c.paidAt}|${decimalToCents(c.amount)}`, c);
  }
  return function* (reads, options) {
    const claims = new Claims();
    for (const read of reads) {
      const v = read.values;
      const col = (key: string) => read.columns[key] ?? '(aucune colonne)';
      const errors = [...read.errors];
      const { member, error } = findMember(members, read);
      if (error) errors.push(error);
      const data = ownData('contributions', v);
      delete data.membershipType;
      if (v.membershipType) {
        const type = typeByName.get(nameKey(v.membershipType));
        if (type) data.membershipType = type.documentId;
        else {
          errors.push({
            row: read.row,
            column: col('membershipType'),
            message: `type d\u2019adhésion « ${v.membershipType} » inconnu (types existants : ${types.map((t: Values) => t.name).join(', ') || 'aucun'}) : créez-le dans « Types d\u2019adhésion » ou retirez cette colonne`,
          });
        }
      }
      if (!data.paidAt)
        errors.push({ row: read.row, column: col('paidAt'), message: `${labelOf(CONTRIBUTION, 'paidAt')} : ce champ est obligatoire` });
      if (data.amount === undefined && !data.membershipType)
        errors.push({ row: read.row, column: col('amount'), message: `${labelOf(CONTRIBUTION, 'amount')} : ce champ est obligatoire` });
      if (typeof data.amount === 'number' && data.amount < 0)
        errors.push({ row: read.row, column: col('amount'), message: 'un montant de cotisation ne peut pas être négatif' });
      const who = member
        ? memberLabel(member)
        : [v['member.lastName'], v['member.firstName']].filter(Boolean).join(' ') || v['member.fullName'] || '';
      const cents =
        v.amount ?? (data.membershipType ? decimalToCents(types.find((t: Values) => t.documentId === data.membershipType)?.amount) : null);
      const label = `${who} : ${euros(cents)} le ${frDate(data.paidAt)}`;
      if (errors.length) {
        yield errorRow(read, label, errors);
        continue;
      }
      data.member = member.documentId;
      const natural = `${member.documentId}|${data.paidAt}|${cents}`;
      let existing: Values | null = null;
      if (data.reference && byReference.has(data.reference)) {
        existing = byReference.get(data.reference);
        if (existing.member !== member.documentId) {
          yield errorRow(read, label, [
            {
              row: read.row,
              column: col('reference'),
              message: `la référence « ${data.reference} » est déjà celle d\u2019une cotisation d\u2019un autre adhérent`,
            },
          ]);
          continue;
        }
      } else {
        const candidates = (byNatural.get(natural) ?? []).filter((c) => !data.reference || !c.reference);
        if (candidates.length > 1) {
          yield errorRow(read, label, [
            {
              row: read.row,
              column: col('paidAt'),
              message: `${candidates.length} cotisations de ${who} ont déjà ce montant à cette date : impossible de savoir laquelle est celle de la ligne`,
            },
          ]);
          continue;
        }
        existing = candidates[0] ?? null;
      }
      const other = claims.claim(read.row, [
        existing ? `doc:${existing.documentId}` : `natural:${natural}`,
        data.reference && `ref:${data.reference}`,
      ]);
      if (other !== null) {
        yield errorRow(read, label, [
          {
            row: read.row,
            column: col(data.reference ? 'reference' : 'paidAt'),
            message: `même cotisation que la ligne ${other} (même adhérent, même date, même montant ou même référence)`,
          },
        ]);
        continue;
      }
      if (existing) delete data.member;
      yield outcome(options, CONTRIBUTION, read, label, existing, data, typeLabels);
    }
  };
};

// ---------------------------------------------------------------- donors

export interface DonorIndex {
  byEmail: Map<string, Values[]>;
  byCompany: Map<string, Values[]>;
  byName: Map<string, Values[]>;
  byFullName: Map<string, Values[]>;
}

const DONOR_FIELDS = TARGETS.donors.filter((t) => t.field).map((t) => t.field!);

/** Adds a donor (as loadDonors selects it) to the index: a record created after the index was loaded. */
export const indexDonor = (index: DonorIndex, d: Values) => {
  if (d.email) push(index.byEmail, String(d.email).toLowerCase(), d);
  if (d.companyName) push(index.byCompany, nameKey(d.companyName), d);
  if (d.lastName) {
    push(index.byName, personKey(d.lastName, d.firstName), d);
    push(index.byFullName, nameKey(`${d.lastName}${d.firstName ?? ''}`), d);
    push(index.byFullName, nameKey(`${d.firstName ?? ''}${d.lastName}`), d);
  }
};

/** Every donor, indexed for findDonor (one query). */
export const loadDonors = async (strapi: Strapi, fields: string[] = []): Promise<DonorIndex> => {
  const rows = await strapi.db
    .query(DONOR)
    .findMany({ select: ['documentId', 'displayName', ...new Set([...fields, 'kind', 'email', 'lastName', 'firstName', 'companyName'])] });
  const index: DonorIndex = { byEmail: new Map(), byCompany: new Map(), byName: new Map(), byFullName: new Map() };
  for (const d of rows) indexDonor(index, d);
  return index;
};

const donorLabel = (d: Values) => d.displayName || d.companyName || `${d.lastName ?? ''} ${d.firstName ?? ''}`.trim();

/** The donor a row names, by the first of e-mail, company, name that finds someone. */
export const findDonor = (index: DonorIndex, v: Values, prefix: '' | 'donor.') => {
  const get = (k: string) => v[`${prefix}${k}`];
  const tries: Array<[string, Values[] | undefined]> = [
    ['email', get('email') ? index.byEmail.get(get('email')) : undefined],
    ['companyName', get('companyName') ? index.byCompany.get(nameKey(get('companyName'))) : undefined],
    ['lastName', get('lastName') ? index.byName.get(personKey(get('lastName'), get('firstName'))) : undefined],
    ['fullName', get('fullName') ? index.byFullName.get(nameKey(get('fullName'))) : undefined],
  ];
  for (const [key, found] of tries) {
    const unique = [...new Set(found ?? [])];
    if (unique.length) return { key, donors: unique };
  }
  return { key: null, donors: [] as Values[] };
};

const planDonors = async (strapi: Strapi): Promise<RowPlanner> => {
  const index = await loadDonors(strapi, DONOR_FIELDS);
  return function* (reads, options) {
    const claims = new Claims();
    for (const read of reads) {
      const v = read.values;
      const col = (key: string) => read.columns[key] ?? '(aucune colonne)';
      const data = ownData('donors', v);
      if (!data.kind) data.kind = data.companyName && !data.lastName ? 'company' : 'individual';
      const label = data.kind === 'company' ? (data.companyName ?? '') : [data.lastName, data.firstName].filter(Boolean).join(' ');
      const errors = [...read.errors];
      if (data.kind === 'company' && !data.companyName)
        errors.push({ row: read.row, column: col('companyName'), message: 'raison sociale obligatoire pour une entreprise' });
      if (data.kind !== 'company' && !data.lastName)
        errors.push({ row: read.row, column: col('lastName'), message: 'nom obligatoire pour un particulier' });
      errors.push(...schemaErrors(DONOR, read, data, true).filter((e) => !/obligatoire/.test(e.message)));
      const { key, donors } = findDonor(index, v, '');
      if (!errors.length && donors.length > 1) {
        errors.push({
          row: read.row,
          column: col(key!),
          message: `${label || v.email} correspond à ${donors.length} donateurs (${donors.map(donorLabel).join(', ')}) : impossible de choisir`,
        });
      }
      if (errors.length) {
        yield errorRow(read, label, errors);
        continue;
      }
      const stored = donors[0] ?? null;
      const other = claims.claim(read.row, [
        stored ? `doc:${stored.documentId}` : null,
        !stored && data.email && `email:${data.email}`,
        !stored &&
          !data.email &&
          (data.kind === 'company' ? `company:${nameKey(data.companyName)}` : `name:${personKey(data.lastName, data.firstName)}`),
      ]);
      if (other !== null) {
        yield errorRow(read, label, [
          {
            row: read.row,
            column: col(data.email ? 'email' : 'lastName'),
            message: `même donateur que la ligne ${other} : une seule ligne par donateur`,
          },
        ]);
        continue;
      }
      if (stored && !v.kind) delete data.kind;
      yield outcome(options, DONOR, read, label, stored, data);
    }
  };
};

// ---------------------------------------------------------------- donations

const planDonations = async (strapi: Strapi): Promise<RowPlanner> => {
  const donors = await loadDonors(strapi, []);
  const stored = await strapi.db.query(DONATION).findMany({
    select: ['documentId', 'amount', 'receivedAt', 'method', 'nature', 'campaign', 'reference', 'notes'],
    populate: { donor: { select: ['documentId'] } },
  });
  const byReference = new Map<string, Values>();
  const byNatural = new Map<string, Values[]>();
  for (const d of stored) {
    d.donor = d.donor?.documentId ?? null;
    d.receivedAt = isoDay(d.receivedAt);
    if (d.reference) byReference.set(String(d.reference).trim(), d);
    push(byNatural, `${d.donor}|${d.receivedAt}|${decimalToCents(d.amount)}`, d);
  }
  return function* (reads, options) {
    const claims = new Claims();
    for (const read of reads) {
      const v = read.values;
      const col = (key: string) => read.columns[key] ?? '(aucune colonne)';
      const errors = [...read.errors];
      const data = ownData('donations', v);
      const { key, donors: found } = findDonor(donors, v, 'donor.');
      const named =
        v['donor.companyName'] ||
        [v['donor.lastName'], v['donor.firstName']].filter(Boolean).join(' ') ||
        v['donor.fullName'] ||
        v['donor.email'] ||
        '';
      if (!found.length) {
        const column = col(
          v['donor.email']
            ? 'donor.email'
            : v['donor.companyName']
              ? 'donor.companyName'
              : v['donor.lastName']
                ? 'donor.lastName'
                : 'donor.fullName'
        );
        errors.push({
          row: read.row,
          column,
          message: `aucun donateur ne correspond à « ${named} » : importez ou créez d\u2019abord le donateur`,
        });
      } else if (found.length > 1) {
        errors.push({
          row: read.row,
          column: col(`donor.${key}`),
          message: `« ${named} » correspond à ${found.length} donateurs (${found.map(donorLabel).join(', ')}) : impossible de choisir`,
        });
      }
      if (data.amount === undefined)
        errors.push({ row: read.row, column: col('amount'), message: `${labelOf(DONATION, 'amount')} : ce champ est obligatoire` });
      else if (data.amount <= 0) errors.push({ row: read.row, column: col('amount'), message: 'un don doit être supérieur à 0' });
      if (!data.receivedAt)
        errors.push({ row: read.row, column: col('receivedAt'), message: `${labelOf(DONATION, 'receivedAt')} : ce champ est obligatoire` });
      errors.push(...schemaErrors(DONATION, read, data, false));
      const donor = found.length === 1 ? found[0] : null;
      const label = `${donor ? donorLabel(donor) : named} : ${euros(v.amount)} le ${frDate(data.receivedAt)}`;
      if (errors.length) {
        yield errorRow(read, label, errors);
        continue;
      }
      data.donor = donor.documentId;
      const natural = `${donor.documentId}|${data.receivedAt}|${v.amount}`;
      let existing: Values | null = null;
      if (data.reference && byReference.has(data.reference)) {
        existing = byReference.get(data.reference);
        if (existing.donor !== donor.documentId) {
          yield errorRow(read, label, [
            {
              row: read.row,
              column: col('reference'),
              message: `la référence « ${data.reference} » est déjà celle d\u2019un don d\u2019un autre donateur`,
            },
          ]);
          continue;
        }
      } else {
        const candidates = (byNatural.get(natural) ?? []).filter((d) => !data.reference || !d.reference);
        if (candidates.length > 1) {
          yield errorRow(read, label, [
            {
              row: read.row,
              column: col('receivedAt'),
              message: `${candidates.length} dons de ce donateur ont déjà ce montant à cette date : impossible de savoir lequel est celui de la ligne`,
            },
          ]);
          continue;
        }
        existing = candidates[0] ?? null;
      }
      const other = claims.claim(read.row, [
        existing ? `doc:${existing.documentId}` : `natural:${natural}`,
        data.reference && `ref:${data.reference}`,
      ]);
      if (other !== null) {
        yield errorRow(read, label, [
          {
            row: read.row,
            column: col(data.reference ? 'reference' : 'receivedAt'),
            message: `même don que la ligne ${other} (même donateur, même date, même montant ou même référence)`,
          },
        ]);
        continue;
      }
      if (existing) delete data.donor;
      yield outcome(options, DONATION, read, label, existing, data);
    }
  };
};

/**
 * The planner of a kind: the stored records read once, then the outcome of each row as it is read.
 * The same planner can go through the file twice (an import: its preview, then its rows as they are
 * written, without holding what each would write).
 */
export const plannerFor = async (strapi: Strapi, kind: ImportKind): Promise<RowPlanner> => {
  strapiModelAttributes = Object.fromEntries(
    [MEMBER, CONTRIBUTION, DONOR, DONATION].map((uid) => [uid, strapi.getModel(uid as UID.Schema).attributes as unknown as Attributes])
  );
  if (kind === 'members') return planMembers(strapi);
  if (kind === 'contributions') return planContributions(strapi);
  if (kind === 'donors') return planDonors(strapi);
  return planDonations(strapi);
};

/** The preview of a file's rows (all of them, with the counts). */
export const planWith = (planner: RowPlanner, reads: Iterable<ReadRow>, options: PlanOptions): Plan => finish([...planner(reads, options)]);

/** The preview of a file's rows for this kind, against what is stored now. */
export const planImport = async (strapi: Strapi, kind: ImportKind, reads: Iterable<ReadRow>, options: PlanOptions): Promise<Plan> =>
  planWith(await plannerFor(strapi, kind), reads, options);

export const uidOf = (kind: ImportKind) => KIND_UID[kind];
