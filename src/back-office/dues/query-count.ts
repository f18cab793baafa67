import { AsyncLocalStorage } from 'async_hooks';
import type { Strapi } from '../types';

/**
 * Counts the SQL queries that `fn` itself sends to the database, and only those: a live server runs
 * other queries at the same time (admin requests, Strapi's own background work), which a plain
 * listener on the connection would count too. knex announces each query synchronously, in the async
 * context of the code that awaits it, so the queries of `fn` are the ones seen inside its context.
 * Used by the tests and the benchmark to check that the reminders job does not grow with the members:
 *   const { result, queries } = await countQueries(strapi, () => runReminders(strapi, { dryRun: true }));
 */
export const countQueries = async <T>(strapi: Strapi, fn: () => Promise<T>): Promise<{ result: T; queries: number; sql: string[] }> => {
  const context = new AsyncLocalStorage<true>();
  const sql: string[] = [];
  const listener = (q: { sql?: string }) => {
    if (context.getStore()) sql.push(String(q?.sql ?? ''));
  };
  const connection = strapi.db.connection;
  connection.on('query', listener);
  try {
    const result = await context.run(true, fn);
    return { result, queries: sql.length, sql };
  } finally {
    connection.removeListener('query', listener);
  }
};
