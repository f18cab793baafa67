import { checkMissionDates, checkParticipant } from '../../src/back-office/missions/rules';
import { seatMoves } from '../../src/back-office/missions/capacity';
import { slugify } from '../../src/utils/slugify';

/**
 * The missions' rules as plain functions: dates in order, a participation is someone's, which place a
 * participation write takes or frees, the slug made from a title. (That the write rules apply them on
 * every write path, under concurrency, is tested with a booted Strapi in missions.test.ts and
 * tests/foundation/rules.test.ts.)
 */

/** The French 400 a check throws: its message and the field it names. */
const refusal = (check: () => void) => {
  try {
    check();
  } catch (e) {
    return { status: e.name, message: e.message, field: e.details?.errors?.[0]?.path?.[0] };
  }
  return null;
};

describe('mission and participation checks', () => {
  it('refuses a mission that ends before it starts, naming the end', () => {
    expect(refusal(() => checkMissionDates({ startAt: '2026-05-10T10:00:00.000Z', endAt: '2026-05-10T09:59:59.000Z' }))).toEqual({
      status: 'ValidationError',
      message: 'Fin : la fin doit être postérieure ou égale au début.',
      field: 'endAt',
    });
    // stored datetimes come back as Date objects (PostgreSQL) or epoch milliseconds (SQLite)
    expect(
      refusal(() => checkMissionDates({ startAt: new Date('2026-05-10T10:00:00Z'), endAt: Date.parse('2026-05-09T10:00:00Z') }))
    ).toMatchObject({ field: 'endAt' });
    expect(refusal(() => checkMissionDates({ startAt: '2026-05-10T10:00:00.000Z', endAt: '2026-05-10T10:00:00.000Z' }))).toBeNull();
    expect(refusal(() => checkMissionDates({ startAt: '2026-05-10T10:00:00.000Z', endAt: null }))).toBeNull();
  });

  it('wants a participation to be a member\u2019s, or to name the person', () => {
    expect(refusal(() => checkParticipant({}))).toEqual({
      status: 'ValidationError',
      message: 'Adhérent : choisissez un adhérent, ou renseignez le nom et l\u2019e-mail de la personne.',
      field: 'member',
    });
    for (const someone of [{ member: 'abc' }, { lastName: 'Dupont' }, { email: 'p@example.org' }])
      expect(refusal(() => checkParticipant(someone))).toBeNull();
  });
});

describe('places taken and freed by a participation write', () => {
  const on = (mission: number, status: string) => ({ status, mission: { id: mission } });

  it('takes a place for a new seated participation, none for a pending or waitlisted one', () => {
    expect(seatMoves(null, 1, 'confirmed')).toEqual({ takes: 1, frees: null });
    expect(seatMoves(null, 1, 'pending')).toEqual({ takes: null, frees: null });
    expect(seatMoves(null, 1, 'waitlisted')).toEqual({ takes: null, frees: null });
    expect(seatMoves(null, null, 'confirmed')).toEqual({ takes: null, frees: null });
  });

  it('frees the place of a cancelled or deleted one, and keeps it when presence is marked after the event', () => {
    expect(seatMoves(on(1, 'confirmed'), 1, 'cancelled')).toEqual({ takes: null, frees: 1 });
    expect(seatMoves(on(1, 'confirmed'), 1, 'deleted')).toEqual({ takes: null, frees: 1 });
    expect(seatMoves(on(1, 'confirmed'), 1, 'attended')).toEqual({ takes: null, frees: null });
    expect(seatMoves(on(1, 'attended'), 1, 'absent')).toEqual({ takes: null, frees: null });
  });

  it('takes a place when a waitlisted one is confirmed, and moves the place with a seated one moved to another mission', () => {
    expect(seatMoves(on(1, 'waitlisted'), 1, 'confirmed')).toEqual({ takes: 1, frees: null });
    expect(seatMoves(on(1, 'confirmed'), 2, 'confirmed')).toEqual({ takes: 2, frees: 1 });
    expect(seatMoves(on(1, 'pending'), 2, 'pending')).toEqual({ takes: null, frees: null });
  });
});

describe('slugs', () => {
  it('makes a web address from a French title', () => {
    expect(slugify('Fête de l’été 2026')).toBe('fete-de-l-ete-2026');
    expect(slugify('  Œuvres & Cœur : AG ! ')).toBe('oeuvres-coeur-ag');
    expect(slugify('Ça, c’est « Noël »')).toBe('ca-c-est-noel');
    expect(slugify('!!!')).toBe('sans-titre');
    expect(slugify('a'.repeat(200))).toHaveLength(80);
  });
});
