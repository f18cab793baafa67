import fs from 'fs';
import os from 'os';
import path from 'path';

/** Retention of the daily backups: 7 daily, 4 weekly, 12 monthly, in Paris time. No Strapi needed. */
const dist = (file: string) => require(path.join(process.env.TEST_DIST_DIR!, 'src/back-office/backups', file));
const { selectBackupsToKeep, applyRetention } = dist('retention.js') as typeof import('../../src/back-office/backups/retention');
const { backupName, listBackups } = dist('archive.js') as typeof import('../../src/back-office/backups/archive');

const RETENTION = { daily: 7, weekly: 4, monthly: 12 };

/** One backup a night at 03:00 Paris (01:00 or 02:00 UTC) from `from` to `to` included. */
const nightly = (from: string, to: string) => {
  const dates: Date[] = [];
  for (let d = new Date(`${from}T02:00:00Z`); d <= new Date(`${to}T02:00:00Z`); d = new Date(d.getTime() + 86400000)) dates.push(d);
  return dates;
};
const days = (kept: Set<Date>) => [...kept].map((d) => d.toISOString().slice(0, 10)).sort();

describe('backup retention', () => {
  it('keeps the last 7 days, the newest of the last 4 weeks and of the last 12 months', () => {
    const kept = selectBackupsToKeep(nightly('2026-01-01', '2026-04-30'), RETENTION);
    expect(days(kept)).toEqual([
      '2026-01-31', // months: January, February, March, April
      '2026-02-28',
      '2026-03-31',
      '2026-04-12', // ISO weeks 15, 16, 17 (and 18, the current one: April 30)
      '2026-04-19',
      '2026-04-24', // the last 7 days
      '2026-04-25',
      '2026-04-26',
      '2026-04-27',
      '2026-04-28',
      '2026-04-29',
      '2026-04-30',
    ]);
  });

  it('after a year and a half of nights, keeps 12 months only, and counts days in Paris time', () => {
    const kept = selectBackupsToKeep(nightly('2025-01-01', '2026-06-30'), RETENTION);
    const months = new Set(days(kept).map((d) => d.slice(0, 7)));
    expect([...months].sort()[0]).toBe('2025-07');
    expect(months.size).toBe(12);
    // 23:30 UTC on March 31 is already April 1 in Paris: it is April's backup, not March's
    const lateNight = new Date('2026-03-31T23:30:00Z');
    const evening = new Date('2026-03-31T18:00:00Z');
    expect([...selectBackupsToKeep([evening, lateNight], { daily: 0, weekly: 0, monthly: 12 })].length).toBe(2);
    expect([...selectBackupsToKeep([evening, lateNight], { daily: 1, weekly: 0, monthly: 0 })]).toEqual([lateNight]);
  });

  it('keeps only the newest of several backups of one day (a manual one and the nightly one)', () => {
    const manual = new Date('2026-05-10T14:00:00Z');
    const night = new Date('2026-05-10T01:00:00Z');
    const yesterday = new Date('2026-05-09T01:00:00Z');
    expect(days(selectBackupsToKeep([night, manual, yesterday], { daily: 7, weekly: 0, monthly: 0 }))).toEqual(['2026-05-09', '2026-05-10']);
    expect([...selectBackupsToKeep([night, manual, yesterday], { daily: 7, weekly: 0, monthly: 0 })]).toContain(manual);
  });

  it('deletes the archives it does not keep from the folder, and nothing else', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asso-retention-'));
    try {
      const dates = nightly('2026-01-01', '2026-04-30');
      for (const d of dates) fs.writeFileSync(path.join(dir, backupName(d)), 'x');
      // a backup being written, and a file of someone else: never touched
      fs.writeFileSync(path.join(dir, `.${backupName(new Date('2026-01-02T02:00:00Z'))}.partial`), 'x');
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
      const deleted = applyRetention(dir, RETENTION);
      expect(deleted.length).toBe(dates.length - 12);
      const left = listBackups(dir).map((b) => b.createdAt.toISOString().slice(0, 10)).sort();
      expect(left).toEqual(days(selectBackupsToKeep(dates, RETENTION)));
      expect(fs.existsSync(path.join(dir, 'notes.txt'))).toBe(true);
      expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial')).length).toBe(1);
      expect(listBackups(dir)[0].name).toBe('asso-backup-2026-04-30T020000Z.tar.gz');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
