import { AsyncLocalStorage } from 'async_hooks';
import type { Strapi } from '../types';

/**
 * A write made only to be rolled back, so that a public form does the same work whatever the answer
 * (see missions/registration.ts): it runs every rule and every query of the real write, but a rule
 * that would refuse it because of what is already stored (a member already on the mission) lets it
 * through, since refusing would do less work than a real write and nothing of it is kept.
 * Only reachable from code: the flag lives in this async context, never in a request.
 */
const storage = new AsyncLocalStorage<true>();

/** True inside `rehearse`, which must run inside a transaction that is rolled back. */
export const isRehearsal = () => storage.getStore() === true;

/** Runs `write` as a rehearsal, inside the current transaction (which the caller rolls back). */
export const rehearse = async <T>(strapi: Strapi, write: () => Promise<T>): Promise<T> => {
  if (!strapi.db.inTransaction()) throw new Error('Une répétition d’écriture doit se faire dans une transaction annulée ensuite.');
  return storage.run(true, write);
};
