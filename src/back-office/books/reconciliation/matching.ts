import { DateTime } from 'luxon';
import type { Strapi, Values } from '../../types';
import { readAssociation } from '../../../core/association';
import { badRequest, conflict, fieldError, notFound } from '../../../core/errors';
import { formatCentsAsEuros, formatDate } from '../../../contract/format';
import { knex, link, table } from '../../sql';
import { closedYears, describeFiscalYear, fiscalYearOf } from '../fiscal-years';
import { ENTRY, toCents } from '../rules';
import { LINE, type Author } from './statements';
import { lockReconciliation } from './lock';

/**
 * Matching a bank statement's operations with the books' entries. One place for the rule: an operation
 * matches an entry of the same account, of the same amount in cents and the same direction (money in,
 * money out), booked within MATCH_WINDOW_DAYS days of it (the closest first); a reference of the entry
 * (cheque or invoice number) found in the bank's label makes it a sure match, up to REFERENCE_WINDOW_DAYS
 * (a cheque is often cashed weeks later). An entry matches at most one operation per account (a transfer
 * between two of the association's accounts: one operation on each). A person confirms each match, or
 * accepts in one action every proposal that is unambiguous.
 */
export const MATCH_WINDOW_DAYS = 7;
export const REFERENCE_WINDOW_DAYS = 60;

/** The money an entry moves on an account, signed in cents (+ in, − out); null when it does not touch the account. */
export const signedCentsOn = (entry: Values, accountId: number): number | null => {
  const cents = toCents(entry.amount);
  const from = entry.cashAccount?.id;
  const to = entry.toCashAccount?.id;
  if (entry.direction === 'transfer') return from === accountId ? -cents : to === accountId ? cents : null;
  if (from !== accountId) return null;
  return entry.direction === 'income' ? cents : -cents;
};

const daysBetween = (a: string, b: string) => Math.abs(DateTime.fromISO(a).diff(DateTime.fromISO(b), 'days').days);

/** Whether the entry's reference (cheque, invoice number) is written in the operation's label or reference. */
export const referenceFound = (reference: unknown, line: { label: string; bankReference?: string | null }) => {
  const ref = String(reference ?? '').trim();
  if (!ref) return false;
  const text = `${line.label} ${line.bankReference ?? ''}`;
  if (/^\d+$/.test(ref.replace(/\s/g, ''))) {
    const wanted = ref.replace(/\s/g, '').replace(/^0+/, '');
    if (wanted.length < 3) return false;
    return (text.match(/\d+/g) ?? ([] as string[])).some((digits) => digits.replace(/^0+/, '') === wanted);
  }
  const simple = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return simple(ref).length >= 4 && simple(text).includes(simple(ref));
};

export interface Candidate {
  entry: Values;
  days: number;
  byReference: boolean;
}

/** Better first: a reference found, then the closest date. */
const compare = (a: Candidate, b: Candidate) => Number(b.byReference) - Number(a.byReference) || a.days - b.days;
const strictlyBetter = (a: Candidate, b: Candidate | undefined) => !b || compare(a, b) < 0;

const ENTRY_POPULATE = {
  cashAccount: { select: ['id', 'documentId', 'name'] },
  toCashAccount: { select: ['id', 'documentId', 'name'] },
  category: { select: ['documentId', 'displayName'] },
  bankLines: { select: ['id', 'status'], populate: { account: { select: ['id'] } } },
} as const;

/** Whether the entry is matched already with an operation of this account. */
const matchedOn = (entry: Values, accountId: number) =>
  (entry.bankLines ?? []).some((l: Values) => l.status === 'matched' && l.account?.id === accountId);

export const entryView = (entry: Values) => ({
  documentId: entry.documentId,
  date: entry.date,
  label: entry.label,
  amount: toCents(entry.amount),
  direction: entry.direction,
  reference: entry.reference ?? null,
  category: entry.category?.displayName ?? null,
  account: entry.cashAccount?.name ?? null,
  toAccount: entry.toCashAccount?.name ?? null,
  reconciledAt: entry.reconciledAt ?? null,
});

