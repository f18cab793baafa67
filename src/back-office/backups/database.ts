import { BackupError } from './errors';
import { dumpPostgres, PostgresTarget, postgresTableCount, restorePostgres, checkPgRestore } from './postgres';
import { dumpSqlite, SqliteTarget, sqliteTableCount, restoreSqlite } from './sqlite';

/** The database to back up or restore into, as config/database.ts describes it. */
export type DatabaseTarget = SqliteTarget | PostgresTarget;

/** From Strapi's `database.connection` config ({ client, connection: {...} }). */
export const targetFromConfig = (connection: { client: string; connection: { filename?: string } & PostgresTarget['connection'] }): DatabaseTarget => {
  if (connection.client === 'sqlite') return { client: 'sqlite', filename: connection.connection.filename };
  if (connection.client === 'postgres') return { client: 'postgres', connection: connection.connection };
  throw new BackupError(`Base de données « ${connection.client} » non prise en charge par les sauvegardes (sqlite ou postgres).`);
};

/** File name of the dump inside the archive. */
export const dumpName = (target: DatabaseTarget) => (target.client === 'sqlite' ? 'database/asso.sqlite' : 'database/asso.pgdump');

/** Writes a consistent dump of the database to `file`; returns the row counts of that very dump. */
export const dumpDatabase = (target: DatabaseTarget, file: string) =>
  target.client === 'sqlite' ? dumpSqlite(target, file) : dumpPostgres(target, file);

/** Number of tables already in the target (0: an empty database, safe to restore into). */
export const tableCount = (target: DatabaseTarget) =>
  target.client === 'sqlite' ? Promise.resolve(sqliteTableCount(target)) : postgresTableCount(target);

/** Checks that the tools needed to restore this dump are there, before anything is touched. */
export const checkRestoreTools = async (target: DatabaseTarget, details: Record<string, unknown>) => {
  if (target.client === 'postgres') await checkPgRestore(Number(details.pgDumpVersion ?? 0));
};

/** Replaces the database by the dump; returns the row counts of the restored database. */
export const restoreDatabase = async (target: DatabaseTarget, dumpFile: string, workDir: string) =>
  target.client === 'sqlite' ? restoreSqlite(target, dumpFile) : restorePostgres(target, dumpFile, `${workDir}/restore.sql`);

/** Human name of the target, for messages. */
export const describeTarget = (target: DatabaseTarget) =>
  target.client === 'sqlite'
    ? `SQLite ${target.filename}`
    : `PostgreSQL ${target.connection.database ?? target.connection.connectionString?.replace(/:[^:@/]*@/, ':***@')}`;
