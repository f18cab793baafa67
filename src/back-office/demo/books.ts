import { DateTime } from 'luxon';
import type { DocumentData, Strapi } from '../types';
import { readEnv } from '../../core/config';
import { fiscalYearStart } from '../../core/dates';
import { ensureDefaultBooks } from '../books/defaults';
import { CASH_ACCOUNT, CATEGORY, ENTRY } from '../books/rules';
import { syncDerivedEntries } from '../books/derived';
import { balancesAt } from '../books/balances';
import { simplePdf, uploadBuffer } from './media';
import { slugify } from '../../utils/slugify';
import * as D from './data';

type Account = 'bank' | 'cash' | 'helloasso' | 'savings';

/** One line of the demo books, repeated each fiscal year (month: from the fiscal year's first month; cents: the amount). */
interface Line {
  month: number;
  day: number;
  label: string;
  category?: string;
  direction: 'income' | 'expense' | 'transfer';
  cents: number;
  account: Account;
  method: 'cash' | 'cheque' | 'transfer' | 'card' | 'helloasso' | 'other';
  to?: Account;
  reference?: string;
}

/** A small association's year, in the order of its months: rent, insurance, supplies, bank fees, subsidy, fête... */
const YEAR: Line[] = [
  {
    month: 0,
    day: 5,
    label: 'Loyer de la salle (1er trimestre)',
    category: '613',
    direction: 'expense',
    cents: 27000,
    account: 'bank',
    method: 'transfer',
    reference: 'FAC-MAIRIE-T1',
  },
  {
    month: 0,
    day: 20,
    label: 'Dépôt des espèces de l’assemblée générale',
    direction: 'transfer',
    cents: 18000,
    account: 'cash',
    method: 'cash',
    to: 'bank',
  },
  {
    month: 0,
    day: 31,
    label: 'Frais bancaires (janvier)',
    category: '627',
    direction: 'expense',
    cents: 650,
    account: 'bank',
    method: 'other',
  },
  {
    month: 1,
    day: 3,
    label: 'Assurance MAIF (responsabilité civile)',
    category: '616',
    direction: 'expense',
    cents: 31240,
    account: 'bank',
    method: 'transfer',
    reference: 'MAIF-2024-118',
  },
  {
    month: 1,
    day: 14,
    label: 'Achat de fournitures de bureau',
    category: '606',
    direction: 'expense',
    cents: 4790,
    account: 'bank',
    method: 'card',
  },
  {
    month: 2,
    day: 10,
    label: 'Versement HelloAsso vers le compte courant',
    direction: 'transfer',
    cents: 40000,
    account: 'helloasso',
    method: 'transfer',
    to: 'bank',
  },
  {
    month: 2,
    day: 25,
    label: 'Impression des affiches de la fête',
    category: '623',
    direction: 'expense',
    cents: 16800,
    account: 'bank',
    method: 'card',
    reference: 'FAC-2024-0311',
  },
  {
    month: 3,
    day: 5,
    label: 'Loyer de la salle (2e trimestre)',
    category: '613',
    direction: 'expense',
    cents: 27000,
    account: 'bank',
    method: 'transfer',
    reference: 'FAC-MAIRIE-T2',
  },
  {
    month: 4,
    day: 8,
    label: 'Frais d’envoi des convocations',
    category: '626',
    direction: 'expense',
    cents: 3420,
    account: 'bank',
    method: 'card',
  },
  {
    month: 4,
    day: 22,
    label: 'Achat de boissons pour la fête',
    category: '606',
    direction: 'expense',
    cents: 8930,
    account: 'cash',
    method: 'cash',
  },
  {
    month: 5,
    day: 14,
    label: 'Buvette de la fête de quartier',
    category: '706',
    direction: 'income',
    cents: 64350,
    account: 'cash',
    method: 'cash',
  },
  {
    month: 5,
    day: 16,
    label: 'Dépôt de la recette de la buvette',
    direction: 'transfer',
    cents: 60000,
    account: 'cash',
    method: 'cash',
    to: 'bank',
  },
  {
    month: 6,
    day: 5,
    label: 'Loyer de la salle (3e trimestre)',
    category: '613',
    direction: 'expense',
    cents: 27000,
    account: 'bank',
    method: 'transfer',
    reference: 'FAC-MAIRIE-T3',
  },
  {
    month: 6,
    day: 20,
    label: 'Mise de côté sur le livret',
    direction: 'transfer',
    cents: 100000,
    account: 'bank',
    method: 'transfer',
    to: 'savings',
  },
  {
    month: 8,
    day: 9,
    label: 'Déplacement au forum des associations',
    category: '625',
    direction: 'expense',
    cents: 5460,
    account: 'bank',
    method: 'card',
  },
  {
    month: 9,
    day: 5,
    label: 'Loyer de la salle (4e trimestre)',
    category: '613',
    direction: 'expense',
    cents: 27000,
    account: 'bank',
    method: 'transfer',
    reference: 'FAC-MAIRIE-T4',
  },
  {
    month: 9,
    day: 15,
    label: 'Abonnement téléphone et internet',
    category: '626',
    direction: 'expense',
    cents: 7990,
    account: 'bank',
    method: 'other',
  },
  {
    month: 10,
    day: 28,
    label: 'Atelier cuisine : participation des familles',
    category: '706',
    direction: 'income',
    cents: 9600,
    account: 'cash',
    method: 'cash',
  },
  {
    month: 11,
    day: 20,
    label: 'Intérêts du livret',
    category: '768',
    direction: 'income',
    cents: 1840,
    account: 'savings',
    method: 'transfer',
  },
  {
    month: 11,
    day: 31,
    label: 'Frais bancaires (tenue de compte)',
    category: '627',
    direction: 'expense',
    cents: 2400,
    account: 'bank',
    method: 'other',
  },
];

