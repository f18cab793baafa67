import { AsyncLocalStorage } from 'async_hooks';
import type { Knex } from 'knex';
import type { Strapi, Values, WriteRule } from '../types';
import { badRequest, fieldError } from '../../core/errors';
import { fiscalYearBounds, fiscalYearStart, todayInParis } from '../../core/dates';
import { readAssociation } from '../../core/association';
import { formatDate } from '../../contract/format';
import { donorDisplayName } from '../../contract/display-names';
import { createMany, deleteMany } from '../rules/many';
import { closedYears, describeFiscalYear, fiscalYearOf } from './fiscal-years';
import { DEFAULT_CATEGORIES } from './defaults';
import { link } from '../sql';

// rules.ts reads this file's rules: its own names are repeated here (no circular import at load time)
const CASH_ACCOUNT = 'api::cash-account.cash-account';
const CATEGORY = 'api::ledger-category.ledger-category';
const ENTRY = 'api::ledger-entry.ledger-entry';
const toCents = (amount: unknown) => Math.round(Number(amount) * 100);

/**
 * The entries the books derive from what the back-office already knows: each contribution, each
 * donation of money and each subsidy payment received is an income entry of the books, linked to its
 * source, written, changed and removed in the same transaction as its source, on every write path
 * (the write rules below; createMany / deleteMany of the imports in one go per slice). A person never
 * types them twice, and changes only their cash account (books/rules.ts refuses the rest).
 * See docs/books.md, « Les écritures automatiques ».
 */

export const CONTRIBUTION = 'api::contribution.contribution';
export const DONATION = 'api::donation.donation';
export const SUBSIDY = 'api::subsidy.subsidy';
const MEMBER = 'api::member.member';
const DONOR = 'api::donor.donor';

export type Origin = 'contribution' | 'donation' | 'subsidy';
/** The origins of the entries this file derives (expense claims are written by their own module). */
export const DERIVED_ORIGINS: readonly string[] = ['contribution', 'donation', 'subsidy'];
export const isDerivedOrigin = (origin: unknown) => typeof origin === 'string' && DERIVED_ORIGINS.includes(origin);

/** How a source is read and what entry it gives. */
interface Source {
  origin: Origin;
  uid: string;
  /** the entry's relation to its source */
  relation: 'contribution' | 'donation' | 'subsidy';
  /** the source's fields that make the entry's date, amount and payment method (named in refusals) */
  dateField: string;
  amountField: string;
  methodField: string | null;
  category: string;
  select: string[];
  populate: Values;
  /** what a source row makes: null when it moves no money into the books */
  money: (row: Values) => { date: string; amount: number; method: string; label: string; refunded: boolean } | null;
  noun: string;
  /** the refusal of a deletion whose entry is in a closed year */
  deleted: (year: string) => string;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());
const isDay = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
const LABEL_MAX = 200;
const fit = (label: string) => (label.length > LABEL_MAX ? `${label.slice(0, LABEL_MAX - 1)}\u2026` : label);

