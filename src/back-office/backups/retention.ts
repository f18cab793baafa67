import fs from 'fs';
import path from 'path';
import { DateTime } from 'luxon';
import type { Retention } from './settings';
import { listBackups } from './archive';
import { TZ } from '../../core/dates';

/**
 * Grandfather-father-son retention: among the given instants, keeps the newest one of each of the
 * `daily` most recent days that have a backup, of each of the `weekly` most recent ISO weeks and
 * of each of the `monthly` most recent months (days, weeks and months in Paris time).
 * Returns the kept instants (a subset of the input).
 */
export const selectBackupsToKeep = (dates: Date[], retention: Retention): Set<Date> => {
  const newestFirst = [...dates].sort((a, b) => b.getTime() - a.getTime());
  const keep = new Set<Date>();
  const buckets: Array<[number, (d: DateTime) => string]> = [
    [retention.daily, (d) => d.toISODate()],
    [retention.weekly, (d) => `${d.weekYear}-W${d.weekNumber}`],
    [retention.monthly, (d) => d.toFormat('yyyy-MM')],
  ];
  for (const [limit, bucketOf] of buckets) {
    const seen = new Set<string>();
    for (const date of newestFirst) {
      if (seen.size >= limit) break;
      const bucket = bucketOf(DateTime.fromJSDate(date, { zone: TZ }));
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      keep.add(date);
    }
  }
  return keep;
};

/** Deletes the archives of `dir` that the retention does not keep; returns the deleted file names. */
export const applyRetention = (dir: string, retention: Retention): string[] => {
  const backups = listBackups(dir);
  const kept = selectBackupsToKeep(
    backups.map((b) => b.createdAt),
    retention
  );
  const deleted: string[] = [];
  for (const b of backups) {
    if (kept.has(b.createdAt)) continue;
    fs.rmSync(path.join(dir, b.name), { force: true });
    deleted.push(b.name);
  }
  return deleted;
};
