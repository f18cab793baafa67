import * as React from 'react';
import { useRBAC } from '@strapi/strapi/admin';

/**
 * Whether the signed-in admin may create, read, update or delete the records of a content type in
 * the content manager, e.g. `useCanContent('create', 'api::contribution.contribution')`. The
 * content manager's action ids live here, not in the pages. `allowed` stays false while the check runs.
 */
export type ContentAction = 'create' | 'read' | 'update' | 'delete';

const CONTENT_ACTIONS: Record<ContentAction, string> = {
  create: 'plugin::content-manager.explorer.create',
  read: 'plugin::content-manager.explorer.read',
  update: 'plugin::content-manager.explorer.update',
  delete: 'plugin::content-manager.explorer.delete',
};

/** The permission Strapi's menu links and widgets take for a content-manager right. */
export const contentPermission = (action: ContentAction, uid: string) => ({ action: CONTENT_ACTIONS[action], subject: uid });

export const useCanContent = (action: ContentAction, uid: string | null | undefined) => {
  // a subject no role holds while there is none to check
  const permissions = React.useMemo(() => [contentPermission(action, uid ?? 'none')], [action, uid]);
  const { allowedActions, isLoading } = useRBAC(permissions);
  return { allowed: !!uid && !isLoading && Object.values(allowedActions).some(Boolean), loading: isLoading };
};
