import fs from 'fs';
import path from 'path';
import { describeFiles, extractArchive, Manifest, verifyArchive } from './archive';
import { checkRestoreTools, DatabaseTarget, describeTarget, restoreDatabase, tableCount } from './database';
import { BackupError } from './errors';

export interface RestoreReport {
  manifest: Manifest;
  /** row counts of the restored database */
  tables: Record<string, number>;
  /** tables whose count differs from the manifest (should be empty) */
  mismatches: Array<{ table: string; expected: number | null; actual: number | null }>;
  uploads: number;
}

/** Uploaded files already there (the .gitkeep of a fresh checkout does not count). */
const uploadedFiles = (dir: string) =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name !== '.gitkeep') : [];

export const compareCounts = (expected: Record<string, number>, actual: Record<string, number>) =>
  [...new Set([...Object.keys(expected), ...Object.keys(actual)])]
    .sort()
    .filter((table) => expected[table] !== actual[table])
    .map((table) => ({ table, expected: expected[table] ?? null, actual: actual[table] ?? null }));

/**
 * Restores an archive, the application being stopped:
 *   1. verifies the whole archive (integrity, manifest, every checksum) — nothing touched if it fails;
 *   2. refuses a database or uploads folder that is not empty, unless `force`;
 *   3. extracts next to the uploads folder, replaces the database, then the uploads;
 *   4. counts the rows of every table and compares them with the manifest.
 */
export const restoreBackup = async (options: {
  archive: string;
  target: DatabaseTarget;
  uploadsDir: string;
  force?: boolean;
  log?: (line: string) => void;
}): Promise<RestoreReport> => {
  const log = options.log ?? (() => undefined);
  const { target, uploadsDir } = options;

  log(`Vérification de l'archive ${options.archive}…`);
  const manifest = await verifyArchive(options.archive);
  log(`Archive intacte : sauvegarde du ${manifest.createdAt} (${manifest.app.name} ${manifest.app.version}, ${Object.keys(manifest.files).length} fichiers).`);
  if (manifest.database.client !== target.client) {
    throw new BackupError(
      `Cette archive contient une base ${manifest.database.client} et la configuration (DATABASE_CLIENT) désigne une base ${target.client} : restaurez-la sur le même type de base.`
    );
  }
  await checkRestoreTools(target, manifest.database);

  const tables = await tableCount(target);
  const files = uploadedFiles(uploadsDir);
  if ((tables > 0 || files.length > 0) && !options.force) {
    throw new BackupError(
      `La destination n'est pas vide (${describeTarget(target)} : ${tables} table(s) ; ${uploadsDir} : ${files.length} fichier(s)). ` +
        'Rien n\'a été modifié. Pour la remplacer par la sauvegarde, relancez avec --force.'
    );
  }

  const publicDir = path.dirname(uploadsDir);
  fs.mkdirSync(publicDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(publicDir, '.asso-restore-'));
  try {
    await extractArchive(options.archive, work);
    // The disk may fail too: what was extracted must be exactly what the manifest lists.
    const extracted = await describeFiles(work);
    delete extracted['manifest.json'];
    const intact =
      Object.keys(extracted).length === Object.keys(manifest.files).length &&
      Object.entries(manifest.files).every(([f, d]) => extracted[f]?.sha256 === d.sha256);
    if (!intact) {
      throw new BackupError("Les fichiers extraits ne correspondent pas au manifeste (disque plein ?) : rien n'a été modifié.");
    }

    log(`Restauration de la base (${describeTarget(target)})…`);
    const restored = await restoreDatabase(target, path.join(work, manifest.database.file), work);

    log(`Restauration des fichiers envoyés (${uploadsDir})…`);
    const previous = `${uploadsDir}.before-restore`;
    fs.rmSync(previous, { recursive: true, force: true });
    if (fs.existsSync(uploadsDir)) fs.renameSync(uploadsDir, previous);
    const restoredUploads = path.join(work, 'uploads');
    if (fs.existsSync(restoredUploads)) fs.renameSync(restoredUploads, uploadsDir);
    else fs.mkdirSync(uploadsDir, { recursive: true });
    fs.rmSync(previous, { recursive: true, force: true });

    return {
      manifest,
      tables: restored,
      mismatches: compareCounts(manifest.tables, restored),
      uploads: Object.keys(manifest.files).filter((f) => f.startsWith('uploads/')).length,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
};