/**
 * The proposals for every unmatched operation of an account. A proposal is unambiguous when the operation
 * and the entry are each other's strictly best candidate: two entries equally close (or two operations for
 * one entry) are left for a person to choose.
 */
export const proposalsFor = async (strapi: Strapi, account: Values, lines: Values[]) => {
  const unmatched = lines.filter((l) => l.status === 'unmatched');
  const result = new Map<number, { candidates: Candidate[]; unambiguous: boolean }>();
  if (!unmatched.length) return result;
  const dates = unmatched.map((l) => l.date as string).sort();
  const from = DateTime.fromISO(dates[0]).minus({ days: REFERENCE_WINDOW_DAYS }).toISODate()!;
  const to = DateTime.fromISO(dates[dates.length - 1])
    .plus({ days: REFERENCE_WINDOW_DAYS })
    .toISODate()!;
  const entries: Values[] = await strapi.db.query(ENTRY).findMany({
    where: { date: { $between: [from, to] }, $or: [{ cashAccount: { id: account.id } }, { toCashAccount: { id: account.id } }] },
    populate: ENTRY_POPULATE,
  });
  const open = entries.filter((e) => !matchedOn(e, account.id));
  const byCents = new Map<number, Values[]>();
  for (const e of open) {
    const cents = signedCentsOn(e, account.id);
    if (cents === null) continue;
    byCents.set(cents, [...(byCents.get(cents) ?? []), e]);
  }
  for (const line of unmatched) {
    const candidates: Candidate[] = [];
    for (const entry of byCents.get(toCents(line.amount)) ?? []) {
      const days = daysBetween(line.date, entry.date);
      const byReference = referenceFound(entry.reference, { label: String(line.label), bankReference: line.bankReference });
      if (days <= (byReference ? REFERENCE_WINDOW_DAYS : MATCH_WINDOW_DAYS)) candidates.push({ entry, days, byReference });
    }
    candidates.sort(compare);
    result.set(line.id, { candidates, unambiguous: false });
  }
  // each entry's best operation, to tell whether a proposal is also the entry's own strict best
  const linesOf = new Map<number, Array<{ lineId: number; candidate: Candidate }>>();
  for (const [lineId, { candidates }] of result) {
    for (const candidate of candidates)
      linesOf.set(candidate.entry.id, [...(linesOf.get(candidate.entry.id) ?? []), { lineId, candidate }]);
  }
  for (const [lineId, proposal] of result) {
    const [best, second] = proposal.candidates;
    if (!best || !strictlyBetter(best, second)) continue;
    const rivals = (linesOf.get(best.entry.id) ?? []).filter((r) => r.lineId !== lineId).map((r) => r.candidate);
    proposal.unambiguous = rivals.every((rival) => compare(best, rival) < 0);
  }
  return result;
};

const LINE_POPULATE = {
  account: { select: ['id', 'documentId', 'name'] },
  entry: { populate: ENTRY_POPULATE },
  statement: { select: ['documentId', 'fileName'] },
} as const;

export const lineView = (line: Values, proposal?: { candidates: Candidate[]; unambiguous: boolean }) => ({
  documentId: line.documentId,
  date: line.date,
  label: line.label,
  amount: toCents(line.amount),
  bankReference: line.bankReference ?? null,
  status: line.status,
  statement: line.statement?.fileName ?? null,
  entry: line.entry ? entryView(line.entry) : null,
  matchedAt: line.matchedAt ?? null,
  matchedBy: line.matchedBy ?? null,
  proposals: (proposal?.candidates ?? []).slice(0, 3).map((c) => ({ ...entryView(c.entry), days: c.days, byReference: c.byReference })),
  unambiguous: proposal?.unambiguous ?? false,
});

const STATUSES = ['unmatched', 'matched', 'ignored'];

