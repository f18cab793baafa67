import type { Attributes, Strapi, Values, WriteContext, WriteRule } from '../types';
import { badRequest, conflict, fieldError } from '../../core/errors';
import { derivingFresh, entrySource, isDerivedOrigin, isDeriving } from './derived';
import { readEnv } from '../../core/config';
import { readAssociation } from '../../core/association';
import { readOnce } from '../rules/once';
import { formatEuros } from '../../contract/format';
import { checkDeleteLeavesNoOrphans, checkNoOrphans } from '../rules/validation';
import { closedYears, describeFiscalYear, fiscalYearOf, FISCAL_YEAR, lockBooks, notEndedYet, yearTotals } from './fiscal-years';

export const CASH_ACCOUNT = 'api::cash-account.cash-account';
export const CATEGORY = 'api::ledger-category.ledger-category';
export const ENTRY = 'api::ledger-entry.ledger-entry';

/** The entries that make incomes and expenses: never a transfer between the association's accounts. */
export const COUNTED_DIRECTIONS = ['income', 'expense'] as const;

/** An amount in euros (number or decimal text) as integer cents. */
export const toCents = (amount: unknown) => Math.round(Number(amount) * 100);

/** What a voucher may be: the scan or photo of an invoice or a receipt, or its PDF. */
export const isVoucherMime = (mime: unknown) => typeof mime === 'string' && (mime.startsWith('image/') || mime === 'application/pdf');

/** The file id a media field is given as (an id, its text, { id }, a one-item list); null when emptied. */
export const mediaId = (value: unknown): number | null => {
  const one = Array.isArray(value) ? value[0] : value;
  if (one === null || one === undefined || one === '') return null;
  if (typeof one === 'object') return mediaId((one as { id?: unknown }).id);
  return Number.isInteger(Number(one)) ? Number(one) : null;
};

/** The settings and closed years the books' rules read: once for a write, once for many written together. */
const booksContext = async (write: WriteContext) => {
  const { strapi } = write;
  const { fiscalYearStartMonth } = await readOnce(write, 'association:fiscalYearStartMonth', () =>
    readAssociation(strapi, ['fiscalYearStartMonth'])
  );
  const closed = await readOnce(write, 'books:closedYears', () => closedYears(strapi));
  return { startMonth: fiscalYearStartMonth, closed };
};

/**
 * A closed fiscal year's entries are never created, changed nor deleted, whatever the write path (the
 * content manager, the content API, createMany / deleteMany): a correction is a new entry in an open year.
 */
const checkOpenYear = async (write: WriteContext, closedNow?: Set<number>) => {
  const { startMonth, closed: closedBefore } = await booksContext(write);
  const closed = closedNow ?? closedBefore;
  const closedYear = (day: unknown) =>
    typeof day === 'string' && closed.has(fiscalYearOf(day, startMonth)) ? fiscalYearOf(day, startMonth) : null;
  const before = write.stored ? closedYear(write.stored.date) : null;
  if (before !== null) {
    const verb = write.action === 'delete' ? 'supprimée' : 'modifiée';
    throw fieldError(
      ENTRY,
      'date',
      `cette écriture appartient à ${describeFiscalYear(before, startMonth)}, qui est clos : elle ne peut plus être ${verb}. ` +
        'Pour la corriger, saisissez une écriture de correction dans l\u2019exercice ouvert.'
    );
  }
  if (write.action === 'delete') return;
  const after = closedYear(write.merged.date);
  if (after !== null) {
    throw fieldError(
      ENTRY,
      'date',
      `${describeFiscalYear(after, startMonth)} est clos : on n\u2019y ajoute plus d\u2019écriture. Choisissez une date dans un exercice ouvert.`
    );
  }
};

const readCategory = (write: WriteContext, documentId: string) =>
  readOnce(write, `${CATEGORY}:${documentId}`, () =>
    write.strapi.db.query(CATEGORY).findOne({ where: { documentId }, select: ['number', 'name', 'kind', 'active'] })
  );

const categoryName = (c: { number: string; name: string }) => `${c.number} ${c.name}`;

