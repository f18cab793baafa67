import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import * as tar from 'tar';
import { projectRoot } from '../../utils/paths';
import { DatabaseTarget, dumpDatabase, dumpName } from './database';
import { BackupError } from './errors';

/** What an archive holds, written as manifest.json (the first entry of the archive). */
export interface Manifest {
  format: 'asso-backup';
  formatVersion: 1;
  createdAt: string;
  app: { name: string; version: string };
  database: { client: 'sqlite' | 'postgres'; file: string; [detail: string]: unknown };
  /** row count of every table, as dumped */
  tables: Record<string, number>;
  /** every other file of the archive: size in bytes and sha256 */
  files: Record<string, { size: number; sha256: string }>;
}

export interface BackupInfo {
  name: string;
  size: number;
  createdAt: Date;
}

/** asso-backup-2026-11-22T030000Z.tar.gz: sorting by name is sorting by date (UTC). */
export const BACKUP_NAME = /^asso-backup-(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})(\d{2})Z\.tar\.gz$/;

export const backupName = (date: Date) => `asso-backup-${date.toISOString().slice(0, 19).replace(/:/g, '')}Z.tar.gz`;

const dateOfName = (name: string) => {
  const m = BACKUP_NAME.exec(name);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : null;
};

/** The finished archives of a folder, newest first (temporary files are not listed). */
export const listBackups = (dir: string): BackupInfo[] => {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => BACKUP_NAME.test(name))
    .map((name) => ({ name, size: fs.statSync(path.join(dir, name)).size, createdAt: dateOfName(name) }))
    .sort((a, b) => b.name.localeCompare(a.name));
};

/** The path of an archive of `dir` from a name sent by a user: only a real archive name, no path. */
export const backupPath = (dir: string, name: string) => {
  if (typeof name !== 'string' || !BACKUP_NAME.test(name)) return null;
  const file = path.join(dir, name);
  return fs.existsSync(file) ? file : null;
};

const sha256 = (file: string) =>
  new Promise<string>((resolve, reject) => {
    const hash = crypto.createHash('sha256');
    fs.createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });

/** Every file under `dir`, as paths relative to it with '/' separators. */
const walk = (dir: string, prefix = ''): string[] =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const rel = prefix ? `${prefix}/${e.name}` : e.name;
        if (e.isDirectory()) return walk(path.join(dir, e.name), rel);
        return e.isFile() ? [rel] : [];
      })
    : [];

/** Size and checksum of every file under `dir`. */
export const describeFiles = async (dir: string) => {
  const files: Manifest['files'] = {};
  for (const rel of walk(dir).sort()) {
    const file = path.join(dir, rel);
    files[rel] = { size: fs.statSync(file).size, sha256: await sha256(file) };
  }
  return files;
};

/**
 * A frozen copy of the uploads: hard links when the backup folder is on the same disk (instant, and
 * safe because Strapi never rewrites an uploaded file in place), copies otherwise.
 */
const snapshotUploads = (from: string, to: string) => {
  for (const rel of walk(from)) {
    const target = path.join(to, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    try {
      fs.linkSync(path.join(from, rel), target);
    } catch {
      fs.copyFileSync(path.join(from, rel), target);
    }
  }
};

const appInfo = () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
  return { name: pkg.name as string, version: pkg.version as string };
};

/** Temporary files and folders of the backups start with a dot: never listed, never taken for an archive. */
const removeStaleTemporaries = (dir: string) => {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith('.asso-backup-')) continue;
    const file = path.join(dir, name);
    if (fs.statSync(file).mtimeMs < dayAgo) fs.rmSync(file, { recursive: true, force: true });
  }
};

/**
 * Writes one archive into `dir`: the database dump, the uploads and the manifest. The archive is
 * written under a temporary name, verified (read back, every checksum) and only then renamed: a
 * crash or a full disk never leaves a file that looks like a good archive.
 */
