import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';

/** Client side of src/back-office/dues (GET /back-office/dues, /dues/summary, POST /dues/reminders/run). */
export type DuesStatus = 'up_to_date' | 'expiring' | 'grace' | 'expired' | 'never_paid';
export const STATUSES: DuesStatus[] = ['expiring', 'grace', 'expired', 'never_paid', 'up_to_date'];
export const STATUS_LABELS: Record<DuesStatus, string> = {
  up_to_date: 'À jour',
  expiring: 'À renouveler bientôt',
  grace: 'En période de grâce',
  expired: 'Expirée',
  never_paid: 'Jamais cotisé',
};
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
export interface DuesSummary { today: string; within: number; graceDays: number; counts: Record<DuesStatus, number> }
export interface Reminder { documentId: string; memberNumber: number | null; firstName: string; lastName: string; email: string | null; duesPaidUntil: string; offsetDays: number; error?: string }
export interface RemindersReport { today: string; dryRun: boolean; sent: Reminder[]; failed: Reminder[]; withoutEmail: Reminder[]; counts: { sent: number; failed: number; withoutEmail: number } }

export const DUES_READ = [{ action: 'api::back-office.dues.read', subject: null }];
export const DUES_REMIND = [{ action: 'api::back-office.dues.remind', subject: null }];

export const memberUrl = (documentId: string) => `/content-manager/collection-types/api::member.member/${documentId}`;
export const frenchDate = (day: string | null) => (day ? `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}` : '—');
const frEuros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
export const formatEuros = (n: number | null | undefined) => (n === null || n === undefined ? '—' : frEuros.format(n));
export const reminderLabel = (offsetDays: number) =>
  offsetDays > 0 ? `${offsetDays} j avant l’échéance` : offsetDays === 0 ? 'le jour de l’échéance' : `${-offsetDays} j après l’échéance`;
export const errorMessage = (e: any, fallback: string) => e?.response?.data?.error?.message ?? fallback;

/** GET a back-office URL, reloaded when `params` change; `reload()` fetches again. */
export const useBackOffice = <T,>(url: string, params: Record<string, unknown>) => {
  const { get } = useFetchClient();
  const [state, setState] = React.useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [tick, setTick] = React.useState(0);
  const key = JSON.stringify(params);
  React.useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    get<{ data: T }>(url, { params: JSON.parse(key) })
      .then(({ data }) => live && setState({ data: data.data, loading: false }))
      .catch((e: any) => live && setState({ loading: false, error: errorMessage(e, 'Impossible de charger les cotisations.') }));
    return () => {
      live = false;
    };
  }, [get, url, key, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
};
