import type { Knex } from 'knex';
import type { Strapi } from '../../types';

/**
 * Imports, matches and unmatches wait for each other (a PostgreSQL advisory lock held until the
 * transaction ends; SQLite has one writer): two people accepting proposals at the same time never match
 * one entry twice, two overlapping statements imported at once keep each operation once.
 */
const RECONCILE_LOCK = 0x0b00c6;
export const lockReconciliation = async (strapi: Strapi, trx: Knex.Transaction) => {
  if (strapi.db.dialect.client !== 'postgres') return;
  await trx.raw('SELECT pg_advisory_xact_lock(?)', [RECONCILE_LOCK]);
};