/** What each kind of entry needs: a category of its kind (income, expense), two different accounts (transfer). */
const checkDirection = async (write: WriteContext) => {
  const { merged, stored } = write;
  if (merged.direction === 'transfer') {
    if (merged.category)
      throw fieldError(ENTRY, 'category', 'un virement entre comptes n\u2019a pas de catégorie : laissez ce champ vide.');
    if (!merged.toCashAccount) {
      throw fieldError(ENTRY, 'toCashAccount', 'obligatoire pour un virement entre comptes : le compte qui reçoit l\u2019argent.');
    }
    if (merged.toCashAccount === merged.cashAccount) {
      throw fieldError(ENTRY, 'toCashAccount', 'doit être différent du compte d\u2019où part l\u2019argent.');
    }
    return;
  }
  const kind = merged.direction === 'income' ? 'recette' : 'dépense';
  // a derived entry's category is the chart's account of its source (a refund: the income's, reversed), active or not
  if (derived(merged)) return;
  if (merged.toCashAccount) {
    throw fieldError(ENTRY, 'toCashAccount', `seulement pour un virement entre comptes : laissez ce champ vide pour une ${kind}.`);
  }
  if (!merged.category) throw fieldError(ENTRY, 'category', `obligatoire pour une ${kind} (ex. 606 Achats, 756 Cotisations).`);
  const category = await readCategory(write, merged.category);
  if (!category) throw fieldError(ENTRY, 'category', 'cette catégorie n\u2019existe pas.');
  if (category.kind !== merged.direction) {
    const its = category.kind === 'income' ? 'recettes' : 'dépenses';
    throw fieldError(
      ENTRY,
      'category',
      `« ${categoryName(category)} » est une catégorie de ${its} : choisissez une catégorie de ${kind}s pour une ${kind}.`
    );
  }
  if (!category.active && merged.category !== stored?.category) {
    throw fieldError(ENTRY, 'category', `« ${categoryName(category)} » n\u2019est plus utilisée : choisissez-en une autre.`);
  }
};

/** The voucher's file id after the write (null: none). */
const voucherAfterWrite = async (write: WriteContext): Promise<number | null> => {
  if ('voucher' in write.data) return mediaId(write.data.voucher);
  if (!write.documentId || write.creating) return null;
  const row = await write.strapi.db
    .query(ENTRY)
    .findOne({ where: { documentId: write.documentId }, populate: { voucher: { select: ['id'] } } });
  return row?.voucher?.id ?? null;
};

/** The voucher: an image or a PDF (the file's type as the upload found it), required from BOOKS_VOUCHER_REQUIRED_ABOVE euros. */
const checkVoucher = async (write: WriteContext) => {
  const { strapi, merged } = write;
  const fileId = await voucherAfterWrite(write);
  if (fileId !== null && 'voucher' in write.data) {
    const file = await strapi.db.query('plugin::upload.file').findOne({ where: { id: fileId }, select: ['id', 'name', 'mime'] });
    if (!file) throw fieldError(ENTRY, 'voucher', 'ce fichier n\u2019existe pas dans la médiathèque.');
    if (!isVoucherMime(file.mime)) {
      throw fieldError(
        ENTRY,
        'voucher',
        `« ${file.name} » n\u2019est ni une image ni un PDF : joignez la facture ou le reçu en image ou en PDF.`
      );
    }
  }
  // a transfer between the association's own accounts has no invoice: the bank statements show it;
  // a derived entry's proof is its source (the contribution, the donation and its receipt, the subsidy)
  if (fileId !== null || merged.direction === 'transfer' || derived(merged)) return;
  const threshold = readEnv('BOOKS_VOUCHER_REQUIRED_ABOVE');
  if (toCents(merged.amount) >= threshold * 100) {
    throw fieldError(ENTRY, 'voucher', `obligatoire à partir de ${formatEuros(threshold)} : joignez la facture ou le reçu (image ou PDF).`);
  }
};

/** Whether an entry is derived from a contribution, a donation or a subsidy payment (books/derived.ts). */
const derived = (values: Values | null | undefined) => isDerivedOrigin(values?.origin);

/** What a derived entry takes from its source: a person changes it through the source, never here. */
const FROM_SOURCE = [
  'date',
  'label',
  'amount',
  'direction',
  'category',
  'toCashAccount',
  'paymentMethod',
  'reference',
  'mission',
  'subsidy',
  'partner',
  'origin',
  'contribution',
  'donation',
];
const SOURCE_NAMES: Record<string, string> = {
  contribution: 'la cotisation',
  donation: 'le don',
  subsidy: 'la subvention (montant et date du versement)',
};
const sameValue = (field: string, a: unknown, b: unknown) => {
  const empty = (v: unknown) => v === null || v === undefined || v === '';
  if (empty(a) && empty(b)) return true;
  if (field === 'amount') return toCents(a) === toCents(b);
  return String(a) === String(b);
};

