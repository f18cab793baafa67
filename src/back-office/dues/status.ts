import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { Strapi } from '../types';
import { ASSOCIATION_DEFAULTS, readAssociation } from '../../core/association';
import { todayInParis } from '../../core/dates';
import type { DuesStatus } from '../../contract/dues';

/**
 * THE definition of a member's dues status, used by the API, the exports, the stats, the
 * reminders and the admin pages. From `duesPaidUntil` (last day covered), today (Europe/Paris)
 * and the association's grace period:
 *   never_paid  no contribution at all
 *   up_to_date  covered beyond the next `expiringWithinDays` days
 *   expiring    covered today, but ends within `expiringWithinDays` days (the day of expiry included)
 *   grace       ended, and today is within `graceDays` days after the end (the last day of grace included)
 *   expired     ended more than `graceDays` days ago
 */
// The statuses and their French names are part of the contract shared with the admin panel.
export { DUES_STATUSES, DUES_STATUS_LABELS, type DuesStatus } from '../../contract/dues';
export const DEFAULT_EXPIRING_WITHIN_DAYS = 30;
export const DEFAULT_GRACE_DAYS = ASSOCIATION_DEFAULTS.duesGraceDays;

export interface DuesOptions {
  today?: string;
  graceDays?: number;
  expiringWithinDays?: number;
}

/** The three dates that separate the statuses, for a given day. */
export const duesThresholds = ({
  today = todayInParis(),
  graceDays = DEFAULT_GRACE_DAYS,
  expiringWithinDays = DEFAULT_EXPIRING_WITHIN_DAYS,
}: DuesOptions = {}) => {
  const t = DateTime.fromISO(today);
  return {
    today,
    /** paid until after this day: up to date */
    expiringUntil: t.plus({ days: expiringWithinDays }).toISODate()!,
    /** paid until on or after this day (and not after today + N): grace ... */
    graceFrom: t.minus({ days: graceDays }).toISODate()!,
  };
};

export const duesStatus = (duesPaidUntil: string | null | undefined, options: DuesOptions = {}): DuesStatus => {
  if (!duesPaidUntil) return 'never_paid';
  const { today, expiringUntil, graceFrom } = duesThresholds(options);
  const d = String(duesPaidUntil).slice(0, 10);
  if (d > expiringUntil) return 'up_to_date';
  if (d >= today) return 'expiring';
  if (d >= graceFrom) return 'grace';
  return 'expired';
};

/**
 * The same definition as an SQL expression (SQLite and PostgreSQL), for queries that filter or
 * count by status without loading members: `CASE ... END` over the given column.
 */
export const duesStatusSql = (column: string, options: DuesOptions = {}) => {
  const { today, expiringUntil, graceFrom } = duesThresholds(options);
  return {
    sql: `CASE WHEN ${column} IS NULL THEN 'never_paid' WHEN ${column} > ? THEN 'up_to_date' WHEN ${column} >= ? THEN 'expiring' WHEN ${column} >= ? THEN 'grace' ELSE 'expired' END`,
    bindings: [expiringUntil, today, graceFrom],
  };
};

/** A knex-style where clause on the paid-until column for one status. */
export const duesStatusWhere = (qb: Knex.QueryBuilder, column: string, status: DuesStatus, options: DuesOptions = {}) => {
  const { today, expiringUntil, graceFrom } = duesThresholds(options);
  switch (status) {
    case 'never_paid':
      return qb.whereNull(column);
    case 'up_to_date':
      return qb.where(column, '>', expiringUntil);
    case 'expiring':
      return qb.where(column, '>=', today).where(column, '<=', expiringUntil);
    case 'grace':
      return qb.where(column, '>=', graceFrom).where(column, '<', today);
    case 'expired':
      return qb.where(column, '<', graceFrom);
  }
};

/** The association's grace period (days), from its settings. */
export const associationGraceDays = async (strapi: Strapi) => (await readAssociation(strapi, ['duesGraceDays'])).duesGraceDays;
