import type { BackOfficeModule } from '../types';
import { ensureRoles, registerConfidentialCondition } from './admin-roles';
import { guardContentManager } from './content-manager-guard';
import { applyPublicPermissions } from './public-api';

/**
 * Access control: the bureau's admin roles (roles.ts, the table of rights), the confidential
 * documents condition, the content manager's guard at every depth (content-manager-guard.ts), and
 * the public website's rights (public-api.ts). The admin password rule
 * is the global middleware `global::admin-password` (password.ts).
 */
const access: BackOfficeModule = {
  name: 'access',
  register(strapi) {
    registerConfidentialCondition(strapi);
  },
  async bootstrap(strapi) {
    // before any request: the content manager's queries and answers are checked at every depth
    guardContentManager(strapi);
    await ensureRoles(strapi);
    await applyPublicPermissions(strapi);
  },
};

export default access;
