import { duesStatus, duesThresholds } from '../../src/back-office/dues/status';
import { dueOffset, reminderOffsets, DEFAULT_REMINDER_DAYS } from '../../src/back-office/dues/reminders';
import { renderTemplate, reminderMail, DEFAULT_REMINDER_TEMPLATE } from '../../src/back-office/dues/template';
import { fiscalYearBounds, fiscalYearStart, periodEndFor } from '../../src/back-office/dues/period';
import { checkContributionPeriod, checkReminderDays } from '../../src/back-office/dues/rules';
import type { Thrown } from '../helpers/types';

/**
 * The dues rules as plain functions: status boundaries, which reminder is due, the e-mail text, the
 * periods and fiscal years, the checks of a contribution and a membership type. (That the write rules
 * apply them on every write path is tested with a booted Strapi in tests/foundation/rules.test.ts.)
 */
describe('dues status', () => {
  const today = '2026-03-31';
  const at = (paidUntil: string | null, more: object = {}) =>
    duesStatus(paidUntil, { today, graceDays: 30, expiringWithinDays: 30, ...more });

  it('is never_paid without any contribution', () => {
    expect(at(null)).toBe('never_paid');
  });

  it('is up_to_date beyond the expiring window, expiring from its last day to the day of expiry', () => {
    expect(at('2026-05-01')).toBe('up_to_date'); // today + 31
    expect(at('2026-04-30')).toBe('expiring'); // today + 30: last day of the window
    expect(at('2026-03-31')).toBe('expiring'); // the day of expiry: still covered today
  });

  it('is grace from the day after expiry to the last day of grace, expired after', () => {
    expect(at('2026-03-30')).toBe('grace'); // ended yesterday
    expect(at('2026-03-01')).toBe('grace'); // today - 30: last day of grace
    expect(at('2026-02-28')).toBe('expired'); // today - 31
  });

  it('follows the association grace period and the window asked for', () => {
    expect(at('2026-03-30', { graceDays: 0 })).toBe('expired');
    expect(at('2026-05-01', { expiringWithinDays: 31 })).toBe('expiring');
    expect(at('2026-04-01', { expiringWithinDays: 0 })).toBe('up_to_date');
    expect(duesThresholds({ today, graceDays: 10, expiringWithinDays: 5 })).toEqual({
      today,
      expiringUntil: '2026-04-05',
      graceFrom: '2026-03-21',
    });
  });
});

describe('which reminder is due', () => {
  const offsets = [30, 7, 0, -30];
  const end = '2026-03-31';

  it('none before the first reminder day, then each one on its day', () => {
    expect(dueOffset(end, offsets, '2026-02-28')).toBeNull();
    expect(dueOffset(end, offsets, '2026-03-01')).toBe(30);
    expect(dueOffset(end, offsets, '2026-03-24')).toBe(7);
    expect(dueOffset(end, offsets, '2026-03-31')).toBe(0);
    expect(dueOffset(end, offsets, '2026-04-30')).toBe(-30);
  });

  it('after a downtime, only the latest reminder that fell due', () => {
    expect(dueOffset(end, offsets, '2026-03-30')).toBe(7);
    expect(dueOffset(end, offsets, '2026-04-02')).toBe(0);
    expect(dueOffset(end, offsets, '2026-06-15')).toBe(-30);
  });

  it('reads reminderDays as stored on SQLite (text) and PostgreSQL (array), defaulting when absent', () => {
    expect(reminderOffsets('[15, 0, 0, "x", 2.5]')).toEqual([15, 0]);
    expect(reminderOffsets([60, -10])).toEqual([60, -10]);
    expect(reminderOffsets([])).toEqual([]);
    expect(reminderOffsets(null)).toEqual(DEFAULT_REMINDER_DAYS);
    expect(dueOffset(end, [], '2026-04-30')).toBeNull();
  });
});

