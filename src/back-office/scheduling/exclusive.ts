import type { Strapi } from '../types';
import { isPostgres, knex } from '../sql';

/** The first key of the advisory locks of exclusive sections (not the jobs' one: a job may enter a section). */
const SECTION_NAMESPACE = 0x45584354; // "EXCT"

/**
 * Runs `fn` while no other instance runs the section `name` (several instances on one PostgreSQL
 * database): the others wait for it, as a second click waits for the first. The lock is held by a
 * transaction (pg_advisory_xact_lock) that `fn` does not use; it goes with the transaction, even if the
 * process dies. On SQLite (one instance) `fn` runs at once: the caller keeps its own in-process queue.
 */
export const exclusive = async <T>(strapi: Strapi, name: string, fn: () => Promise<T>): Promise<T> => {
  if (!isPostgres(strapi)) return fn();
  return knex(strapi).transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?, hashtext(?))', [SECTION_NAMESPACE, name]);
    return fn();
  });
};