const SOURCES: Record<Origin, Source> = {
  contribution: {
    origin: 'contribution',
    uid: CONTRIBUTION,
    relation: 'contribution',
    dateField: 'paidAt',
    amountField: 'amount',
    methodField: 'paymentMethod',
    category: '756',
    select: ['id', 'documentId', 'paidAt', 'periodStart', 'amount', 'paymentMethod', 'refunded'],
    populate: { member: { select: ['firstName', 'lastName', 'memberNumber'] } },
    money: (row) => {
      if (!isDay(row.paidAt) || !(toCents(row.amount) > 0)) return null;
      const who = [text(row.member?.firstName), text(row.member?.lastName)].filter(Boolean).join(' ') || 'sans adhérent';
      const year = (isDay(row.periodStart) ? row.periodStart : row.paidAt).slice(0, 4);
      return {
        date: row.paidAt,
        amount: Number(row.amount),
        method: row.paymentMethod ?? 'other',
        label: `Cotisation ${year} \u2013 ${who}`,
        refunded: !!row.refunded,
      };
    },
    noun: 'cette cotisation',
    deleted: (year) =>
      `cette cotisation est comptée dans ${year}, qui est clos : elle ne peut plus être supprimée. Si elle a été remboursée, cochez « Remboursée ».`,
  },
  donation: {
    origin: 'donation',
    uid: DONATION,
    relation: 'donation',
    dateField: 'receivedAt',
    amountField: 'amount',
    methodField: 'method',
    category: '754',
    select: ['id', 'documentId', 'receivedAt', 'amount', 'method', 'nature', 'refunded'],
    populate: { donor: { select: ['kind', 'companyName', 'firstName', 'lastName', 'email'] } },
    // a gift in kind or expenses a volunteer waives move no money: no entry
    money: (row) => {
      if (row.nature !== 'cash' || !isDay(row.receivedAt) || !(toCents(row.amount) > 0)) return null;
      const donor = row.donor;
      const who =
        donor?.kind === 'company'
          ? donorDisplayName(donor)
          : [text(donor?.firstName), text(donor?.lastName)].filter(Boolean).join(' ') || donorDisplayName(donor ?? {});
      return {
        date: row.receivedAt,
        amount: Number(row.amount),
        method: row.method ?? 'other',
        label: `Don \u2013 ${who || 'donateur inconnu'}`,
        refunded: !!row.refunded,
      };
    },
    noun: 'ce don',
    deleted: (year) =>
      `ce don est compté dans ${year}, qui est clos : il ne peut plus être supprimé. S\u2019il a été remboursé, cochez « Remboursé ».`,
  },
  subsidy: {
    origin: 'subsidy',
    uid: SUBSIDY,
    relation: 'subsidy',
    dateField: 'receivedAt',
    amountField: 'amountReceived',
    methodField: null,
    category: '74',
    select: ['id', 'documentId', 'receivedAt', 'amountReceived', 'title'],
    populate: { funder: { select: ['name'] } },
    // a subsidy is paid by bank transfer
    money: (row) => {
      if (!isDay(row.receivedAt) || !(toCents(row.amountReceived) > 0)) return null;
      const funder = text(row.funder?.name);
      return {
        date: row.receivedAt,
        amount: Number(row.amountReceived),
        method: 'transfer',
        label: `Subvention \u2013 ${text(row.title)}${funder ? ` (${funder})` : ''}`,
        refunded: false,
      };
    },
    noun: 'ce versement de subvention',
    deleted: (year) =>
      `ce versement de subvention est compté dans ${year}, qui est clos : la subvention ne peut plus être supprimée. Corrigez par une écriture dans l\u2019exercice ouvert.`,
  },
};

export const SOURCE_UIDS: Record<string, Origin> = { [CONTRIBUTION]: 'contribution', [DONATION]: 'donation', [SUBSIDY]: 'subsidy' };

// ---------- the derivation's own writes ----------

const deriving = new AsyncLocalStorage<{ fresh: boolean }>();
/** Whether the current write is the derivation's own (the books' rules let it write what a person may not). */
export const isDeriving = () => deriving.getStore() !== undefined;
/** Whether the derivation writes the entries of sources created in this very transaction: they cannot have one yet. */
export const derivingFresh = () => deriving.getStore()?.fresh === true;
const asDerivation = <T>(fresh: boolean, task: () => Promise<T>) => deriving.run({ fresh }, task);

/**
 * One derived entry per source (and one refund counter-entry): the derivation reads the source's
 * entries and writes them under a lock, so two writes of one source never both create its entry.
 * PostgreSQL: an advisory lock per source, under the derivation's lock held shared; a derivation of
 * many sources (an import, the synchronisation) holds the derivation's lock alone. SQLite writes one
 * transaction at a time.
 */
const DERIVED_LOCK = 0x0b00d1;
const sourceKey = (origin: string, documentId: string) => {
  let hash = 5381;
  for (const c of `${origin}:${documentId}`) hash = (Math.imul(hash, 33) + c.charCodeAt(0)) | 0;
  return hash;
};
const lockSources = async (strapi: Strapi, trx: Knex.Transaction, origin: Origin, documentIds: string[] | null) => {
  if (strapi.db.dialect.client !== 'postgres') return;
  if (!documentIds || documentIds.length > 50) {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [DERIVED_LOCK]);
    return;
  }
  await trx.raw('SELECT pg_advisory_xact_lock_shared(?)', [DERIVED_LOCK]);
  for (const key of [...new Set(documentIds.map((d) => sourceKey(origin, d)))].sort((a, b) => a - b)) {
    await trx.raw('SELECT pg_advisory_xact_lock(?, ?)', [DERIVED_LOCK, key]);
  }
};

