import fs from 'fs';
import path from 'path';
import { donorDisplayName, memberDisplayName, participationDisplayName, personName } from '../../src/back-office/members/display-names';
import { listChanged } from '../../src/back-office/members/rules';
import { checkDonorName } from '../../src/back-office/donations';
import { checkSubsidyDates } from '../../src/back-office/subsidies';
import { isBefore, normalise } from '../../src/back-office/rules/validation';
import { relationChange } from '../../src/back-office/rules/relations';
import type { Json, Thrown } from '../helpers/types';

/**
 * The rules that need no database, as plain functions: the display-name formats, the cross-field checks
 * of donors and subsidies, how the pipeline reads what a caller sends. (That the write pipeline applies
 * them on every write path is tested with a booted Strapi in rules.test.ts and display-names.test.ts.)
 */

/** The French 400 a check throws: its message and the field it names. */
const refusal = (check: () => void) => {
  try {
    check();
  } catch (e) {
    const error = e as Thrown;
    return { status: error.name, message: error.message, field: error.details?.errors?.[0]?.path?.[0] };
  }
  return null;
};

describe('display names', () => {
  it('shows a member as "Nom Prénom (n° 42)", and without number before it has one', () => {
    expect(memberDisplayName({ lastName: 'Martin', firstName: ' Claire ', memberNumber: 42 })).toBe('Martin Claire (n° 42)');
    expect(memberDisplayName({ lastName: 'Martin', firstName: 'Claire', memberNumber: null })).toBe('Martin Claire');
    expect(memberDisplayName({ lastName: 'Martin', memberNumber: 7 })).toBe('Martin (n° 7)');
    expect(memberDisplayName({ memberNumber: 7 })).toBe('n° 7');
    expect(memberDisplayName({})).toBeNull();
    expect(personName(null)).toBe('');
  });

  it('shows a company donor by its name and contact, a person by "Nom Prénom", else by the e-mail', () => {
    expect(donorDisplayName({ kind: 'company', companyName: 'Boulangerie du Parc', lastName: 'Durand', firstName: 'Paul' })).toBe(
      'Boulangerie du Parc (Durand Paul)'
    );
    expect(donorDisplayName({ kind: 'company', companyName: 'Garage Petit' })).toBe('Garage Petit');
    expect(donorDisplayName({ kind: 'individual', companyName: 'Boulangerie du Parc', lastName: 'Durand', firstName: 'Paul' })).toBe(
      'Durand Paul'
    );
    expect(donorDisplayName({ kind: 'individual', lastName: 'Bernard' })).toBe('Bernard');
    expect(donorDisplayName({ kind: 'individual', email: 'don@example.org' })).toBe('don@example.org');
  });

  it('fits a very long name in the column (255 characters, ending with an ellipsis)', () => {
    const long = 'Société coopérative '.repeat(10).trim();
    const name = donorDisplayName({ kind: 'company', companyName: long, lastName: 'N'.repeat(100), firstName: 'P'.repeat(100) })!;
    expect(name).toHaveLength(255);
    expect(name.startsWith(`${long} (NNN`)).toBe(true);
    expect(name.endsWith('\u2026')).toBe(true);
    expect(memberDisplayName({ lastName: 'L'.repeat(300), memberNumber: 1 })).toHaveLength(255);
  });

  it('shows a participation by its member\u2019s name, else the person\u2019s own, else the e-mail', () => {
    expect(participationDisplayName({ lastName: 'Autre', email: 'x@example.org' }, { lastName: 'Martin', firstName: 'Claire' })).toBe(
      'Martin Claire'
    );
    expect(participationDisplayName({ lastName: 'Dupont', firstName: 'Jean' }, null)).toBe('Dupont Jean');
    expect(participationDisplayName({ email: 'anonyme@example.org' }, undefined)).toBe('anonyme@example.org');
    expect(participationDisplayName({ lastName: 'Adhérent supprimé' }, null)).toBe('Adhérent supprimé');
  });
});

