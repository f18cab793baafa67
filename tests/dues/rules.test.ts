import { duesStatus, duesThresholds } from '../../src/back-office/dues/status';
import { dueOffset, reminderOffsets, DEFAULT_REMINDER_DAYS } from '../../src/back-office/dues/reminders';
import { renderTemplate, reminderMail, DEFAULT_REMINDER_TEMPLATE } from '../../src/back-office/dues/template';

/** The dues rules as plain functions: status boundaries, which reminder is due, the e-mail text. */
describe('dues status', () => {
  const today = '2026-03-31';
  const at = (paidUntil: string | null, more: object = {}) => duesStatus(paidUntil, { today, graceDays: 30, expiringWithinDays: 30, ...more });

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
    expect(duesThresholds({ today, graceDays: 10, expiringWithinDays: 5 })).toEqual({ today, expiringUntil: '2026-04-05', graceFrom: '2026-03-21' });
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
      { name: 'Les Amis du Quartier', reminderSubject: 'Cotisation {{ association }}', reminderTemplate: '{{firstName}} {{lastName}} : {{duesPaidUntil}}, {{amount}} ; {{inconnu}}' },
      { firstName: 'Alice', lastName: 'Martin', duesPaidUntil: '2026-03-31', amount: 1234.5 }
    );
    expect(mail.subject).toBe('Cotisation Les Amis du Quartier');
    expect(mail.text).toBe('Alice Martin : 31/03/2026, 1 234,50 € ; {{inconnu}}');
  });

  it('uses the default French text when the association leaves the template empty', () => {
    const mail = reminderMail({ name: 'Les Amis', reminderSubject: ' ', reminderTemplate: null }, { firstName: 'Bruno', lastName: 'Petit', duesPaidUntil: '2026-12-31', amount: 20 });
    expect(mail.subject).toBe('Les Amis : votre cotisation (échéance le 31/12/2026)');
    expect(mail.text).toBe(renderTemplate(DEFAULT_REMINDER_TEMPLATE, { firstName: 'Bruno', duesPaidUntil: '31/12/2026', amount: '20,00 €', association: 'Les Amis' }));
    expect(mail.text).toMatch(/^Bonjour Bruno,/);
    expect(mail.text).toContain('le montant est de 20,00 €');
  });
});
