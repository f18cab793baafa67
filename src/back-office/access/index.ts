import type { BackOfficeModule } from '../types';
import { ensureRoles, registerConfidentialCondition } from './admin-roles';
import { applyPublicPermissions } from './public-api';
import { closePluginContentApi } from './closed-plugin-api';
import { guardAdminPasswords } from './password';

/**
 * Access control: the bureau's admin roles (roles.ts, the table of rights), the confidential
 * documents condition, the public website's rights (public-api.ts), the plugins' content-API
 * routes closed to everyone (closed-plugin-api.ts) and the admin password rule (password.ts).
 */
const access: BackOfficeModule = {
  name: 'access',
  register(strapi) {
    registerConfidentialCondition(strapi);
    closePluginContentApi(strapi);
    guardAdminPasswords(strapi);
  },
  async bootstrap(strapi) {
    await ensureRoles(strapi);
    await applyPublicPermissions(strapi);
  },
};

export default access;
