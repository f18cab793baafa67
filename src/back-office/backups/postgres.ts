import { spawn } from 'child_process';
import path from 'path';
import { Client } from 'pg';
import { readEnv } from '../../core/config';
import { BackupError } from './errors';

/** A PostgreSQL database as configured in config/database.ts (connection string or separate fields). */
export interface PostgresTarget {
  client: 'postgres';
  connection: {
    connectionString?: string;
    host?: string;
    port?: number;
    database?: string;
    user?: string;
    password?: string;
    ssl?: boolean | { rejectUnauthorized?: boolean };
    schema?: string;
  };
}

export const schemaOf = (target: PostgresTarget) => target.connection.schema || 'public';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export const pgClient = async (target: PostgresTarget) => {
  const { schema: _schema, ...connection } = target.connection;
  const client = new Client(connection);
  await client.connect();
  return client;
};

/** pg_dump, pg_restore: found in PG_BIN_DIR when set, else on the PATH. */
const toolPath = (tool: string) => {
  const dir = readEnv('PG_BIN_DIR');
  return dir ? path.join(dir, tool) : tool;
};

/** libpq settings of the target for the command-line tools (the password goes through the environment). */
const toolEnv = (target: PostgresTarget) => {
  const c = target.connection;
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (c.host) env.PGHOST = c.host;
  if (c.port) env.PGPORT = String(c.port);
  if (c.user) env.PGUSER = c.user;
  if (c.password) env.PGPASSWORD = c.password;
  if (c.database) env.PGDATABASE = c.database;
  if (c.ssl) env.PGSSLMODE = typeof c.ssl === 'object' && c.ssl.rejectUnauthorized === false ? 'require' : 'verify-full';
  return env;
};
const dbArgs = (target: PostgresTarget) => (target.connection.connectionString ? [`--dbname=${target.connection.connectionString}`] : []);

const missingTool = (tool: string) =>
  new BackupError(
    `L'outil « ${tool} » de PostgreSQL est introuvable. Installez le paquet postgresql-client (de la même version que le serveur PostgreSQL, ou plus récente), ou indiquez son dossier dans PG_BIN_DIR.`
  );

/** Runs a PostgreSQL tool; rejects with a French message (tool missing, or its own error output). */
export const runTool = (tool: string, args: string[], target?: PostgresTarget) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(toolPath(tool), target ? [...args, ...dbArgs(target)] : args, {
      env: target ? toolEnv(target) : process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? missingTool(tool) : e));
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new BackupError(`${tool} a échoué (code ${code}) : ${err.trim() || out.trim()}`))
    );
  });

/** Major version of a PostgreSQL tool ("pg_dump (PostgreSQL) 15.20 ..." → 15). */
export const toolMajorVersion = async (tool: string) => {
  const out = await runTool(tool, ['--version']);
  const match = /\(PostgreSQL\)\s+(\d+)/.exec(out);
  if (!match) throw new BackupError(`Version de ${tool} illisible : ${out.trim()}`);
  return Number(match[1]);
};

const serverMajorVersion = async (client: Client) =>
  Math.floor(Number((await client.query('SHOW server_version_num')).rows[0].server_version_num) / 10000);

/** Tables of the schema with their row counts, read by `client` (inside its transaction if any). */
export const countPostgresRows = async (client: Client, schema: string) => {
  const { rows } = await client.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [schema]
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of rows) {
    const res = await client.query(`SELECT count(*)::bigint AS n FROM ${quote(schema)}.${quote(table_name)}`);
    counts[table_name] = Number(res.rows[0].n);
  }
  return counts;
};

/**
 * Dumps the schema with pg_dump (custom format, without owners or privileges so that it restores on
 * another server under another user). The row counts are read in the very snapshot that pg_dump
 * uses (exported snapshot), so that they describe exactly the dump even while the app writes.
 */
export const dumpPostgres = async (target: PostgresTarget, file: string) => {
  const pgDumpMajor = await toolMajorVersion('pg_dump');
  const client = await pgClient(target);
  try {
    const serverMajor = await serverMajorVersion(client);
    if (pgDumpMajor < serverMajor) {
      throw new BackupError(
        `pg_dump ${pgDumpMajor} est plus ancien que le serveur PostgreSQL ${serverMajor} : installez postgresql-client-${serverMajor} (ou plus récent), ou indiquez son dossier dans PG_BIN_DIR.`
      );
    }
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query('SELECT pg_export_snapshot() AS id')).rows[0].id;
    const schema = schemaOf(target);
    const tables = await countPostgresRows(client, schema);
    await runTool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--schema=${schema}`, `--snapshot=${snapshot}`, `--file=${file}`], target);
    await client.query('COMMIT');
    return { tables, details: { pgDumpVersion: pgDumpMajor, serverVersion: serverMajor, schema } };
  } finally {
    await client.end().catch(() => undefined);
  }
};

/** Number of tables in the target schema (0 for an empty database). */
export const postgresTableCount = async (target: PostgresTarget) => {
  const client = await pgClient(target);
  try {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1`,
      [schemaOf(target)]
    );
    return rows[0].n as number;
  } finally {
    await client.end();
  }
};

/** Checks before restoring that pg_restore can read a dump made by pg_dump `dumpMajor`. */
export const checkPgRestore = async (dumpMajor: number) => {
  const major = await toolMajorVersion('pg_restore');
  if (major < dumpMajor) {
    throw new BackupError(
      `pg_restore ${major} ne sait pas relire une sauvegarde faite par pg_dump ${dumpMajor} : installez postgresql-client-${dumpMajor} (ou plus récent).`
    );
  }
};

/**
 * Replaces the schema by the dump's content in ONE transaction (psql --single-transaction): the
 * schema is dropped and recreated from the SQL that pg_restore writes out of the dump; if anything
 * fails, PostgreSQL rolls back and the database is left as it was.
 */
export const restorePostgres = async (target: PostgresTarget, dumpFile: string, sqlFile: string) => {
  const schema = schemaOf(target);
  await runTool('pg_restore', ['--no-owner', '--no-privileges', `--file=${sqlFile}`, dumpFile]);
  await runTool('psql', ['-X', '-q', '--single-transaction', '-v', 'ON_ERROR_STOP=1', '-c', `DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`, '-f', sqlFile], target);
  const client = await pgClient(target);
  try {
    return await countPostgresRows(client, schema);
  } finally {
    await client.end();
  }
};