describe('reminder e-mail', () => {
  it('fills the placeholders, with a French date and amount', () => {
    const mail = reminderMail(
      {
        name: 'Les Amis du Quartier',
        reminderSubject: 'Cotisation {{ association }}',
        reminderTemplate: '{{firstName}} {{lastName}} : {{duesPaidUntil}}, {{amount}} ; {{inconnu}}',
      },
      { firstName: 'Alice', lastName: 'Martin', duesPaidUntil: '2026-03-31', amount: 1234.5 }
    );
    expect(mail.subject).toBe('Cotisation Les Amis du Quartier');
    expect(mail.text).toBe('Alice Martin : 31/03/2026, 1 234,50 € ; {{inconnu}}');
  });

  it('uses the default French text when the association leaves the template empty', () => {
    const mail = reminderMail(
      { name: 'Les Amis', reminderSubject: ' ', reminderTemplate: null },
      { firstName: 'Bruno', lastName: 'Petit', duesPaidUntil: '2026-12-31', amount: 20 }
    );
    expect(mail.subject).toBe('Les Amis : votre cotisation (échéance le 31/12/2026)');
    expect(mail.text).toBe(
      renderTemplate(DEFAULT_REMINDER_TEMPLATE, {
        firstName: 'Bruno',
        duesPaidUntil: '31/12/2026',
        amount: '20,00 €',
        association: 'Les Amis',
      })
    );
    expect(mail.text).toMatch(/^Bonjour Bruno,/);
    expect(mail.text).toContain('le montant est de 20,00 €');
  });
});

describe('periods and fiscal years', () => {
  it('ends a membership with a duration that many months later, the day before', () => {
    expect(periodEndFor('2026-03-15', 6)).toBe('2026-09-14');
    expect(periodEndFor('2026-01-01', 12)).toBe('2026-12-31');
    expect(periodEndFor('2025-12-01', 3, 9)).toBe('2026-02-28'); // the fiscal year does not matter then
  });

  it('ends a membership without duration on the last day of the fiscal year that contains its start', () => {
    expect(periodEndFor('2026-10-01', null)).toBe('2026-12-31');
    expect(periodEndFor('2026-10-01', 0)).toBe('2026-12-31');
    expect(periodEndFor('2026-10-01', undefined, 9)).toBe('2027-08-31');
    expect(periodEndFor('2026-08-31', null, 9)).toBe('2026-08-31');
    expect(periodEndFor('2028-02-29', null, 3)).toBe('2028-02-29');
  });

  it('finds the fiscal year of a day, and the bounds of a fiscal year named after the year it starts in', () => {
    expect(fiscalYearStart('2026-08-31', 9)).toBe('2025-09-01');
    expect(fiscalYearStart('2026-09-01', 9)).toBe('2026-09-01');
    expect(fiscalYearStart('2026-12-31')).toBe('2026-01-01');
    expect(fiscalYearBounds(2026)).toEqual(['2026-01-01', '2026-12-31']);
    expect(fiscalYearBounds(2026, 9)).toEqual(['2026-09-01', '2027-08-31']);
  });
});

describe('contribution and membership type checks', () => {
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

  it('refuses a period that ends before it starts, naming the period end', () => {
    expect(refusal(() => checkContributionPeriod({ periodStart: '2026-06-01', periodEnd: '2026-05-31' }))).toEqual({
      status: 'ValidationError',
      message: 'Fin de période : la fin de période doit être postérieure ou égale au début de période.',
      field: 'periodEnd',
    });
    expect(refusal(() => checkContributionPeriod({ periodStart: '2026-06-01', periodEnd: '2026-06-01' }))).toBeNull();
    expect(refusal(() => checkContributionPeriod({ periodStart: '2026-06-01', periodEnd: null }))).toBeNull();
  });

  it('accepts reminder days as whole numbers of days within a year around the expiry', () => {
    for (const ok of [[30, 7, 0, -30], [], [365, -365], null, undefined]) expect(refusal(() => checkReminderDays(ok))).toBeNull();
    for (const bad of [[1.5], [366], [-400], ['7'], '30,7', { days: 7 }]) {
      expect(refusal(() => checkReminderDays(bad))).toMatchObject({
        field: 'reminderDays',
        message: expect.stringMatching(/^Relances \(jours avant l’échéance\) : une liste de nombres entiers/),
      });
    }
  });
});