// ---------- what the derivation reads once ----------

/** The cash accounts by kind, oldest first (the main bank account is the oldest of kind « bank »). */
interface Context {
  startMonth: number;
  closed: Set<number>;
  /** the first day of the books: no entry is derived before it */
  booksStart: string;
  today: string;
  accounts: Array<{ id: number; documentId: string; kind: string }>;
  categories: Map<string, string>;
}

/**
 * The books start on the first day of the earliest fiscal year that has an opening balance on any
 * cash account: before it the money was counted in the opening balances. Without any opening balance,
 * on the first day of the current fiscal year.
 */
export const booksStart = (accounts: Values[], startMonth: number, today = todayInParis()) => {
  const years = accounts.flatMap((a) => (a.openingBalances ?? []).map((b: Values) => Number(b.fiscalYear))).filter(Number.isInteger);
  return years.length ? fiscalYearBounds(Math.min(...years), startMonth)[0] : fiscalYearStart(today, startMonth);
};

/** The category of a number; created (from the default chart) when the treasurer deleted it. */
const categoryOf = async (strapi: Strapi, number: string) => {
  const found = await strapi.db.query(CATEGORY).findOne({ where: { number }, select: ['documentId'] });
  if (found) return found.documentId as string;
  const model = DEFAULT_CATEGORIES.find((c) => c.number === number)!;
  const created = await strapi.documents(CATEGORY).create({ data: { ...model, active: true } });
  return created.documentId as string;
};

const readContext = async (strapi: Strapi, sources: Source[]): Promise<Context> => {
  const { fiscalYearStartMonth: startMonth } = await readAssociation(strapi, ['fiscalYearStartMonth']);
  const accounts: Values[] = await strapi.db
    .query(CASH_ACCOUNT)
    .findMany({ select: ['id', 'documentId', 'kind'], orderBy: { id: 'asc' }, populate: { openingBalances: true } });
  const categories = new Map<string, string>();
  for (const source of sources) categories.set(source.category, await categoryOf(strapi, source.category));
  return {
    startMonth,
    closed: await closedYears(strapi),
    booksStart: booksStart(accounts, startMonth),
    today: todayInParis(),
    accounts: accounts.map((a) => ({ id: a.id, documentId: a.documentId, kind: a.kind })),
    categories,
  };
};

/**
 * The cash account a payment method implies: HelloAsso → the account of kind « HelloAsso », cash →
 * the account of kind « Caisse » (each when there is exactly one), cheque, transfer, card or other →
 * the main bank account (the oldest of kind « Banque »). Null: not implied, the treasurer chooses.
 */
export const impliedAccount = (accounts: Context['accounts'], method: string) => {
  const kind = method === 'helloasso' ? 'helloasso' : method === 'cash' ? 'cash' : 'bank';
  const ofKind = accounts.filter((a) => a.kind === kind);
  if (kind === 'bank') return ofKind[0]?.documentId ?? null;
  return ofKind.length === 1 ? ofKind[0].documentId : null;
};

// ---------- the plan: what each source's entries should be ----------

interface StoredEntry {
  id: number;
  documentId: string;
  date: string;
  amount: number;
  label: string;
  direction: string;
  paymentMethod: string | null;
  cashAccount: string | null;
  category: string | null;
  source: string | null;
}

/** Entries read per query: the populated relations are read by Strapi with one bound value per entry (PostgreSQL takes 65,535). */
const ENTRY_PAGE = 5000;

