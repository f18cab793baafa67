import type { Strapi } from '../types';
import { CASH_ACCOUNT, CATEGORY } from './rules';

/**
 * The short chart of accounts a treasurer recognises, from the associations' chart (règlement ANC
 * 2018-06): class 6 the expenses, class 7 the incomes. Editable afterwards (name, number, « Active »).
 */
export const DEFAULT_CATEGORIES: ReadonlyArray<{ number: string; name: string; kind: 'income' | 'expense' }> = [
  { number: '606', name: 'Achats (fournitures, petit matériel)', kind: 'expense' },
  { number: '613', name: 'Locations', kind: 'expense' },
  { number: '616', name: 'Assurances', kind: 'expense' },
  { number: '623', name: 'Communication (publicité, impressions)', kind: 'expense' },
  { number: '625', name: 'Déplacements et réceptions', kind: 'expense' },
  { number: '626', name: 'Frais postaux et télécommunications', kind: 'expense' },
  { number: '627', name: 'Services bancaires', kind: 'expense' },
  { number: '64', name: 'Rémunérations du personnel', kind: 'expense' },
  { number: '706', name: 'Prestations de services', kind: 'income' },
  { number: '74', name: 'Subventions', kind: 'income' },
  { number: '754', name: 'Dons', kind: 'income' },
  { number: '756', name: 'Cotisations', kind: 'income' },
  { number: '758', name: 'Produits divers de gestion courante', kind: 'income' },
  { number: '768', name: 'Produits financiers', kind: 'income' },
];

export const DEFAULT_CASH_ACCOUNT = { name: 'Compte courant', kind: 'bank' } as const;

/**
 * On a database whose books are empty (first start, or after the demo reset): the default chart of
 * accounts, and the current account most associations have, through the write rules. Once the
 * categories exist nothing is added again, even if the treasurer deletes the current account later.
 * Returns whether it created them.
 */
export const ensureDefaultBooks = async (strapi: Strapi) => {
  if ((await strapi.db.query(CATEGORY).count()) > 0) return false;
  await strapi.db.transaction(async () => {
    for (const category of DEFAULT_CATEGORIES) await strapi.documents(CATEGORY).create({ data: { ...category, active: true } });
    if ((await strapi.db.query(CASH_ACCOUNT).count()) === 0)
      await strapi.documents(CASH_ACCOUNT).create({ data: { ...DEFAULT_CASH_ACCOUNT } });
  });
  return true;
};
