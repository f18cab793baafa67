import crypto from 'crypto';
import { DateTime } from 'luxon';
import type { Strapi } from '../types';
import { nameAsTitle, readAssociation } from '../../core/association';
import { TZ } from '../../core/dates';
import { MISSION, PARTICIPATION, SEATED } from './capacity';
import { effectiveEnd, effectiveStart, invalidInput as invalid, placeOf } from './schedule';
import { enumLabel } from '../../contract/labels';
import { column, knex, link, table } from '../sql';

import ical, { escape, ICalEventStatus } from 'ical-generator';

const MAX_RANGE_DAYS = 400;
/** How far back the iCal feeds go (calendar apps keep older events themselves). */
const FEED_HISTORY_MONTHS = 12;

/** A mission as the calendars read it. */
interface MissionRow {
  id: number;
  documentId: string;
  title: string;
  summary?: string | null;
  kind?: string;
  status: string;
  startAt: unknown;
  endAt?: unknown;
  capacity?: number | null;
  isPublic?: boolean | null;
  updatedAt?: string | Date | null;
  pole?: { name: string; color?: string | null } | null;
  location?: { name?: string | null; address?: string | null; postalCode?: string | null; city?: string | null } | null;
}

const parseDay = (value: unknown, field: string, label: string) => {
  const d = typeof value === 'string' ? DateTime.fromISO(value, { zone: TZ }) : null;
  if (!d?.isValid) throw invalid(field, `${label} : « ${value ?? ''} » n'est pas une date valide (AAAA-MM-JJ).`);
  return d;
};

/** Missions and events between two days (Paris time), for the admin calendar. */
export const calendarEntries = async (strapi: Strapi, query: { from?: string; to?: string }) => {
  const from = parseDay(query.from, 'from', 'Du');
  const to = parseDay(query.to, 'to', 'Au');
  if (to < from) throw invalid('to', 'Au : la fin doit être postérieure au début.');
  if (to.diff(from, 'days').days > MAX_RANGE_DAYS) throw invalid('to', `Au : ${MAX_RANGE_DAYS} jours au maximum.`);
  const missions: MissionRow[] = await strapi.db.query(MISSION).findMany({
    // starting before the end of the range, and (checked below) ending after its start
    where: { startAt: { $lt: to.toJSDate(), $gte: from.minus({ days: 31 }).toJSDate() } },
    populate: { pole: { select: ['name', 'color'] } },
    orderBy: { startAt: 'asc' },
  });
  const inRange = missions.filter((m) => effectiveEnd(m) > from.toJSDate());
  const counts = await seatCounts(
    strapi,
    inRange.map((m) => m.id)
  );
  return inRange.map((m) => ({
    documentId: m.documentId,
    title: m.title,
    kind: m.kind,
    status: m.status,
    start: effectiveStart(m).toISOString(),
    end: effectiveEnd(m).toISOString(),
    isPublic: Boolean(m.isPublic),
    capacity: m.capacity ?? null,
    confirmed: counts.get(m.id)?.confirmed ?? 0,
    waitlisted: counts.get(m.id)?.waitlisted ?? 0,
    pole: m.pole ? { name: m.pole.name, color: m.pole.color ?? null } : null,
  }));
};

/** Seats taken and places on the waiting list of each mission: counted by the database, one grouped query. */
const seatCounts = async (strapi: Strapi, missionIds: number[]) => {
  const counts = new Map<number, { confirmed: number; waitlisted: number }>();
  if (!missionIds.length) return counts;
  const toMission = link(strapi, PARTICIPATION, 'mission');
  const status = `p.${column(strapi, PARTICIPATION, 'status')}`;
  const rows: Array<{ mission: number; status: string; n: number | string }> = await knex(strapi)
    .from(`${table(strapi, PARTICIPATION)} as p`)
    .join(`${toMission.table} as l`, `l.${toMission.from}`, 'p.id')
    .whereIn(`l.${toMission.to}`, missionIds)
    .whereIn(status, [...SEATED, 'waitlisted'])
    .select(`l.${toMission.to} as mission`, `${status} as status`)
    .count({ n: '*' })
    .groupBy(`l.${toMission.to}`, status);
  for (const r of rows) {
    const c = counts.get(Number(r.mission)) ?? { confirmed: 0, waitlisted: 0 };
    if (r.status === 'waitlisted') c.waitlisted += Number(r.n);
    else c.confirmed += Number(r.n);
    counts.set(Number(r.mission), c);
  }
  return counts;
};

/* ---------- iCal (RFC 5545) ---------- */

/** Europe/Paris rules (unchanged since 1996), so that TZID=Europe/Paris refers to a VTIMEZONE. */
const PARIS_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Paris',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

