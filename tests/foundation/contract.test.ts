import fs from 'fs';
import path from 'path';
import { apiContentTypes, components } from '../helpers/content-types';
import { COMPONENT_LABELS, ENUMS, LABELS, enumLabel, enumOptions, hasEnumLabel } from '../../src/contract/labels';
import { ACTIONS, ACTION_DEFINITIONS } from '../../src/contract/permissions';
import { DUES_STATUSES, DUES_STATUS_LABELS, reminderOffsetLabel } from '../../src/contract/dues';
import { donorDisplayName, memberDisplayName, participationDisplayName } from '../../src/contract/display-names';
import {
  dayInParis,
  formatCentsAsEuros,
  formatCount,
  formatDate,
  formatDateTime,
  formatEuros,
  formatFileSize,
  formatHours,
  formatLongDate,
  formatMonth,
  formatNumber,
  formatRate,
  formatYear,
} from '../../src/contract/format';
import { BACK_OFFICE_RIGHTS, CONTENT_RIGHTS } from '../../src/back-office/access/roles';

/**
 * The contract shared by the server and the admin panel (src/contract), and what every content type
 * must bring with it. Pure: the schemas are read as Strapi reads them, without booting it
 * (tests/access/every-type.test.ts checks on a booted Strapi that no type is left out).
 * A type added without its labels or its rights fails here, saying what to add and where.
 */
const TYPES = apiContentTypes();
const COMPONENTS = components();
const ENUM_TABLE = ENUMS as Record<string, Record<string, Record<string, string>>>;
/** Spaces as a person reads them (Intl writes narrow and non-breaking spaces). */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('every content type brings its labels and its rights', () => {
  it('finds the content types and components of the project', () => {
    expect(TYPES.length).toBeGreaterThanOrEqual(19);
    expect(TYPES.map((t) => t.uid)).toEqual(expect.arrayContaining(['api::member.member', 'api::participation.participation']));
    expect(COMPONENTS.map((c) => c.uid)).toEqual(expect.arrayContaining(['shared.location', 'logistics.equipment-line']));
  });

  it('a French label for every field of every api:: type (LABELS in src/contract/labels.ts)', () => {
    const missing = TYPES.flatMap(({ uid, schema }) =>
      Object.keys(schema.attributes)
        .filter((field) => !LABELS[uid]?.[field])
        .map(
          (field) =>
            `${uid} : le champ « ${field} » n’a pas de libellé français ; ajoutez-le à LABELS['${uid}'] dans src/contract/labels.ts`
        )
    );
    expect(missing).toEqual([]);
  });

  it('a French label for every field of every component (COMPONENT_LABELS in src/contract/labels.ts)', () => {
    const missing = COMPONENTS.flatMap(({ uid, schema }) =>
      Object.keys(schema.attributes)
        .filter((field) => !COMPONENT_LABELS[uid]?.[field])
        .map(
          (field) =>
            `${uid} : le champ « ${field} » n’a pas de libellé français ; ajoutez-le à COMPONENT_LABELS['${uid}'] dans src/contract/labels.ts`
        )
    );
    expect(missing).toEqual([]);
  });

  it('a French name for every value of every enumeration (ENUMS in src/contract/labels.ts), and none for a value that does not exist', () => {
    const problems: string[] = [];
    for (const { uid, schema } of [...TYPES, ...COMPONENTS]) {
      for (const [field, attr] of Object.entries(schema.attributes)) {
        if (attr.type !== 'enumeration') {
          if (ENUM_TABLE[uid]?.[field])
            problems.push(`${uid}.${field} n’est pas une énumération : retirez-le de ENUMS dans src/contract/labels.ts`);
          continue;
        }
        for (const value of attr.enum ?? []) {
          if (!hasEnumLabel(uid, field, value))
            problems.push(
              `${uid}.${field} : la valeur « ${value} » n’a pas de nom français ; ajoutez-la à ENUMS['${uid}'].${field} dans src/contract/labels.ts`
            );
        }
        for (const value of Object.keys(ENUM_TABLE[uid]?.[field] ?? {})) {
          if (!attr.enum?.includes(value))
            problems.push(
              `${uid}.${field} : « ${value} » n’est plus une valeur du schéma ; retirez-la de ENUMS dans src/contract/labels.ts`
            );
        }
      }
    }
    const known = new Set([...TYPES, ...COMPONENTS].map((t) => t.uid));
    for (const uid of [...Object.keys(ENUMS), ...Object.keys(LABELS), ...Object.keys(COMPONENT_LABELS)]) {
      if (!known.has(uid)) problems.push(`${uid} n’existe pas : retirez-le de src/contract/labels.ts`);
    }
    expect(problems).toEqual([]);
  });

  it('a row in the roles matrix for every api:: type (CONTENT_RIGHTS in src/back-office/access/roles.ts)', () => {
    const missing = TYPES.filter(({ uid }) => !CONTENT_RIGHTS[uid]).map(
      ({ uid }) =>
        `${uid} n’a pas de ligne dans CONTENT_RIGHTS (src/back-office/access/roles.ts) : donnez les droits de chaque rôle ('' pour aucun), et la ligne du tableau « Rôles et droits » du README`
    );
    expect(missing).toEqual([]);
    const known = new Set(TYPES.map((t) => t.uid));
    expect(Object.keys(CONTENT_RIGHTS).filter((uid) => !known.has(uid))).toEqual([]);
  });

  it('every back-office action has its French name in the role editor and a line in the roles matrix', () => {
    const problems: string[] = [];
    for (const action of Object.values(ACTIONS)) {
      if (!ACTION_DEFINITIONS.some((d) => `api::${d.uid}` === action))
        problems.push(`${action} : ajoutez sa définition (nom français) à ACTION_DEFINITIONS dans src/contract/permissions.ts`);
      if (!BACK_OFFICE_RIGHTS[action])
        problems.push(`${action} : dites quels rôles l’ont dans BACK_OFFICE_RIGHTS (src/back-office/access/roles.ts)`);
    }
    expect(problems).toEqual([]);
    expect(ACTION_DEFINITIONS.map((d) => `api::${d.uid}`).sort()).toEqual(Object.values(ACTIONS).sort());
  });
});

