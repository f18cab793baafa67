import { DateTime } from 'luxon';
import * as nodeIcal from 'node-ical';
import ICAL from 'ical.js';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import type { Saved } from '../helpers/types';

/**
 * The missions' calendar feeds (public and bureau), as calendar programs read them: RFC 5545 checked
 * on the raw text (CRLF, folding, UTC stamps, no non-standard property, a VTIMEZONE for every TZID)
 * and parsed by two independent parsers, node-ical and ical.js (Thunderbird's parser).
 */
describe(`calendar feeds are valid iCalendar (${DB_CLIENT})`, () => {
  let app: TestApp;
  const MISSION = 'api::mission.mission';
  const docs = (uid: string) => app.strapi.documents(uid);
  const ZONE = 'Europe/Paris';
  const paris = (iso: string) => DateTime.fromISO(iso, { zone: ZONE });
  // a name and titles with what iCalendar must escape (comma, semicolon, backslash) and accents
  const ASSOCIATION = 'Les Amis, du Quartier; Lyon';
  const TITLE = 'Vélo, réparation; « atelier » \\ entraide';

  // winter (UTC+1), summer (UTC+2), and two missions across the changes of time
  const CASES = {
    winter: { title: TITLE, start: '2030-01-15T09:30', end: '2030-01-15T12:00', isPublic: true },
    summer: { title: 'Fête d’été', start: '2030-07-15T09:30', end: '2030-07-15T18:00', isPublic: true },
    // the night of the spring change (31 March 2030, 02:00 → 03:00): 12 h on the clock, 11 h in fact
    spring: { title: 'Veillée de printemps', start: '2030-03-30T22:00', end: '2030-03-31T10:00', isPublic: true },
    // the night of the autumn change (27 October 2030, 03:00 → 02:00): 12 h on the clock, 13 h in fact
    autumn: { title: 'Veillée d’automne', start: '2030-10-26T22:00', end: '2030-10-27T10:00', isPublic: true },
    internal: { title: 'Réunion du bureau, budget; vote', start: '2030-02-04T18:30', end: '2030-02-04T20:00', isPublic: false },
  } as const;
  const made: Record<string, Saved> = {};

  let publicFeed: string;
  let bureauFeed: string;

  beforeAll(async () => {
    app = await startStrapi({ env: { PUBLIC_URL: 'https://gestion.asso.test' } });
    await docs('api::association.association').create({ data: { name: ASSOCIATION } });
    for (const [key, c] of Object.entries(CASES)) {
      made[key] = await docs(MISSION).create({
        data: {
          title: c.title,
          startAt: paris(c.start).toISO(),
          endAt: paris(c.end).toISO(),
          isPublic: c.isPublic,
          summary: key === 'winter' ? 'Apportez vos outils, vos chambres à air; et votre bonne humeur.\nDeuxième ligne' : null,
          location: { name: 'Salle, des fêtes', city: 'Lyon' },
        },
      });
    }
    const res = await app.http().get('/api/calendar.ics');
    expect(res.status).toBe(200);
    publicFeed = res.text;
    const feed = await app.admin('post', '/back-office/calendar/private-feed').expect(200);
    const bureau = await app.http().get(new URL(feed.body.data.url).pathname);
    expect(bureau.status).toBe(200);
    bureauFeed = bureau.text;
  }, 300_000);
  afterAll(() => app?.stop());

  const feeds = () =>
    [
      ['public', publicFeed],
      ['bureau', bureauFeed],
    ] as const;

  /** The content lines, unfolded (RFC 5545, 3.1). */
  const unfolded = (text: string) =>
    text
      .replace(/\r\n[ \t]/g, '')
      .split('\r\n')
      .filter(Boolean);
  const name = (line: string) => line.split(/[;:]/)[0];

  it('ends every line, the last one included, with CRLF, and folds lines longer than 75 octets', () => {
    for (const [, text] of feeds()) {
      expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
      expect(text).not.toMatch(/[^\r]\n/);
      expect(text).not.toMatch(/\r(?!\n)/);
      const lines = text.slice(0, -2).split('\r\n');
      for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      // the long description of the winter mission was folded, not cut
      expect(lines.some((l) => l.startsWith(' '))).toBe(true);
    }
  });

  it('writes DTSTAMP and LAST-MODIFIED in UTC, and only standard properties', () => {
    // RFC 5545 and RFC 7986 (NAME) properties of what the feeds contain, plus X-WR-CALNAME, the calendar's
    // name for the programs that do not read NAME yet (Apple, Google)
    const allowed = new Set([
      'BEGIN',
      'END',
      'VERSION',
      'PRODID',
      'NAME',
      'X-WR-CALNAME',
      'TZID',
      'TZOFFSETFROM',
      'TZOFFSETTO',
      'TZNAME',
      'DTSTART',
      'RRULE',
      'UID',
      'SEQUENCE',
      'DTSTAMP',
      'DTEND',
      'SUMMARY',
      'LOCATION',
      'DESCRIPTION',
      'STATUS',
      'LAST-MODIFIED',
    ]);
    for (const [audience, text] of feeds()) {
      const lines = unfolded(text);
      expect({ audience, unknown: [...new Set(lines.map(name))].filter((n) => !allowed.has(n)) }).toEqual({ audience, unknown: [] });
      expect(text).not.toMatch(/TIMEZONE-ID/);
      const stamps = lines.filter((l) => /^(DTSTAMP|LAST-MODIFIED)[;:]/.test(l));
      expect(stamps.length).toBe(2 * lines.filter((l) => l === 'BEGIN:VEVENT').length);
      for (const l of stamps) expect(l).toMatch(/^(DTSTAMP|LAST-MODIFIED):\d{8}T\d{6}Z$/);
    }
  });

  it('puts the calendar properties before the components, and a VTIMEZONE for every TZID used', () => {
    for (const [, text] of feeds()) {
      const lines = unfolded(text);
      // at the calendar level, nothing after the first component but the components themselves
      let depth = 0;
      let seenComponent = false;
      for (const line of lines.slice(1, -1)) {
        if (line.startsWith('BEGIN:')) {
          depth += 1;
          seenComponent = true;
        } else if (line.startsWith('END:')) depth -= 1;
        else if (depth === 0) expect({ line, afterAComponent: seenComponent }).toEqual({ line, afterAComponent: false });
      }
      const used = new Set(lines.flatMap((l) => [...l.matchAll(/;TZID=([^;:]+)/g)].map((m) => m[1])));
      expect([...used]).toEqual([ZONE]);
      const defined = lines.filter((l) => l.startsWith('TZID:')).map((l) => l.slice(5));
      expect(defined).toEqual([ZONE]);
    }
  });

  /** The expected start and end of a case, as instants. */
  const instants = (key: keyof typeof CASES) => ({ start: paris(CASES[key].start).toJSDate(), end: paris(CASES[key].end).toJSDate() });

  it('is read by ical.js (Thunderbird) with the right times in Europe/Paris, across the changes of time', () => {
    for (const [audience, text] of feeds()) {
      const calendar = new ICAL.Component(ICAL.parse(text));
      // NAME (RFC 7986) is not in ical.js's design: it gives the raw value, a TEXT to unescape
      const calendarName = `${ASSOCIATION}${audience === 'public' ? ' : agenda' : ' : missions (bureau)'}`;
      for (const property of ['name', 'x-wr-calname']) {
        const raw = calendar.getFirstPropertyValue(property) as string;
        expect(raw).toBe(calendarName.replace(/([,;\\])/g, '\\$1'));
        expect(ICAL.design.icalendar.value.text.fromICAL(raw)).toBe(calendarName);
      }
      // as Thunderbird does: the time zones come from the feed itself
      const vtimezone = calendar.getFirstSubcomponent('vtimezone')!;
      const zone = new ICAL.Timezone(vtimezone);
      expect(zone.tzid).toBe(ZONE);
      ICAL.TimezoneService.register(zone);
      try {
        const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
        const keys = (Object.keys(CASES) as Array<keyof typeof CASES>).filter((k) => audience === 'bureau' || CASES[k].isPublic);
        expect(events.map((e) => e.summary).sort()).toEqual(keys.map((k) => CASES[k].title).sort());
        for (const key of keys) {
          const event = events.find((e) => e.uid === `mission-${made[key].documentId}@gestion.asso.test`)!;
          expect(event.summary).toBe(CASES[key].title);
          expect(event.location).toBe('Salle, des fêtes, Lyon');
          expect(event.startDate.zone.tzid).toBe(ZONE);
          // the wall-clock time in Paris, and the instant
          expect(event.startDate.toString()).toBe(`${CASES[key].start}:00`);
          expect(event.endDate.toString()).toBe(`${CASES[key].end}:00`);
          expect(event.startDate.toJSDate().toISOString()).toBe(instants(key).start.toISOString());
          expect(event.endDate.toJSDate().toISOString()).toBe(instants(key).end.toISOString());
          const stamp = event.component.getFirstPropertyValue('dtstamp') as ICAL.Time;
          expect(stamp.zone).toBe(ICAL.Timezone.utcTimezone);
          expect(Math.abs(stamp.toJSDate().getTime() - Date.now())).toBeLessThan(10 * 60_000);
          const modified = event.component.getFirstPropertyValue('last-modified') as ICAL.Time;
          expect(modified.zone).toBe(ICAL.Timezone.utcTimezone);
          expect(Math.floor(modified.toJSDate().getTime() / 1000)).toBe(
            Math.floor(new Date(made[key].updatedAt as string).getTime() / 1000)
          );
        }
        const hours = (key: keyof typeof CASES) => {
          const e = events.find((x) => x.summary === CASES[key].title)!;
          return (e.endDate.toJSDate().getTime() - e.startDate.toJSDate().getTime()) / 3_600_000;
        };
        expect(hours('spring')).toBe(11);
        expect(hours('autumn')).toBe(13);
        const winter = events.find((x) => x.summary === TITLE)!;
        expect(winter.description).toContain('Apportez vos outils, vos chambres à air; et votre bonne humeur.\nDeuxième ligne');
      } finally {
        ICAL.TimezoneService.remove(ZONE);
      }
    }
  });

  it('is read by node-ical with the same instants, titles and UTC stamps', () => {
    for (const [audience, text] of feeds()) {
      const parsed = nodeIcal.sync.parseICS(text);
      const events = Object.values(parsed).filter((e): e is nodeIcal.VEvent => e.type === 'VEVENT');
      const keys = (Object.keys(CASES) as Array<keyof typeof CASES>).filter((k) => audience === 'bureau' || CASES[k].isPublic);
      expect(events).toHaveLength(keys.length);
      for (const key of keys) {
        const event = events.find((e) => e.uid === `mission-${made[key].documentId}@gestion.asso.test`);
        expect(event.summary).toBe(CASES[key].title);
        expect(event.start.toISOString()).toBe(instants(key).start.toISOString());
        expect(event.end.toISOString()).toBe(instants(key).end.toISOString());
        expect(event.start.tz).toBe(ZONE);
        // a stamp without its Z would be read as a floating (local) time, off by one or two hours
        expect(Math.abs(event.dtstamp.getTime() - Date.now())).toBeLessThan(10 * 60_000);
        expect(Math.floor(event.lastmodified.getTime() / 1000)).toBe(Math.floor(new Date(made[key].updatedAt as string).getTime() / 1000));
      }
    }
  });
});
