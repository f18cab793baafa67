import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Strapi } from '../types';
import { KINDS } from './fields';
import { commitImport, createImport, findBatch, parseKind, type Author } from './service';

export interface ImportArgs {
  kind: string;
  file: string;
  dryRun: boolean;
  skipErrors: boolean;
  sheet: string | null;
}

const USAGE = `Usage : npm run import -- --kind ${KINDS.join('|')} <fichier.csv|fichier.xlsx> [--dry-run] [--skip-errors] [--sheet <feuille>]`;

/** --kind K file [--dry-run] [--skip-errors] [--sheet S]; anything else is an error, in French. */
export const parseImportArgs = (argv: string[]): ImportArgs => {
  const args: ImportArgs = { kind: '', file: '', dryRun: false, skipErrors: false, sheet: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => (arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i]);
    if (arg === '--dry-run') args.dryRun = true;
    else if (arg === '--skip-errors') args.skipErrors = true;
    else if (arg === '--kind' || arg.startsWith('--kind=')) args.kind = value() ?? '';
    else if (arg === '--sheet' || arg.startsWith('--sheet=')) args.sheet = value() ?? null;
    else if (arg.startsWith('--')) throw new Error(`Option inconnue : ${arg}.\n${USAGE}`);
    else if (!args.file) args.file = arg;
    else throw new Error(`Un seul fichier par import (reçu aussi « ${arg} »).\n${USAGE}`);
  }
  if (!args.kind || !args.file) throw new Error(USAGE);
  return args;
};

/**
 * `npm run import`: the same import as the « Importer » page, for large files (no size limit but the
 * machine's), recorded in the imports log as done « en ligne de commande » (so it can be undone from
 * the page). --dry-run prints the preview and writes nothing. Returns the process exit code.
 */
export const runImportCli = async (strapi: Strapi, argv: string[], print: (line: string) => void = (l) => strapi.log.info(l)) => {
  let args: ImportArgs;
  try {
    args = parseImportArgs(argv);
  } catch (e) {
    print((e as Error).message);
    return 2;
  }
  // npm runs scripts from the project root: a relative path is taken from where the command was typed
  const file = path.resolve(process.env.INIT_CWD || process.cwd(), args.file);
  if (!fs.existsSync(file)) {
    print(`Fichier introuvable : ${file}`);
    return 2;
  }
  const author: Author = { name: `ligne de commande (${os.userInfo().username}@${os.hostname()})` };
  try {
    const kind = parseKind(args.kind);
    const started = Date.now();
    const view = await createImport(strapi, {
      buffer: fs.readFileSync(file),
      fileName: path.basename(file),
      kind,
      sheet: args.sheet,
      author,
      maxBytes: Number.MAX_SAFE_INTEGER,
      dryRun: args.dryRun,
    });
    const d = view.detected;
    print(
      `Fichier : ${path.basename(file)} — format ${d.sourceLabel}${d.encoding ? `, encodage ${d.encoding}` : ''}${d.separatorLabel ? `, séparateur ${d.separatorLabel}` : ''}${d.sheet ? `, feuille « ${d.sheet} »` : ''}`
    );
    for (const m of view.mapping)
      print(`  « ${m.header} » → ${m.target ? view.targets.find((t) => t.key === m.target)?.label : '(ignorée)'}`);
    for (const note of view.notes) print(note);
    const p = view.preview!;
    print(
      `Aperçu : ${p.create} création(s), ${p.update} mise(s) à jour, ${p.unchanged} inchangée(s), ${p.errorRows} ligne(s) en erreur (${((Date.now() - started) / 1000).toFixed(1)} s).`
    );
    if (p.missing.length) print(`Colonnes manquantes : ${p.missing.join(', ')}.`);
    for (const e of p.errors.slice(0, 50)) print(`  ligne ${e.row}, colonne « ${e.column} » : ${e.message}`);
    if (p.errors.length > 50) print(`  … et ${p.errors.length - 50} autre(s) erreur(s).`);
    if (args.dryRun) {
      print('Essai (--dry-run) : rien n\u2019a été écrit.');
      return p.errorRows || p.missing.length ? 1 : 0;
    }
    const batch = await findBatch(strapi, view.id, 'commit');
    const counts = await commitImport(strapi, batch, { skipErrors: args.skipErrors, author });
    print(
      `Import terminé (${((Date.now() - started) / 1000).toFixed(1)} s) : ${counts.created} créée(s), ${counts.updated} mise(s) à jour, ${counts.unchanged} inchangée(s), ${counts.skipped} ignorée(s).`
    );
    return 0;
  } catch (e) {
    const err = e as Error | null;
    if (err?.name === 'ValidationError' || err?.name === 'ApplicationError' || err?.name === 'NotFoundError') {
      print(err.message);
      return 1;
    }
    throw e;
  }
};

/**
 * Waits until the database pool is idle: after a commit, Strapi still runs the document events of
 * the written records; destroying Strapi before they end aborts them (« aborted »).
 */
export const settle = async (strapi: Strapi, maxMs = 60_000) => {
  // knex types its client as any: what is read of its pool (tarn)
  const pool: { numUsed(): number; numPendingAcquires(): number; numPendingCreates(): number } | undefined =
    strapi.db.connection.client?.pool;
  const started = Date.now();
  while (pool && Date.now() - started < maxMs && (pool.numUsed() > 0 || pool.numPendingAcquires() > 0 || pool.numPendingCreates() > 0)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 200));
};
