/**
 * What the missions' code reads of the rows the query engine (strapi.db.query) returns. Strapi types
 * those rows as `any`; these describe the fields read here, for the functions that take one.
 * Datetimes stay `unknown`: a number on SQLite, a Date on PostgreSQL (read them with datetimeFromDb).
 */

export interface LocationRow {
  name?: string | null;
  address?: string | null;
  postalCode?: string | null;
  city?: string | null;
}

export interface MissionRow {
  id: number;
  documentId: string;
  title: string;
  status: string;
  kind?: string | null;
  startAt: unknown;
  endAt?: unknown;
  capacity?: number | null;
  location?: LocationRow | null;
}

export interface MemberRow {
  id: number;
  documentId: string;
  memberNumber?: string | number | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
}

export interface ParticipationRow {
  id: number;
  documentId: string;
  status: string;
  source?: string | null;
  role?: string | null;
  /** decimal: a string on PostgreSQL */
  hours?: unknown;
  /** a person registered without a member record */
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  displayName?: string | null;
  mission?: MissionRow | null;
  member?: MemberRow | null;
}