export const createBackup = async (options: { target: DatabaseTarget; uploadsDir: string; dir: string; now?: Date }): Promise<BackupInfo> => {
  const createdAt = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000);
  const name = backupName(createdAt);
  fs.mkdirSync(options.dir, { recursive: true });
  removeStaleTemporaries(options.dir);
  const final = path.join(options.dir, name);
  if (fs.existsSync(final)) throw new BackupError(`La sauvegarde ${name} existe déjà : réessayez dans une seconde.`);
  const staging = path.join(options.dir, `.${name}.staging`);
  const partial = path.join(options.dir, `.${name}.partial`);
  try {
    fs.rmSync(staging, { recursive: true, force: true });
    const dump = dumpName(options.target);
    // the copy of the database holds every member's personal data: readable by the owner only
    fs.mkdirSync(staging, { mode: 0o700 });
    fs.mkdirSync(path.join(staging, path.dirname(dump)), { recursive: true });
    const { tables, details } = await dumpDatabase(options.target, path.join(staging, dump));
    snapshotUploads(options.uploadsDir, path.join(staging, 'uploads'));

    const manifest: Manifest = {
      format: 'asso-backup',
      formatVersion: 1,
      createdAt: createdAt.toISOString(),
      app: appInfo(),
      database: { client: options.target.client, file: dump, ...details },
      tables,
      files: await describeFiles(staging),
    };
    fs.writeFileSync(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const entries = ['manifest.json', 'database', ...(fs.existsSync(path.join(staging, 'uploads')) ? ['uploads'] : [])];
    await tar.c({ gzip: true, file: partial, cwd: staging, portable: true }, entries);

    await verifyArchive(partial);
    fs.chmodSync(partial, 0o600);
    const fd = fs.openSync(partial, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(partial, final);
    return { name, size: fs.statSync(final).size, createdAt };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(partial, { force: true });
  }
};

const corrupted = (file: string, why: string) =>
  new BackupError(`L'archive ${path.basename(file)} est endommagée ou incomplète (${why}) : elle ne peut pas être restaurée. Prenez une autre archive.`);

/**
 * Reads the whole archive (gzip and tar integrity), then checks the manifest and the checksum of
 * every file, without extracting anything. Returns the manifest; throws a French BackupError otherwise.
 */
export const verifyArchive = async (file: string): Promise<Manifest> => {
  if (!fs.existsSync(file)) throw new BackupError(`Archive introuvable : ${file}`);
  const seen: Record<string, { size: number; sha256: string }> = {};
  let manifestText: string | null = null;
  const pending: Promise<void>[] = [];
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: (entry) => {
        if (entry.type !== 'File') return;
        const rel = entry.path.replace(/^\.\//, '');
        const hash = crypto.createHash('sha256');
        const chunks: Buffer[] = [];
        let size = 0;
        pending.push(
          new Promise<void>((resolve) => {
            entry.on('data', (d: Buffer) => {
              hash.update(d);
              size += d.length;
              if (rel === 'manifest.json') chunks.push(d);
            });
            entry.on('end', () => {
              if (rel === 'manifest.json') manifestText = Buffer.concat(chunks).toString('utf8');
              else seen[rel] = { size, sha256: hash.digest('hex') };
              resolve();
            });
          })
        );
      },
    });
    await Promise.all(pending);
  } catch (e) {
    throw corrupted(file, `lecture impossible : ${(e as Error).message}`);
  }
  if (manifestText === null) throw corrupted(file, 'manifest.json absent');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(manifestText);
  } catch {
    throw corrupted(file, 'manifest.json illisible');
  }
  if (manifest.format !== 'asso-backup' || !manifest.files || !manifest.tables || !manifest.database) {
    throw corrupted(file, "manifest.json n'est pas celui d'une sauvegarde Asso Back-Office");
  }
  for (const [rel, expected] of Object.entries(manifest.files)) {
    const actual = seen[rel];
    if (!actual) throw corrupted(file, `fichier manquant : ${rel}`);
    if (actual.size !== expected.size || actual.sha256 !== expected.sha256) throw corrupted(file, `somme de contrôle incorrecte : ${rel}`);
  }
  const extra = Object.keys(seen).find((rel) => !manifest.files[rel]);
  if (extra) throw corrupted(file, `fichier inattendu : ${extra}`);
  if (!manifest.files[manifest.database.file]) throw corrupted(file, 'sauvegarde de la base absente');
  return manifest;
};

/** Extracts a verified archive into `dir` (tar refuses absolute paths and '..'). */
export const extractArchive = async (file: string, dir: string) => {
  fs.mkdirSync(dir, { recursive: true });
  await tar.x({ file, cwd: dir, strict: true });
};
