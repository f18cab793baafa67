import fs from 'fs';
import path from 'path';

// better-sqlite3 ships no types; the driver Strapi itself uses for SQLite.
 
const Database = require('better-sqlite3');
/** What is used here of a better-sqlite3 database. */
interface Db {
  prepare: (sql: string) => { all: (...params: unknown[]) => unknown[]; get: (...params: unknown[]) => unknown };
  close: () => void;
}

export interface SqliteTarget {
  client: 'sqlite';
  filename: string;
}

/** Tables (Strapi's and ours, not SQLite's own) with their row counts. */
export const countSqliteRows = (db: Db) => {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .all() as Array<{ name: string }>;
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    counts[name] = (db.prepare(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`).get() as { n: number }).n;
  }
  return counts;
};

const withDb = <T>(file: string, fn: (db: Db) => T, options: Record<string, unknown> = {}) => {
  const db = new Database(file, options);
  try {
    return fn(db);
  } finally {
    db.close();
  }
};

/**
 * Copies the live database with SQLite's online backup API: a consistent snapshot even while the
 * app writes. All pages are copied in one step, so that a write cannot restart the copy forever.
 * The row counts are read from the copy, so they describe exactly what is in the archive.
 */
export const dumpSqlite = async (target: SqliteTarget, file: string) => {
  const source = new Database(target.filename, { readonly: true, fileMustExist: true });
  try {
    await source.backup(file, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  const tables = withDb(file, countSqliteRows, { readonly: true });
  return { tables, details: {} };
};

/** Number of tables in the target database (0 when the file does not exist yet). */
export const sqliteTableCount = (target: SqliteTarget) => {
  if (!fs.existsSync(target.filename) || fs.statSync(target.filename).size === 0) return 0;
  return withDb(target.filename, (db) => Object.keys(countSqliteRows(db)).length, { readonly: true, fileMustExist: true });
};

/**
 * Puts the dumped file in place of the database (the app must be stopped): copied next to it, then
 * renamed over it, so that the database is either the old one or the new one, never half of each.
 * The old journal files go too: left behind, SQLite would replay them onto the restored file.
 */
export const restoreSqlite = (target: SqliteTarget, dumpFile: string) => {
  fs.mkdirSync(path.dirname(target.filename), { recursive: true });
  const temporary = `${target.filename}.restoring`;
  fs.copyFileSync(dumpFile, temporary);
  for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${target.filename}${suffix}`, { force: true });
  fs.renameSync(temporary, target.filename);
  return withDb(target.filename, countSqliteRows, { readonly: true });
};