const uidHost = (strapi: Strapi) => {
  const url = strapi.config.get('server.url', '') as string;
  try {
    return url ? new URL(url).host : 'asso-back-office';
  } catch {
    return 'asso-back-office';
  }
};

/**
 * The iCal feed. Public: public, not cancelled missions, with only what the website shows (title,
 * summary, place). Private (bureau): every mission, cancelled ones as STATUS:CANCELLED, with pole,
 * status and places, never any participant.
 */
export const missionsICal = async (strapi: Strapi, audience: 'public' | 'bureau') => {
  const since = DateTime.now().minus({ months: FEED_HISTORY_MONTHS }).toJSDate();
  const where: Record<string, unknown> = { startAt: { $gte: since } };
  if (audience === 'public') Object.assign(where, { isPublic: true, status: { $ne: 'cancelled' } });
  const missions: MissionRow[] = await strapi.db.query(MISSION).findMany({
    where,
    select: ['id', 'documentId', 'title', 'summary', 'kind', 'status', 'startAt', 'endAt', 'capacity', 'updatedAt'],
    populate: { location: true, pole: { select: ['name'] } },
    orderBy: { startAt: 'asc' },
  });
  const association = await readAssociation(strapi, ['name']);
  const name = `${nameAsTitle(association.name)}${audience === 'public' ? ' : agenda' : ' : missions (bureau)'}`;
  const counts =
    audience === 'bureau'
      ? await seatCounts(
          strapi,
          missions.map((m) => m.id)
        )
      : new Map<number, { confirmed: number; waitlisted: number }>();
  // The time zone is given to each event (DTSTART;TZID=Europe/Paris), not to the calendar: with a
  // calendar time zone, ical-generator writes DTSTAMP, CREATED and LAST-MODIFIED as local times
  // (RFC 5545 wants UTC) and adds a non-standard TIMEZONE-ID property. The generator still writes
  // the VTIMEZONE of the zones the events use. The calendar's name is a TEXT value, which the
  // library does not escape (a comma or a semicolon in the association's name).
  const cal = ical({
    name: escape(name, false),
    prodId: { company: 'asso-back-office', product: 'missions', language: 'FR' },
    timezone: { name: null, generator: (zone: string) => (zone === TZ ? PARIS_VTIMEZONE : null) },
  });
  const host = uidHost(strapi);
  for (const m of missions) {
    const details: string[] = [];
    if (m.summary) details.push(m.summary);
    if (audience === 'bureau') {
      if (m.pole?.name) details.push(`Pôle : ${m.pole.name}`);
      details.push(`Statut : ${enumLabel('api::mission.mission', 'status', m.status)}`);
      const c = counts.get(m.id);
      details.push(
        `Places confirmées : ${c?.confirmed ?? 0}${m.capacity ? ` / ${m.capacity}` : ''}${c?.waitlisted ? ` (+${c.waitlisted} en liste d’attente)` : ''}`
      );
    }
    cal.createEvent({
      id: `mission-${m.documentId}@${host}`,
      start: DateTime.fromJSDate(effectiveStart(m)).setZone(TZ),
      end: DateTime.fromJSDate(effectiveEnd(m)).setZone(TZ),
      timezone: TZ,
      summary: m.title,
      description: details.join('\n') || null,
      location: placeOf(m),
      status: m.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      lastModified: m.updatedAt ? new Date(m.updatedAt) : null,
    });
  }
  // every content line ends with CRLF, the last one included (the library leaves it out)
  return `${cal.toString()}\r\n`;
};

/* ---------- the bureau's secret feed URL ---------- */

const STORE = { type: 'core', name: 'asso-missions', key: 'private-calendar-feed' };
/** What the store keeps of the private feed: the hash of its secret, never the secret. */
type FeedState = { hash?: string; createdAt?: string } | null;
const hash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** Whether the private feed is on, and since when (the URL itself is shown once, at creation). */
export const privateFeedState = async (strapi: Strapi) => {
  const stored = (await strapi.store.get(STORE)) as FeedState;
  return { active: Boolean(stored?.hash), createdAt: stored?.createdAt ?? null };
};

/** A new secret URL; the previous one stops working at once. Only its hash is kept. */
export const regeneratePrivateFeed = async (strapi: Strapi) => {
  const token = crypto.randomBytes(24).toString('base64url');
  const createdAt = new Date().toISOString();
  await strapi.store.set({ ...STORE, value: { hash: hash(token), createdAt } });
  return { token, createdAt };
};

export const revokePrivateFeed = async (strapi: Strapi) => {
  await strapi.store.delete(STORE);
};

export const isPrivateFeedToken = async (strapi: Strapi, token: string) => {
  const stored = (await strapi.store.get(STORE)) as FeedState;
  if (!stored?.hash || typeof token !== 'string' || !token) return false;
  return crypto.timingSafeEqual(Buffer.from(hash(token)), Buffer.from(stored.hash));
};