describe('cross-field checks', () => {
  it('wants a company donor\u2019s company name, a person\u2019s last name', () => {
    expect(refusal(() => checkDonorName({ kind: 'company', companyName: '  ' }))).toEqual({
      status: 'ValidationError',
      message: 'Raison sociale : obligatoire pour une entreprise.',
      field: 'companyName',
    });
    expect(refusal(() => checkDonorName({ kind: 'individual', companyName: 'Garage' }))).toMatchObject({
      field: 'lastName',
      message: 'Nom : obligatoire pour un particulier.',
    });
    expect(refusal(() => checkDonorName({ kind: 'company', companyName: 'Garage' }))).toBeNull();
    expect(refusal(() => checkDonorName({ kind: 'individual', lastName: 'Durand' }))).toBeNull();
  });

  it('refuses a subsidy decided before it was applied for', () => {
    expect(refusal(() => checkSubsidyDates({ submittedAt: '2026-03-01', decidedAt: '2026-02-28' }))).toEqual({
      status: 'ValidationError',
      message: 'Décision le : la décision ne peut pas précéder le dépôt.',
      field: 'decidedAt',
    });
    expect(refusal(() => checkSubsidyDates({ submittedAt: '2026-03-01', decidedAt: '2026-03-01' }))).toBeNull();
    expect(refusal(() => checkSubsidyDates({ decidedAt: '2026-03-01' }))).toBeNull();
  });

  it('compares days and instants in whatever form the databases give them back, and never invalid ones', () => {
    expect(isBefore('2026-01-01', '2026-01-02')).toBe(true);
    expect(isBefore('2026-01-02', '2026-01-02')).toBe(false);
    expect(isBefore(Date.parse('2026-01-01T10:00:00Z'), new Date('2026-01-01T11:00:00Z'))).toBe(true);
    expect(isBefore('2026-02-30', '2026-03-01')).toBe(false);
    expect(isBefore(null, '2026-03-01')).toBe(false);
  });
});

describe('what a caller sends', () => {
  it('reads a to-one relation in every shape the admin, the content API and the services use', () => {
    expect(relationChange(undefined)).toBeUndefined();
    expect(relationChange(null)).toBeNull();
    expect(relationChange('abc123')).toEqual({ documentId: 'abc123' });
    expect(relationChange('12')).toEqual({ id: 12 });
    expect(relationChange(12)).toEqual({ id: 12 });
    expect(
      relationChange({
        connect: [
          { id: 3, documentId: 'old' },
          { id: 4, documentId: 'new' },
        ],
      })
    ).toEqual({ documentId: 'new', id: 4 });
    expect(relationChange({ connect: [], disconnect: [{ documentId: 'old' }] })).toBeNull();
    expect(relationChange({ connect: [], disconnect: [] })).toBeUndefined();
    expect(relationChange({ set: [] })).toBeNull();
    expect(relationChange([])).toBeNull();
  });

  it('tells an untouched to-many list (the admin sends it empty) from a changed one', () => {
    expect(listChanged(undefined)).toBe(false);
    expect(listChanged({ connect: [], disconnect: [] })).toBe(false);
    expect(listChanged({ connect: [{ documentId: 'a' }], disconnect: [] })).toBe(true);
    expect(listChanged({ set: [] })).toBe(true);
    expect(listChanged([])).toBe(true);
    expect(listChanged(null)).toBe(true);
  });

  it('trims text, lower-cases e-mails, and empties what is left blank (the member schema)', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../src/api/member/content-types/member/schema.json'), 'utf8'));
    const data: Json = {
      firstName: '  Claire ',
      lastName: ' Martin',
      email: ' Claire.Martin@Example.ORG ',
      city: '   ',
      birthDate: '',
      memberNumber: '',
    };
    normalise('api::member.member', data, schema.attributes);
    expect(data).toEqual({
      firstName: 'Claire',
      lastName: 'Martin',
      email: 'claire.martin@example.org',
      city: null,
      birthDate: null,
      memberNumber: null,
    });
  });
});
