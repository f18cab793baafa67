import * as React from 'react';
import { useRBAC } from '@strapi/strapi/admin';
import type { ActionId } from '../../contract/permissions';

/**
 * Permissions as Strapi's admin states them (GET /admin/users/me/permissions): one entry per action
 * id, the full id (`api::back-office.reports.read`), `subject` null for the back-office's actions.
 * The menu links, Page.Protect and the widgets take this shape.
 */
export const permissionsFor = (...actions: ActionId[]) => actions.map((action) => ({ action, subject: null }));

/**
 * Whether the signed-in admin holds a back-office action, e.g. `useCan(ACTIONS.reportsRead)`.
 * Strapi's useRBAC names its answers after the last word of the action id only
 * (`api::back-office.reports.read` → `canRead`, `…calendar.feed` → `canFeed`): a page reading
 * `canReport` or `canManage` never sees `true`. So one action is checked at a time and its answer
 * read whatever its name. `allowed` stays false while the check runs.
 */
export const useCan = (action: ActionId) => {
  const permissions = React.useMemo(() => permissionsFor(action), [action]);
  const { allowedActions, isLoading } = useRBAC(permissions);
  return { allowed: !isLoading && Object.values(allowedActions).some(Boolean), loading: isLoading };
};
