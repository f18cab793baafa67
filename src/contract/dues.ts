/**
 * A member's dues status, as the server computes it (src/back-office/dues/status.ts: THE rule, in JS
 * and in SQL) and as every page, export and e-mail names it.
 */
export type DuesStatus = 'up_to_date' | 'expiring' | 'grace' | 'expired' | 'never_paid';

export const DUES_STATUSES: DuesStatus[] = ['up_to_date', 'expiring', 'grace', 'expired', 'never_paid'];

export const DUES_STATUS_LABELS: Record<DuesStatus, string> = {
  up_to_date: 'À jour',
  expiring: 'À renouveler bientôt',
  grace: 'En période de grâce',
  expired: 'Expirée',
  never_paid: 'Jamais cotisé',
};

/** When a reminder goes, from its offset in days before the end of the dues: « 7 j avant l’échéance ». */
export const reminderOffsetLabel = (offsetDays: number) =>
  offsetDays > 0
    ? `${offsetDays} j avant l\u2019échéance`
    : offsetDays === 0
      ? 'le jour de l\u2019échéance'
      : `${-offsetDays} j après l\u2019échéance`;
