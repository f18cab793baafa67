import type { EnumValue } from '../../../contract/labels';
import { ACTIONS } from '../../../contract/permissions';
import { permissionsFor } from '../../_lib';

/** Client side of src/back-office/missions (GET /back-office/calendar, /calendar/private-feed). */
export const CALENDAR_READ = permissionsFor(ACTIONS.calendarRead);

export type MissionStatus = EnumValue<'api::mission.mission', 'status'>;

export interface CalendarEntry {
  documentId: string;
  title: string;
  kind: EnumValue<'api::mission.mission', 'kind'>;
  status: MissionStatus;
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

export const STATUS_COLORS: Record<MissionStatus, string> = {
  planned: '#7b79ff',
  confirmed: '#328048',
  done: '#8e8ea9',
  cancelled: '#d02b20',
};

/** Without a pole colour, a mission takes the neutral colour. */
export const NO_POLE_COLOR = '#4945ff';

export const missionUrl = (documentId: string) => `/content-manager/collection-types/api::mission.mission/${documentId}`;