/** The entries of these entry ids (or of `where`), with their accounts, categories and sources as documentIds, page by page. */
const readEntryRows = async (strapi: Strapi, source: Source, where: Values): Promise<StoredEntry[]> => {
  const entries: StoredEntry[] = [];
  let lastId = 0;
  for (;;) {
    const rows: Values[] = await strapi.db.query(ENTRY).findMany({
      where: { $and: [{ origin: source.origin }, where, { id: { $gt: lastId } }] },
      select: ['id', 'documentId', 'date', 'amount', 'label', 'direction', 'paymentMethod'],
      populate: {
        cashAccount: { select: ['documentId'] },
        category: { select: ['documentId'] },
        [source.relation]: { select: ['documentId'] },
      },
      orderBy: { id: 'asc' },
      limit: ENTRY_PAGE,
    });
    for (const r of rows)
      entries.push({
        id: r.id,
        documentId: r.documentId,
        date: r.date,
        amount: Number(r.amount),
        label: r.label,
        direction: r.direction,
        paymentMethod: r.paymentMethod ?? null,
        cashAccount: r.cashAccount?.documentId ?? null,
        category: r.category?.documentId ?? null,
        source: r[source.relation]?.documentId ?? null,
      });
    if (rows.length < ENTRY_PAGE) return entries;
    lastId = rows[rows.length - 1].id;
  }
};

/**
 * The entries of these sources (database ids): their ids read from the relation's link table (its index
 * on the source), then the entries by id. A join from the entries would read them all while an import
 * grows them in its transaction.
 */
const readEntries = async (strapi: Strapi, trx: Knex.Transaction, source: Source, sourceIds: number[]) => {
  if (!sourceIds.length) return [];
  const lnk = link(strapi, ENTRY, source.relation);
  const linked: Array<Record<string, unknown>> = await trx(lnk.table).whereIn(lnk.to, sourceIds).select(lnk.from);
  const ids = linked.map((r) => Number(r[lnk.from]));
  const entries: StoredEntry[] = [];
  for (let i = 0; i < ids.length; i += ENTRY_PAGE)
    entries.push(...(await readEntryRows(strapi, source, { id: { $in: ids.slice(i, i + ENTRY_PAGE) } })));
  return entries;
};

interface Plan {
  create: Values[];
  update: Array<{ documentId: string; data: Values }>;
  remove: string[];
}

/**
 * `strict`: a change that would alter an entry of a closed year is refused (a write of the source);
 * otherwise it is left as it is (the synchronisation never touches a closed year).
 */
