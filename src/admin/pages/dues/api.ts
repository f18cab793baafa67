import type { DuesStatus } from '../../../contract/dues';
import { permissionsFor } from '../../_lib';
import { ACTIONS } from '../../../contract/permissions';

/** Client side of src/back-office/dues (GET /back-office/dues, /dues/summary, POST /dues/reminders/run). */

/** The order of the counts and of the status filter: who needs attention first. */
export const STATUSES: DuesStatus[] = ['expiring', 'grace', 'expired', 'never_paid', 'up_to_date'];
export const STATUS_COLORS: Record<DuesStatus, 'success' | 'warning' | 'danger' | 'neutral' | 'primary'> = {
  up_to_date: 'success',
  expiring: 'warning',
  grace: 'primary',
  expired: 'danger',
  never_paid: 'neutral',
};

export interface DuesRow {
  documentId: string;
  memberNumber: number | null;
  firstName: string;
  lastName: string;
  /** absent (undefined) when the admin may not read it: GET /back-office/dues leaves it out */
  email?: string | null;
  duesPaidUntil: string | null;
  status: DuesStatus;
  membershipType?: string | null;
  lastAmount?: number | null;
}
export interface DuesSummary {
  today: string;
  within: number;
  graceDays: number;
  counts: Record<DuesStatus, number>;
}
export interface Reminder {
  documentId: string;
  memberNumber: number | null;
  firstName: string;
  lastName: string;
  email: string | null;
  duesPaidUntil: string;
  offsetDays: number;
  error?: string;
}
export interface RemindersReport {
  today: string;
  dryRun: boolean;
  sent: Reminder[];
  failed: Reminder[];
  withoutEmail: Reminder[];
  counts: { sent: number; failed: number; withoutEmail: number };
}

/** The dues routes wrap their answer in `data`. */
export const unwrap = <T>(body: { data: T }) => body.data;

export const DUES_READ = permissionsFor(ACTIONS.duesRead);

export const memberUrl = (documentId: string) => `/content-manager/collection-types/api::member.member/${documentId}`;