/** An account's operations (the unmatched with their proposals), newest first, optionally of one status. */
export const listLines = async (strapi: Strapi, account: Values, status?: unknown) => {
  if (status !== undefined && status !== '' && !STATUSES.includes(String(status))) {
    throw badRequest(`État : « ${String(status)} » n\u2019est pas un état d\u2019opération (unmatched, matched, ignored).`, 'status');
  }
  const where: Values = { account: { id: account.id } };
  if (status) where.status = status;
  const lines: Values[] = await strapi.db
    .query(LINE)
    .findMany({ where, orderBy: [{ date: 'desc' }, { id: 'desc' }], populate: LINE_POPULATE, limit: 2000 });
  const proposals = await proposalsFor(strapi, account, lines);
  const counts: Record<string, number> = { unmatched: 0, matched: 0, ignored: 0 };
  const lnk = link(strapi, LINE, 'account');
  const rows: Array<{ status: string; count: string | number }> = await knex(strapi)(`${table(strapi, LINE)} as l`)
    .join(`${lnk.table} as a`, `a.${lnk.from}`, 'l.id')
    .where(`a.${lnk.to}`, account.id)
    .groupBy('l.status')
    .select('l.status as status')
    .count({ count: '*' });
  for (const r of rows) counts[r.status] = Number(r.count);
  return { counts, lines: lines.map((l) => lineView(l, proposals.get(l.id))) };
};

// ---------------------------------------------------------------------------------------------------
// Writing a match

export const readLine = async (strapi: Strapi, documentId: unknown) => {
  const id = typeof documentId === 'string' ? documentId : '';
  const line = id ? await strapi.db.query(LINE).findOne({ where: { documentId: id }, populate: LINE_POPULATE }) : null;
  if (!line) throw notFound('Cette opération du relevé n\u2019existe pas (ou plus).');
  return line as Values;
};

/** The entry's reconciliation date: the day of its latest matched operation (null: none left). */
const refreshReconciledAt = async (strapi: Strapi, entryId: number) => {
  const lines: Values[] = await strapi.db.query(LINE).findMany({ where: { entry: { id: entryId }, status: 'matched' }, select: ['date'] });
  const latest = lines.map((l) => l.date as string).sort()[lines.length - 1] ?? null;
  await strapi.db.query(ENTRY).update({ where: { id: entryId }, data: { reconciledAt: latest } });
};

/** Matches an unmatched operation with an entry, inside the caller's transaction. */
export const matchLine = async (strapi: Strapi, line: Values, entryDocumentId: unknown, author: Author) => {
  const fresh = await strapi.db.query(LINE).findOne({ where: { id: line.id }, select: ['id', 'status'] });
  if (!fresh || fresh.status !== 'unmatched') {
    throw conflict(
      fresh?.status === 'ignored'
        ? 'Cette opération est ignorée : rétablissez-la avant de la rapprocher.'
        : 'Cette opération est déjà rapprochée d\u2019une écriture : défaites ce rapprochement d\u2019abord.'
    );
  }
  const documentId = typeof entryDocumentId === 'string' ? entryDocumentId.trim() : '';
  if (!documentId) throw badRequest('Écriture : choisissez l\u2019écriture qui correspond à cette opération.', 'entry');
  const entry: Values | null = await strapi.db.query(ENTRY).findOne({ where: { documentId }, populate: ENTRY_POPULATE });
  if (!entry) throw badRequest('Écriture : cette écriture n\u2019existe pas (ou plus).', 'entry');
  const accountId = line.account.id;
  const cents = signedCentsOn(entry, accountId);
  if (cents === null) {
    throw badRequest(`Écriture : « ${entry.label} » n\u2019est pas une écriture du compte « ${line.account.name} ».`, 'entry');
  }
  const lineCents = toCents(line.amount);
  if (cents !== lineCents) {
    throw badRequest(
      `Écriture : montants différents : l\u2019opération du ${formatDate(line.date)} est de ${formatCentsAsEuros(lineCents)}, ` +
        `l\u2019écriture « ${entry.label} » de ${formatCentsAsEuros(cents)} sur ce compte.`,
      'entry'
    );
  }
  if (matchedOn(entry, accountId)) {
    throw conflict(`L\u2019écriture « ${entry.label} » est déjà rapprochée d\u2019une autre opération de ce compte.`, 'entry');
  }
  await strapi.db.query(LINE).update({
    where: { id: line.id },
    data: { status: 'matched', entry: entry.id, matchedAt: new Date(), matchedBy: author.name.slice(0, 255) },
  });
  await refreshReconciledAt(strapi, entry.id);
  return entry;
};

