/**
 * THE rule of what money counts: a refunded contribution or donation (a refund on HelloAsso, or marked by
 * the treasurer) is kept, but counts nowhere: not in the totals (dashboard, financial report, exports),
 * not in a member's dues (duesPaidUntil, hence the dues status and the reminders), never on a tax receipt.
 * An SQL condition on the record's `refunded` column (SQLite 0/1 and PostgreSQL booleans alike); every
 * sum of contributions or donations adds it.
 */
export const countedSql = (refundedColumn: string) => `COALESCE(${refundedColumn}, FALSE) = FALSE`;