describe('the shared contract', () => {
  it('imports nothing but itself: the admin panel bundles it as it is', () => {
    const dir = path.resolve(__dirname, '../../src/contract');
    const imports = fs
      .readdirSync(dir)
      .flatMap((f) =>
        [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => `${f}: ${m[1]}`)
      )
      .filter((line) => !/: \.\/[\w-]+$/.test(line));
    expect(imports).toEqual([]);
  });

  it('names a value after its field: a donation in cash (« Numéraire ») is not the payment method « Espèces »', () => {
    expect(enumLabel('api::donation.donation', 'nature', 'cash')).toBe('Numéraire');
    expect(enumLabel('api::donation.donation', 'method', 'cash')).toBe('Espèces');
    expect(enumLabel('api::contribution.contribution', 'paymentMethod', 'cheque')).toBe('Chèque');
    // an unknown value, or no field, shows as it is
    expect(enumLabel('api::mission.mission', 'status', 'inconnu')).toBe('inconnu');
    expect(enumLabel(undefined, undefined, 'planned')).toBe('planned');
  });

  it('gives one wording to the participation statuses, in the schema order', () => {
    expect(enumOptions('api::participation.participation', 'status')).toEqual([
      { value: 'pending', label: 'En attente de validation' },
      { value: 'confirmed', label: 'Confirmé·e' },
      { value: 'waitlisted', label: 'Liste d\u2019attente' },
      { value: 'attended', label: 'Présent·e' },
      { value: 'absent', label: 'Absent·e' },
      { value: 'cancelled', label: 'Annulé·e' },
    ]);
    expect(enumOptions('api::mission.mission', 'status').map((o) => o.label)).toEqual(['Prévue', 'Confirmée', 'Réalisée', 'Annulée']);
  });

  it('names the dues statuses and the reminders', () => {
    expect(DUES_STATUSES.map((s) => DUES_STATUS_LABELS[s])).toEqual([
      'À jour',
      'À renouveler bientôt',
      'En période de grâce',
      'Expirée',
      'Jamais cotisé',
    ]);
    expect([30, 0, -30].map(reminderOffsetLabel)).toEqual([
      '30 j avant l\u2019échéance',
      'le jour de l\u2019échéance',
      '30 j après l\u2019échéance',
    ]);
  });

  it('formats numbers, amounts and dates the French way', () => {
    expect(plain(formatEuros(1234.5))).toBe('1 234,50 €');
    expect(plain(formatEuros('20.00'))).toBe('20,00 €');
    expect(plain(formatEuros(-12.5))).toBe('-12,50 €');
    expect(plain(formatCentsAsEuros(123456))).toBe('1 234,56 €');
    expect(formatEuros(null)).toBe('—');
    expect(plain(formatCount(12345))).toBe('12 345');
    expect(plain(formatNumber(1234.5))).toBe('1 234,5');
    expect(formatHours(2.5)).toBe('2,5 h');
    expect(formatRate(0.8)).toBe('80,0 %');
    expect(formatRate(null)).toBe('—');
    // a year is never grouped like a number
    expect(formatYear(2027)).toBe('2027');
    expect(formatDate('2026-03-31')).toBe('31/03/2026');
    expect(formatDate(null)).toBe('—');
    // an instant is dated in Paris: 23:30 UTC on 31 March is already 1 April there
    expect(formatDate('2026-03-31T22:30:00.000Z')).toBe('01/04/2026');
    expect(dayInParis(new Date('2026-12-31T23:30:00.000Z'))).toBe('2027-01-01');
    expect(formatLongDate('2026-12-31')).toBe('31 décembre 2026');
    expect(formatDateTime('2026-06-01T08:00:00.000Z')).toBe('1 juin 2026 à 10:00');
    expect(formatMonth('2026-01')).toBe('janv.');
    expect(plain(formatFileSize(2048))).toBe('2 Ko');
    expect(plain(formatFileSize(12.34 * 1024 * 1024))).toBe('12,3 Mo');
  });

  it('names a member, a donor and a participation with THE display-name rule', () => {
    expect(memberDisplayName({ firstName: 'Claire', lastName: 'Martin', memberNumber: 42 })).toBe('Martin Claire (n° 42)');
    expect(memberDisplayName({ firstName: ' Claire ', lastName: 'Martin', memberNumber: null })).toBe('Martin Claire');
    expect(donorDisplayName({ kind: 'company', companyName: 'Boulangerie Durand', firstName: 'Paul', lastName: 'Durand' })).toBe(
      'Boulangerie Durand (Durand Paul)'
    );
    expect(donorDisplayName({ kind: 'individual', email: 'sans.nom@example.org' })).toBe('sans.nom@example.org');
    expect(participationDisplayName({ firstName: 'x', lastName: 'y' }, { firstName: 'Claire', lastName: 'Martin' })).toBe('Martin Claire');
    expect(participationDisplayName({ email: 'site@example.org' }, null)).toBe('site@example.org');
    expect(memberDisplayName({ lastName: 'X'.repeat(300), firstName: 'Y' })!.length).toBe(255);
  });
});