/**
 * The entries derived from the back-office's records are written by the derivation only: a person
 * neither creates nor deletes one, and changes only its cash account (and its notes, and what the bank
 * reconciliation records); the rest comes from the source. A manual entry is not linked to a source.
 */
const checkDerivedUnchanged = (write: WriteContext) => {
  if (isDeriving()) return;
  const { stored, merged } = write;
  if (!stored || write.cloning) {
    if (derived(merged) || merged.contribution || merged.donation) {
      throw fieldError(
        ENTRY,
        'origin',
        'les écritures des cotisations, des dons et des versements de subventions s\u2019écrivent seules : enregistrez la cotisation, le don ou la subvention.'
      );
    }
    return;
  }
  if (!derived(stored)) {
    for (const field of ['origin', 'contribution', 'donation']) {
      if (
        !sameValue(field, stored[field] ?? (field === 'origin' ? 'manual' : null), merged[field] ?? (field === 'origin' ? 'manual' : null))
      )
        throw fieldError(ENTRY, field, 'une écriture saisie ne se rattache pas à une cotisation ou à un don : ils ont déjà la leur.');
    }
    return;
  }
  const from = SOURCE_NAMES[stored.origin] ?? 'sa source';
  if (write.action === 'delete') {
    throw badRequest(`Cette écriture vient de ${from} : elle ne se supprime pas ici. Supprimez ou marquez « Remboursé » sa source.`);
  }
  for (const field of FROM_SOURCE) {
    if (!sameValue(field, stored[field], merged[field])) {
      throw fieldError(
        ENTRY,
        field,
        `cette écriture vient de ${from} : seul son compte se choisit ici. Pour changer le reste, modifiez ${from}.`
      );
    }
  }
  if ('voucher' in write.data && mediaId(write.data.voucher) !== null) {
    throw fieldError(ENTRY, 'voucher', `cette écriture vient de ${from}, qui en est le justificatif.`);
  }
};

/** At most one derived entry per source and direction (its income, its refund), read under the derivation's lock. */
const checkOneEntryPerSource = async (writes: WriteContext[]) => {
  // the entries of contributions created in this transaction (an import): none can exist before them
  if (derivingFresh()) return;
  const wanted = writes.filter((w) => w.creating).map((w) => ({ write: w, source: entrySource(w.merged) }));
  const [first] = writes;
  if (!first) return;
  const seen = new Set<string>();
  for (const relation of ['contribution', 'donation', 'subsidy']) {
    const mine = wanted.filter((w) => w.source?.relation === relation);
    if (!mine.length) continue;
    const rows: Values[] = await first.strapi.db.query(ENTRY).findMany({
      where: { origin: mine[0].source!.origin, [relation]: { documentId: { $in: mine.map((w) => w.source!.documentId) } } },
      select: ['direction'],
      populate: { [relation]: { select: ['documentId'] } },
    });
    for (const r of rows) seen.add(`${relation}:${r[relation]?.documentId}:${r.direction}`);
    for (const { write, source } of mine) {
      const key = `${relation}:${source!.documentId}:${write.merged.direction}`;
      if (seen.has(key)) throw conflict('Cette source a déjà son écriture dans la comptabilité.', relation);
      seen.add(key);
    }
  }
};

/** An entry: in an open fiscal year, a positive amount, what its kind needs, its voucher. */
/** The closed years again, in the write's transaction and under the books' lock: a closing may have just committed. */
const checkOpenYearLocked = async (writes: WriteContext[]) => {
  const [first] = writes;
  if (!first?.trx) return;
  await lockBooks(first.strapi, first.trx, 'entries');
  const closed = await closedYears(first.strapi);
  for (const write of writes) await checkOpenYear(write, closed);
};

export const entryRules: WriteRule = {
  needsTransaction: () => true,
  beforeWrite: async (write) => {
    await checkOpenYearLocked([write]);
    await checkOneEntryPerSource([write]);
  },
  beforeWriteMany: async (writes) => {
    await checkOpenYearLocked(writes);
    await checkOneEntryPerSource(writes);
  },
  async check(write) {
    checkDerivedUnchanged(write);
    await checkOpenYear(write);
    if (write.action === 'delete') return;
    const { merged } = write;
    // a derived entry may wait for its account (« compte à choisir »); any other entry has one
    if (!derived(merged) && !merged.cashAccount) throw fieldError(ENTRY, 'cashAccount', 'ce champ est obligatoire.');
    if (merged.amount !== null && merged.amount !== undefined && toCents(merged.amount) <= 0) {
      throw fieldError(
        ENTRY,
        'amount',
        'doit être supérieur à 0. Le sens se choisit avec le type d\u2019écriture : « Dépense » pour l\u2019argent qui sort, « Recette » pour celui qui entre.'
      );
    }
    await checkDirection(write);
    await checkVoucher(write);
  },
};