/** The accounts, with their opening balance of the previous fiscal year in cents (the current year's follows from its entries). */
const ACCOUNTS: Record<Account, { name: string; kind: string; iban?: string; opening: number }> = {
  bank: { name: 'Compte courant', kind: 'bank', iban: 'FR7630006000011234567890189', opening: 245000 },
  cash: { name: 'Caisse', kind: 'cash', opening: 8500 },
  helloasso: { name: 'Solde HelloAsso', kind: 'helloasso', opening: 0 },
  savings: { name: 'Livret A', kind: 'bank', opening: 500000 },
};

const euros = (cents: number) => (cents / 100).toFixed(2);

/**
 * The demo books: the default chart of accounts, four cash accounts with their opening balances, and
 * the previous and the current fiscal year's entries up to `today` (about thirty), written through the
 * Document Service and the books' rules, with a PDF voucher where one is required.
 */
export const seedBooks = async (strapi: Strapi, today: string, fiscalYearStartMonth: number) => {
  await ensureDefaultBooks(strapi);
  const current = DateTime.fromISO(fiscalYearStart(today, fiscalYearStartMonth));
  const previous = current.minus({ years: 1 });

  const categories = new Map<string, string>(
    (await strapi.db.query(CATEGORY).findMany({ select: ['number', 'documentId'] })).map((c: { number: string; documentId: string }) => [
      c.number,
      c.documentId,
    ])
  );
  const accounts = {} as Record<Account, string>;
  const entries = Object.entries(ACCOUNTS) as Array<[Account, (typeof ACCOUNTS)[Account]]>;
  // every account first, then their opening balances: the first balance starts the books, and the entries
  // of the members' contributions and donations are then derived once, each with its account
  for (const [key, a] of entries) {
    const data: DocumentData = { name: a.name, kind: a.kind, iban: a.iban ?? null };
    const existing = await strapi.db.query(CASH_ACCOUNT).findOne({ where: { name: a.name }, select: ['documentId'] });
    const saved = existing
      ? await strapi.documents(CASH_ACCOUNT).update({ documentId: existing.documentId, data })
      : await strapi.documents(CASH_ACCOUNT).create({ data });
    accounts[key] = saved.documentId;
  }
  for (const [key, a] of entries) {
    // the current year's opening balance follows from the previous year's entries, derived ones included (below)
    await strapi.documents(CASH_ACCOUNT).update({
      documentId: accounts[key],
      data: { openingBalances: [{ fiscalYear: previous.year, amount: euros(a.opening) }] } as DocumentData,
    });
  }

  const voucherFrom = readEnv('BOOKS_VOUCHER_REQUIRED_ABOVE') * 100;
  let written = 0;
  for (const start of [previous, current]) {
    for (const line of YEAR) {
      const month = start.plus({ months: line.month });
      const day = month.set({ day: Math.min(line.day, month.daysInMonth!) }).toISODate()!;
      if (day > today) continue;
      let voucher: number | null = null;
      if (line.direction !== 'transfer' && line.cents >= voucherFrom) {
        const pdf = await simplePdf(line.label, [
          D.ASSOCIATION.name,
          `${line.label} : ${euros(line.cents).replace('.', ',')} €, le ${day}.`,
          line.reference ?? '',
        ]);
        voucher = (
          await uploadBuffer(
            strapi,
            pdf,
            `justificatif-${slugify(line.label)}-${day}.pdf`,
            'application/pdf',
            `Justificatif : ${line.label}`
          )
        ).id;
      }
      await strapi.documents(ENTRY).create({
        data: {
          date: day,
          label: line.label,
          amount: euros(line.cents),
          direction: line.direction,
          category: line.category ? categories.get(line.category) : null,
          cashAccount: accounts[line.account],
          toCashAccount: line.to ? accounts[line.to] : null,
          paymentMethod: line.method,
          reference: line.reference ?? null,
          voucher,
        },
      });
      written += 1;
    }
  }
  // the contributions, donations and subsidy payments of the demo (written in bulk, without the rules) in the books
  const derived = await syncDerivedEntries(strapi);
  // the current year opens with what the previous one closed with
  const closing = await balancesAt(strapi, current.minus({ days: 1 }).toISODate()!);
  for (const [key, a] of Object.entries(ACCOUNTS) as Array<[Account, (typeof ACCOUNTS)[Account]]>) {
    const balance = closing.accounts.find((b) => b.documentId === accounts[key])?.balance ?? a.opening;
    await strapi.documents(CASH_ACCOUNT).update({
      documentId: accounts[key],
      data: {
        openingBalances: [
          { fiscalYear: previous.year, amount: euros(a.opening) },
          { fiscalYear: current.year, amount: euros(balance) },
        ],
      } as DocumentData,
    });
  }
  return written + derived.created;
};