/** POST …/lines/:id/match { entry }: a person confirms a match. */
export const confirmMatch = async (strapi: Strapi, lineId: unknown, entryDocumentId: unknown, author: Author) =>
  strapi.db.transaction(async ({ trx }) => {
    await lockReconciliation(strapi, trx);
    const line = await readLine(strapi, lineId);
    await matchLine(strapi, line, entryDocumentId, author);
    return lineView(await readLine(strapi, lineId));
  });

/** Every unambiguous proposal of an account matched in one action; the others stay for a person. */
export const acceptProposals = async (strapi: Strapi, account: Values, author: Author) =>
  strapi.db.transaction(async ({ trx }) => {
    await lockReconciliation(strapi, trx);
    const lines: Values[] = await strapi.db
      .query(LINE)
      .findMany({ where: { account: { id: account.id }, status: 'unmatched' }, populate: LINE_POPULATE });
    const proposals = await proposalsFor(strapi, account, lines);
    let matched = 0;
    for (const line of lines) {
      const proposal = proposals.get(line.id);
      if (!proposal?.unambiguous) continue;
      await matchLine(strapi, line, proposal.candidates[0].entry.documentId, author);
      matched++;
    }
    return { matched, left: lines.length - matched };
  });

/** A closed year's reconciliation is part of its closed accounts: an operation or entry of a closed year stays matched. */
const refuseClosed = async (strapi: Strapi, days: string[]) => {
  const { fiscalYearStartMonth } = await readAssociation(strapi, ['fiscalYearStartMonth']);
  const closed = await closedYears(strapi);
  for (const day of days) {
    const year = fiscalYearOf(day, fiscalYearStartMonth);
    if (closed.has(year)) {
      throw fieldError(
        ENTRY,
        'date',
        `${describeFiscalYear(year, fiscalYearStartMonth)} est clos : ce rapprochement (opération du ${formatDate(days[0])}) ne se défait plus.`
      );
    }
  }
};

/** POST …/lines/:id/unmatch: a matched operation back to « à rapprocher » (an ignored one too), unless its year is closed. */
export const unmatchLine = async (strapi: Strapi, lineId: unknown) =>
  strapi.db.transaction(async ({ trx }) => {
    await lockReconciliation(strapi, trx);
    const line = await readLine(strapi, lineId);
    if (line.status === 'unmatched') throw conflict('Cette opération n\u2019est rapprochée d\u2019aucune écriture.');
    if (line.status === 'matched') await refuseClosed(strapi, [line.date, line.entry?.date].filter(Boolean));
    await strapi.db
      .query(LINE)
      .update({ where: { id: line.id }, data: { status: 'unmatched', entry: null, matchedAt: null, matchedBy: null } });
    if (line.entry) await refreshReconciledAt(strapi, line.entry.id);
    return lineView(await readLine(strapi, lineId));
  });

/** POST …/lines/:id/ignore: an operation that needs no entry (a card payment cancelled the same day by its refund…). */
export const ignoreLine = async (strapi: Strapi, lineId: unknown, author: Author) =>
  strapi.db.transaction(async ({ trx }) => {
    await lockReconciliation(strapi, trx);
    const line = await readLine(strapi, lineId);
    if (line.status !== 'unmatched') throw conflict('Seule une opération à rapprocher peut être ignorée.');
    await strapi.db
      .query(LINE)
      .update({ where: { id: line.id }, data: { status: 'ignored', matchedAt: new Date(), matchedBy: author.name.slice(0, 255) } });
    return lineView(await readLine(strapi, lineId));
  });