/** Entries linked to a category or an account (as a transfer's destination), counted. */
const countEntries = (strapi: Strapi, field: 'category' | 'toCashAccount', documentId: string): Promise<number> =>
  strapi.db.query(ENTRY).count({ where: { [field]: { documentId } } });

/** A category: a number of the chart of accounts; its kind fixed once entries use it; kept while entries use it. */
export const categoryRules: WriteRule = {
  prepare(write) {
    // « 606 Achats »: how entries show their category (its main field)
    delete write.data.displayName;
    const number = 'number' in write.data ? write.data.number : write.merged.number;
    const name = 'name' in write.data ? write.data.name : write.merged.name;
    if (write.creating || 'number' in write.data || 'name' in write.data)
      write.data.displayName = [number, name].filter(Boolean).join(' ') || null;
  },
  async check(write) {
    const { strapi, merged, stored, documentId } = write;
    const used = documentId && stored ? await countEntries(strapi, 'category', documentId) : 0;
    if (write.action === 'delete') {
      if (used) {
        throw fieldError(
          CATEGORY,
          'entries',
          `suppression impossible : ${used} écriture${used > 1 ? 's l\u2019utilisent' : ' l\u2019utilise'}. Décochez plutôt « Active » pour ne plus la proposer.`
        );
      }
      return;
    }
    if (typeof merged.number === 'string' && !/^\d{2,8}$/.test(merged.number)) {
      throw fieldError(
        CATEGORY,
        'number',
        `« ${merged.number} » n\u2019est pas un numéro de compte : des chiffres seulement (ex. 606, 7541).`
      );
    }
    if (used && stored && merged.kind !== stored.kind) {
      throw fieldError(
        CATEGORY,
        'kind',
        `${used} écriture${used > 1 ? 's utilisent' : ' utilise'} cette catégorie : son sens ne change plus. Créez-en une autre.`
      );
    }
  },
};

/** An IBAN as written on a bank statement (groups of four), checked with its key (ISO 13616, modulo 97). */
export const normaliseIban = (raw: string) => raw.replace(/\s+/g, '').toUpperCase();
export const isValidIban = (iban: string) => {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1;
};

const openingBalancesOf = (list: unknown): Values[] => (Array.isArray(list) ? (list as Values[]) : []);

/**
 * A cash account: a valid IBAN, one opening balance per fiscal year, the opening balance of a closed
 * year unchanged; kept while entries use it (its own entries: the write pipeline's required relation;
 * transfers towards it: here).
 */