const planFor = (
  source: Source,
  ctx: Context,
  documentId: string,
  row: Values | null,
  entries: StoredEntry[],
  strict: boolean,
  plan: Plan
) => {
  const yearOf = (day: string) => fiscalYearOf(day, ctx.startMonth);
  const isClosed = (day: string) => ctx.closed.has(yearOf(day));
  const closedText = (day: string) => describeFiscalYear(yearOf(day), ctx.startMonth);
  const refuse = (field: string | null, message: string) => {
    if (!strict) return false;
    throw field ? fieldError(source.uid, field, message) : badRequest(message.charAt(0).toUpperCase() + message.slice(1));
  };
  const main = entries.find((e) => e.direction === 'income');
  const counter = entries.find((e) => e.direction === 'expense');
  // twice the same entry (written before the lock existed): the first is kept
  for (const extra of entries.filter((e) => e !== main && e !== counter && !isClosed(e.date))) plan.remove.push(extra.documentId);
  const money = row ? source.money(row) : null;
  const category = ctx.categories.get(source.category)!;
  const link = { [source.relation]: documentId };

  // the income entry
  const inBooks = money && money.date >= ctx.booksStart;
  if (main && isClosed(main.date)) {
    // a closed year's entry never changes: what would change it is refused
    if (!row) refuse(null, source.deleted(closedText(main.date)));
    else if (!money || !inBooks)
      refuse(
        source.origin === 'donation' && row.nature !== 'cash' ? 'nature' : source.dateField,
        `l\u2019écriture de ${source.noun} est dans ${closedText(main.date)}, qui est clos : elle y reste. Corrigez par une écriture dans l\u2019exercice ouvert.`
      );
    else if (money.date !== main.date)
      refuse(source.dateField, `${closedText(main.date)} est clos : la date de ${source.noun} (${formatDate(main.date)}) ne change plus.`);
    else if (toCents(money.amount) !== toCents(main.amount))
      refuse(source.amountField, `${closedText(main.date)} est clos : le montant de ${source.noun} ne change plus.`);
    else if (source.methodField && money.method !== main.paymentMethod)
      refuse(source.methodField, `${closedText(main.date)} est clos : le moyen de paiement de ${source.noun} ne change plus.`);
  } else {
    // in an open year (or none yet): the entry follows its source; a refund takes it out of the books
    const wanted = money && inBooks && !money.refunded && !isClosed(money.date) ? money : null;
    // an entry moved into a closed year: refused (a source recorded late in a closed year gets no entry: the year is closed)
    if (main && money && inBooks && !money.refunded && isClosed(money.date)) {
      refuse(
        source.dateField,
        `${closedText(money.date)} est clos : on n\u2019y ajoute plus d\u2019écriture. Choisissez une date dans un exercice ouvert.`
      );
    }
    if (!wanted && main) plan.remove.push(main.documentId);
    if (wanted && !main) {
      plan.create.push({
        origin: source.origin,
        ...link,
        date: wanted.date,
        label: fit(wanted.label),
        amount: wanted.amount,
        direction: 'income',
        category,
        paymentMethod: wanted.method,
        cashAccount: impliedAccount(ctx.accounts, wanted.method),
      });
    }
    if (wanted && main) {
      const data: Values = {};
      if (wanted.date !== main.date) data.date = wanted.date;
      if (toCents(wanted.amount) !== toCents(main.amount)) data.amount = wanted.amount;
      if (fit(wanted.label) !== main.label) data.label = fit(wanted.label);
      if (category !== main.category) data.category = category;
      // the account follows the payment method; an account the treasurer chose stays while the method does not change
      if (wanted.method !== main.paymentMethod) {
        data.paymentMethod = wanted.method;
        data.cashAccount = impliedAccount(ctx.accounts, wanted.method);
      } else if (!main.cashAccount) {
        const implied = impliedAccount(ctx.accounts, wanted.method);
        if (implied) data.cashAccount = implied;
      }
      if (Object.keys(data).length) plan.update.push({ documentId: main.documentId, data });
    }
  }

  // the refund of an entry kept in a closed year: a counter-entry in the open year, dated the day of the refund
  const wantsCounter = !!(row && money?.refunded && main && isClosed(main.date));
  if (counter && isClosed(counter.date)) {
    if (!wantsCounter)
      refuse(
        'refunded',
        `le remboursement de ${source.noun} est compté dans ${closedText(counter.date)}, qui est clos : il ne s\u2019annule plus.`
      );
  } else if (!wantsCounter && counter) plan.remove.push(counter.documentId);
  else if (wantsCounter && !counter && main) {
    plan.create.push({
      origin: source.origin,
      ...link,
      date: ctx.today,
      label: fit(`Remboursement \u2013 ${main.label}`),
      amount: main.amount,
      direction: 'expense',
      category,
      paymentMethod: main.paymentMethod,
      cashAccount: main.cashAccount,
    });
  }
};

const SLICE = 500;

/**
 * THE derivation: the entries of these sources (documentIds) made what their sources say, in the
 * current transaction (`trx`): created, changed or removed; a source that no longer exists (or is
 * being deleted: `gone`) loses its entries. One query for the sources and one for their entries per
 * slice of 500; the entries written together (createMany / deleteMany). Refuses (French 400 naming
 * the source's field) a change that would alter an entry of a closed year.
 */
export const deriveEntries = async (
  strapi: Strapi,
  trx: Knex.Transaction,
  origin: Origin,
  documentIds: string[],
  options: { gone?: boolean; fresh?: boolean; strict?: boolean; locked?: boolean } = {}
) => {
  const ids = [...new Set(documentIds.filter(Boolean))];
  if (!ids.length) return { created: 0, updated: 0, removed: 0 };
  const source = SOURCES[origin];
  if (!options.locked) await lockSources(strapi, trx, origin, ids);
  const ctx = await readContext(strapi, [source]);
  const totals = { created: 0, updated: 0, removed: 0 };
  for (let i = 0; i < ids.length; i += SLICE) {
    const part = ids.slice(i, i + SLICE);
    // sources being deleted: only their ids are read; sources just created (`fresh`): no entry yet
    const rows: Values[] = await strapi.db
      .query(source.uid as typeof CONTRIBUTION)
      .findMany(
        options.gone
          ? { where: { documentId: { $in: part } }, select: ['id', 'documentId'] }
          : { where: { documentId: { $in: part } }, select: source.select, populate: source.populate }
      );
    const byId = new Map(options.gone ? [] : rows.map((r) => [r.documentId as string, r]));
    const entries = options.fresh
      ? []
      : await readEntries(
          strapi,
          trx,
          source,
          rows.map((r) => r.id as number)
        );
    const bySource = new Map<string, StoredEntry[]>();
    for (const e of entries) bySource.set(e.source!, [...(bySource.get(e.source!) ?? []), e]);
    const plan: Plan = { create: [], update: [], remove: [] };
    for (const documentId of part) {
      planFor(source, ctx, documentId, byId.get(documentId) ?? null, bySource.get(documentId) ?? [], options.strict ?? true, plan);
    }
    await applyPlan(strapi, plan, totals, options.fresh ?? false);
  }
  return totals;
};

