import {
  beneficiaryOf,
  centsToEuros,
  donorOf,
  itemKey,
  itemStatus,
  parisDay,
  parseInstant,
  writtenDay,
} from '../../src/back-office/helloasso/orders';
import { findBeneficiary } from '../../src/back-office/helloasso/importer';
import { indexMember, type MemberIndex } from '../../src/back-office/imports/plan';

/** How a HelloAsso order is read, without Strapi: dates, statuses, the beneficiary, the matching rule's outcomes. */
describe('reading a HelloAsso order', () => {
  it('reads instants with 7 fraction digits, days in Paris, birth dates as written', () => {
    expect(parseInstant('2026-03-14T10:22:05.1234567+01:00')!.toISOString()).toBe('2026-03-14T09:22:05.123Z');
    // 00:30 in Paris on 1 January is still paid in January (23:30 UTC the day before)
    expect(parisDay('2026-01-01T00:30:00.0000000+01:00')).toBe('2026-01-01');
    // a birth date is the written day, whatever the offset says
    expect(writtenDay('1985-04-12T00:00:00+02:00')).toBe('1985-04-12');
    expect(writtenDay('12/04/1985')).toBe('1985-04-12');
    expect(centsToEuros(2550)).toBe('25.50');
    expect(centsToEuros(5)).toBe('0.05');
  });

  it('keys items by type and id (an order and its only item may share an id)', () => {
    expect(itemKey({ id: 42, type: 'Donation' })).toBe('Donation:42');
    expect(itemKey({ id: 42, type: 'Membership' })).not.toBe(itemKey({ id: 42, type: 'Donation' }));
  });

  it('tells paid, refunded, void and pending items apart', () => {
    const order = (state: string, extra: object = {}) => ({ id: 1, payments: [{ id: 9, state, ...extra }], items: [] });
    const item = { id: 2, type: 'Membership', state: 'Processed', amount: 2500, payments: [{ id: 9 }] };
    expect(itemStatus(order('Authorized'), item)).toBe('paid');
    expect(itemStatus(order('Refunded'), item)).toBe('refunded');
    expect(itemStatus(order('Authorized', { refundOperations: [{ id: 1 }] }), item)).toBe('refunded');
    expect(itemStatus(order('Pending'), item)).toBe('pending');
    expect(itemStatus(order('Refused'), item)).toBe('void');
    expect(itemStatus(order('Authorized'), { ...item, state: 'Canceled' })).toBe('refunded');
    // a free ticket is registered without payment
    expect(itemStatus({ id: 1, payments: [] }, { id: 3, type: 'Registration', state: 'Registered', amount: 0 })).toBe('paid');
  });

  it('finds the beneficiary’s own details, and the payer’s only when they are the same person', () => {
    const payer = {
      firstName: 'Paul',
      lastName: 'Bernard',
      email: 'paul@exemple.org',
      address: '3 rue des Lilas',
      zipCode: '69003',
      city: 'Lyon',
      country: 'FRA',
      dateOfBirth: '1975-01-02T00:00:00+01:00',
    };
    const child = beneficiaryOf(
      { id: 1, payer },
      {
        id: 2,
        user: { firstName: 'Léa', lastName: 'Bernard' },
        customFields: [
          { name: 'Date de naissance', type: 'Date', answer: '2008-04-12' },
          { name: 'N° d’adhérent', type: 'TextInput', answer: '0042' },
        ],
      }
    );
    expect(child).toMatchObject({
      firstName: 'Léa',
      email: null,
      birthDate: '2008-04-12',
      address: null,
      memberNumber: 42,
      isPayer: false,
    });
    const self = beneficiaryOf({ id: 1, payer }, { id: 3, user: { firstName: 'paul', lastName: 'BERNARD' } });
    expect(self).toMatchObject({
      email: 'paul@exemple.org',
      birthDate: '1975-01-02',
      address: '3 rue des Lilas',
      postalCode: '69003',
      country: 'France',
      isPayer: true,
    });
    expect(donorOf({ id: 1, payer: { ...payer, company: 'Boulangerie Leroy' } })).toMatchObject({
      kind: 'company',
      companyName: 'Boulangerie Leroy',
    });
  });

  it('matches people by the imports’ rule: one record, none, several, first and last names swapped', () => {
    const index: MemberIndex = { byNumber: new Map(), byEmail: new Map(), byName: new Map(), byFullName: new Map() };
    const add = (m: object) => indexMember(index, m);
    add({ documentId: 'a', memberNumber: 1, email: 'claire@exemple.org', lastName: 'Martin', firstName: 'Claire', birthDate: null });
    add({ documentId: 'b', memberNumber: 2, lastName: 'Dupont', firstName: 'Jean', birthDate: '1970-01-01' });
    add({ documentId: 'c', memberNumber: 3, lastName: 'Dupont', firstName: 'Jean', birthDate: null });
    add({ documentId: 'd', memberNumber: 4, lastName: 'Noël', firstName: 'Élise', birthDate: null });
    expect(findBeneficiary(index, { email: 'CLAIRE@exemple.org', lastName: 'Martin', firstName: 'Claire' })).toEqual({
      member: expect.objectContaining({ documentId: 'a' }),
    });
    expect(findBeneficiary(index, { memberNumber: 3, lastName: 'Dupont', firstName: 'Jean' })).toEqual({
      member: expect.objectContaining({ documentId: 'c' }),
    });
    expect(findBeneficiary(index, { lastName: 'Dupont', firstName: 'Jean' })).toMatchObject({
      review: expect.stringMatching(/2 adhérents/),
    });
    // a birth date rules out the record born another day; the one without a birth date remains
    expect(findBeneficiary(index, { lastName: 'Dupont', firstName: 'Jean', birthDate: '1980-05-05' })).toEqual({
      member: expect.objectContaining({ documentId: 'c' }),
    });
    expect(findBeneficiary(index, { lastName: 'ELISE', firstName: 'noel' })).toEqual({
      member: expect.objectContaining({ documentId: 'd' }),
    });
    expect(findBeneficiary(index, { lastName: 'Inconnu', firstName: 'Personne' })).toEqual({ member: null });
    expect(findBeneficiary(index, { memberNumber: 2, email: 'claire@exemple.org', lastName: 'Dupont', firstName: 'Jean' })).toMatchObject({
      review: expect.stringMatching(/n° d’adhérent 2/),
    });
  });
});