export const cashAccountRules: WriteRule = {
  prepare(write) {
    if (typeof write.data.iban === 'string') write.data.iban = normaliseIban(write.data.iban) || null;
  },
  async check(write) {
    const { strapi, data, documentId, stored } = write;
    // its own entries: kept on the account (a derived entry may wait for an account, but never loses the one it has)
    const attributes = strapi.contentType(CASH_ACCOUNT).attributes as unknown as Attributes;
    const ownEntries = (uid: string) => (uid === ENTRY ? ['cashAccount'] : []);
    if (write.action === 'delete' && documentId) await checkDeleteLeavesNoOrphans(strapi, CASH_ACCOUNT, documentId, attributes, ownEntries);
    else if (documentId) await checkNoOrphans(strapi, CASH_ACCOUNT, data, attributes, ownEntries, documentId);
    if (write.action === 'delete') {
      const used = documentId ? await countEntries(strapi, 'toCashAccount', documentId) : 0;
      if (used) {
        throw fieldError(
          CASH_ACCOUNT,
          'entries',
          `suppression impossible : ${used} virement${used > 1 ? 's arrivent' : ' arrive'} sur ce compte. Supprimez-les ou changez leur compte d\u2019abord.`
        );
      }
      return;
    }
    if (typeof data.iban === 'string' && !isValidIban(data.iban)) {
      throw fieldError(CASH_ACCOUNT, 'iban', `« ${data.iban} » n\u2019est pas un IBAN valide (vérifiez les chiffres et la clé).`);
    }
    if (!('openingBalances' in data)) return;
    const given = openingBalancesOf(data.openingBalances);
    const years = given.map((b) => Number(b.fiscalYear));
    const twice = years.find((y, i) => years.indexOf(y) !== i);
    if (twice !== undefined)
      throw fieldError(CASH_ACCOUNT, 'openingBalances', `un seul solde d\u2019ouverture par exercice (${twice} est donné deux fois).`);
    for (const b of given) {
      if (b.amount === null || b.amount === undefined || b.amount === '' || Number.isNaN(Number(b.amount))) {
        throw fieldError(CASH_ACCOUNT, 'openingBalances', `le solde de l\u2019exercice ${b.fiscalYear} n\u2019est pas un montant.`);
      }
      if (Math.abs(Number(b.amount) * 100 - toCents(b.amount)) > 1e-6) {
        throw fieldError(CASH_ACCOUNT, 'openingBalances', `le solde de l\u2019exercice ${b.fiscalYear} a plus de deux décimales.`);
      }
    }
    // a closed year's opening balance is part of its closed accounts
    const { startMonth, closed } = await booksContext(write);
    const before = new Map<number, number>();
    if (stored && documentId) {
      const row = await strapi.db.query(CASH_ACCOUNT).findOne({ where: { documentId }, populate: { openingBalances: true } });
      for (const b of openingBalancesOf(row?.openingBalances)) before.set(Number(b.fiscalYear), toCents(b.amount));
    }
    const after = new Map(given.map((b) => [Number(b.fiscalYear), toCents(b.amount)] as const));
    for (const year of new Set([...before.keys(), ...after.keys()])) {
      if (closed.has(year) && before.get(year) !== after.get(year)) {
        throw fieldError(
          CASH_ACCOUNT,
          'openingBalances',
          `${describeFiscalYear(year, startMonth)} est clos : son solde d\u2019ouverture ne change plus.`
        );
      }
    }
  },
};

/** 409 when the year being closed is closed already. */
const refuseClosedTwice = async (write: WriteContext) => {
  const year = Number(write.merged.year ?? write.data.year);
  if (!Number.isInteger(year)) return;
  if (await write.strapi.db.query(FISCAL_YEAR).findOne({ where: { year }, select: ['id'] })) {
    const { startMonth } = await booksContext(write);
    throw conflict(`${describeFiscalYear(year, startMonth).replace(/^l/, 'L')} est déjà clos.`, 'year');
  }
};

/** A closed fiscal year stays closed: the record of its closing is never changed nor deleted. */
export const fiscalYearRules: WriteRule = {
  async prepare(write) {
    if (!write.creating) return;
    // said before the generic uniqueness check (« la valeur est déjà utilisée »), in the books' words;
    // closings at the same moment are told apart under the books' lock (beforeWrite)
    await refuseClosedTwice(write);
    if (!write.data.closedAt) write.data.closedAt = new Date().toISOString();
    // what the year holds is counted at the closing, never given
    for (const field of ['entryCount', 'income', 'expense']) delete write.data[field];
  },
  async check(write) {
    if (!write.creating) {
      throw conflict(
        'Un exercice clos ne se rouvre pas et sa clôture ne se modifie pas : corrigez par une écriture dans l\u2019exercice ouvert.'
      );
    }
    const { startMonth } = await booksContext(write);
    const year = Number(write.merged.year);
    const notEnded = Number.isInteger(year) ? notEndedYet(year, startMonth) : null;
    if (notEnded) throw fieldError(FISCAL_YEAR, 'year', notEnded);
  },
  needsTransaction: (write) => write.creating,
  // under the books' lock: the entries being written commit first, and one closing per year
  async beforeWrite(write) {
    if (!write.trx) return;
    await lockBooks(write.strapi, write.trx, 'closing');
    await refuseClosedTwice(write);
    const year = Number(write.merged.year);
    const { startMonth } = await booksContext(write);
    // the year as it is closed: no entry can come in or change any more
    const totals = await yearTotals(write.strapi, write.trx, year, startMonth);
    Object.assign(write.data, { entryCount: totals.entryCount, income: totals.income / 100, expense: totals.expense / 100 });
  },
};

export const booksWriteRules = {
  [CASH_ACCOUNT]: cashAccountRules,
  [CATEGORY]: categoryRules,
  [ENTRY]: entryRules,
  [FISCAL_YEAR]: fiscalYearRules,
};
