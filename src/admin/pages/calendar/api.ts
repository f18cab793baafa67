/** Client side of src/back-office/missions (GET /back-office/calendar, /calendar/private-feed). */
export const CALENDAR_READ = [{ action: 'api::back-office.calendar.read', subject: null }];
/** Same id as ACTIONS.calendarFeed: create, regenerate or turn off the bureau's secret feed URL. */
export const CALENDAR_FEED = [{ action: 'api::back-office.calendar.feed', subject: null }];

export interface CalendarEntry {
  documentId: string;
  title: string;
  kind: 'mission' | 'event';
  status: 'planned' | 'confirmed' | 'done' | 'cancelled';
  start: string;
  end: string;
  isPublic: boolean;
  capacity: number | null;
  confirmed: number;
  waitlisted: number;
  pole: { name: string; color: string | null } | null;
}

export interface FeedState {
  active: boolean;
  createdAt: string | null;
  url?: string;
}

export const STATUS_LABELS: Record<CalendarEntry['status'], string> = {
  planned: 'Prévue',
  confirmed: 'Confirmée',
  done: 'Réalisée',
  cancelled: 'Annulée',
};

export const STATUS_COLORS: Record<CalendarEntry['status'], string> = {
  planned: '#7b79ff',
  confirmed: '#328048',
  done: '#8e8ea9',
  cancelled: '#d02b20',
};

/** Without a pole colour, a mission takes the neutral colour. */
export const NO_POLE_COLOR = '#4945ff';

export const missionUrl = (documentId: string) => `/content-manager/collection-types/api::mission.mission/${documentId}`;

export const frenchDateTime = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' }) : '';

export const errorMessage = (e: any) => e?.response?.data?.error?.message ?? e?.message ?? 'Erreur inconnue';