const applyPlan = (strapi: Strapi, plan: Plan, totals: { created: number; updated: number; removed: number }, fresh = false) =>
  asDerivation(fresh, async () => {
    if (plan.remove.length) await deleteMany(strapi, ENTRY, plan.remove);
    for (const { documentId, data } of plan.update) await strapi.documents(ENTRY).update({ documentId, data });
    if (plan.create.length) await createMany(strapi, ENTRY, plan.create);
    totals.created += plan.create.length;
    totals.updated += plan.update.length;
    totals.removed += plan.remove.length;
  });

// ---------- the synchronisation ----------

/**
 * Idempotent: every source's entries made what it says (missing ones created, stale ones changed or
 * removed), and the derived entries whose source is gone (a bulk delete) removed. Never touches a
 * closed year. Run at start-up and after the opening balances (the books' start) or the accounts change.
 */
export const syncDerivedEntries = async (strapi: Strapi) => {
  const totals = { created: 0, updated: 0, removed: 0 };
  await strapi.db.transaction(async ({ trx }) => {
    for (const origin of Object.keys(SOURCES) as Origin[]) {
      const source = SOURCES[origin];
      await lockSources(strapi, trx, origin, null);
      let lastId = 0;
      for (;;) {
        const rows: Values[] = await strapi.db
          .query(source.uid as typeof CONTRIBUTION)
          .findMany({ where: { id: { $gt: lastId } }, select: ['id', 'documentId'], orderBy: { id: 'asc' }, limit: 5000 });
        if (!rows.length) break;
        lastId = rows[rows.length - 1].id;
        const done = await deriveEntries(
          strapi,
          trx,
          origin,
          rows.map((r) => r.documentId),
          { strict: false, locked: true }
        );
        totals.created += done.created;
        totals.updated += done.updated;
        totals.removed += done.removed;
      }
      // entries whose source was deleted without its rules (a raw delete): removed, unless in a closed year
      const orphans = await readEntryRows(strapi, source, { [source.relation]: { id: { $null: true } } });
      const ctx = await readContext(strapi, [source]);
      const stale = orphans.filter((e) => !ctx.closed.has(fiscalYearOf(e.date, ctx.startMonth))).map((e) => e.documentId);
      if (stale.length) await applyPlan(strapi, { create: [], update: [], remove: stale }, totals);
    }
  });
  return totals;
};

// ---------- the write rules of the sources ----------

/** The documentIds of the sources a member or donor write renames (their entries' labels follow). */
const nameFields = ['firstName', 'lastName', 'companyName', 'kind', 'title', 'name'];

/**
 * A source's rule: its entries derived in its transaction, after the write (created, changed), or
 * before it (deleted: the link to the source goes with it). Many sources written together (imports):
 * once per slice (deletions) or for the whole batch (creations).
 */
export const sourceRule = (origin: Origin): WriteRule => ({
  needsTransaction: (write) =>
    write.action === 'delete' || write.creating || Object.keys(write.data).some((f) => f !== 'notes' && f !== 'updatedAt'),
  async beforeWrite(write) {
    if (write.action === 'delete' && write.trx) await deriveEntries(write.strapi, write.trx, origin, [write.documentId!], { gone: true });
  },
  async afterWrite(write, result) {
    if (write.action === 'delete' || !write.trx) return;
    const documentId = write.creating ? result?.documentId : write.documentId;
    if (documentId) await deriveEntries(write.strapi, write.trx, origin, [documentId]);
  },
  async beforeWriteMany(writes) {
    const [first] = writes;
    if (first?.action === 'delete' && first.trx)
      await deriveEntries(
        first.strapi,
        first.trx,
        origin,
        writes.map((w) => w.documentId!),
        { gone: true }
      );
  },
  async afterWriteMany(writes) {
    const [first] = writes;
    if (first && first.action !== 'delete' && first.trx)
      await deriveEntries(
        first.strapi,
        first.trx,
        origin,
        writes.map((w) => w.documentId!)
      );
  },
});

/** A member or a donor renamed: the labels of its entries follow (in open years). */
const renameRule = (uid: string, origin: Origin, relation: string): WriteRule => ({
  needsTransaction: (write) => write.action === 'update' && nameFields.some((f) => f in write.data && write.data[f] !== write.stored?.[f]),
  async afterWrite(write) {
    if (!write.trx || !write.documentId) return;
    const rows: Values[] = await write.strapi.db
      .query(SOURCES[origin].uid as typeof CONTRIBUTION)
      .findMany({ where: { [relation]: { documentId: write.documentId } }, select: ['documentId'] });
    await deriveEntries(
      write.strapi,
      write.trx,
      origin,
      rows.map((r) => r.documentId),
      { strict: false }
    );
  },
  afterWriteMany: () => undefined,
});

/** The books' start as the accounts' opening balances say, read in the current transaction. */
const currentBooksStart = async (strapi: Strapi) => {
  const { fiscalYearStartMonth } = await readAssociation(strapi, ['fiscalYearStartMonth']);
  const accounts: Values[] = await strapi.db.query(CASH_ACCOUNT).findMany({ select: ['id'], populate: { openingBalances: true } });
  return booksStart(accounts, fiscalYearStartMonth);
};

/** The sources whose entries wait for an account (« compte à choisir »): derived again, an account may now be implied. */
const fillMissingAccounts = async (strapi: Strapi, trx: Knex.Transaction) => {
  for (const source of Object.values(SOURCES)) {
    const waiting = await readEntryRows(strapi, source, { cashAccount: { id: { $null: true } } });
    const ids = [...new Set(waiting.map((e) => e.source).filter(Boolean) as string[])];
    if (ids.length) await deriveEntries(strapi, trx, source.origin, ids, { strict: false });
  }
};

/**
 * An account written: when the books' start moves (an opening balance added or removed), every source
 * is derived again (syncDerivedEntries); when an account is created or changes kind, the entries that
 * wait for their account may now have one.
 */
const startBefore = new WeakMap<object, string>();
export const accountSyncRule: WriteRule = {
  needsTransaction: (write) => write.action !== 'delete' && (write.creating || 'openingBalances' in write.data || 'kind' in write.data),
  async beforeWrite(write) {
    startBefore.set(write, await currentBooksStart(write.strapi));
  },
  async afterWrite(write) {
    if (!write.trx) return;
    if (startBefore.get(write) !== (await currentBooksStart(write.strapi))) await syncDerivedEntries(write.strapi);
    else if (write.creating || ('kind' in write.data && write.data.kind !== write.stored?.kind))
      await fillMissingAccounts(write.strapi, write.trx);
  },
  beforeWriteMany: () => undefined,
  async afterWriteMany(writes) {
    if (writes.length && writes[0].action !== 'delete') await syncDerivedEntries(writes[0].strapi);
  },
};

export const derivedWriteRules: Record<string, WriteRule> = {
  [CONTRIBUTION]: sourceRule('contribution'),
  [DONATION]: sourceRule('donation'),
  [SUBSIDY]: sourceRule('subsidy'),
  [MEMBER]: renameRule(MEMBER, 'contribution', 'member'),
  [DONOR]: renameRule(DONOR, 'donation', 'donor'),
  [CASH_ACCOUNT]: accountSyncRule,
};

/** The source an entry write names, for the uniqueness check of books/rules.ts. */
export const entrySource = (merged: Values): { origin: Origin; relation: string; documentId: string } | null => {
  if (!isDerivedOrigin(merged.origin)) return null;
  const origin = merged.origin as Origin;
  const relation = SOURCES[origin].relation;
  return merged[relation] ? { origin, relation, documentId: merged[relation] } : null;
};
