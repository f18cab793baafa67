import type { BackOfficeModule } from '../types';
import { ensureRoles, grantDerivedFields, registerConfidentialCondition, removeUnusedDefaultRoles } from './admin-roles';
import { guardContentManager } from './content-manager-guard';
import { applyPublicPermissions } from './public-api';
import { closePluginContentApi } from './closed-plugin-api';
import { guardAdminPasswords } from './password';
import { creatorsOf } from './creators';
import { frenchRoleEditor } from './role-editor-labels';

/**
 * Access control: the bureau's admin roles (roles.ts, the table of rights), the confidential
 * documents condition, the content manager's guard at every depth (content-manager-guard.ts), the
 * public website's rights (public-api.ts), the plugins' content-API routes closed to everyone
 * (closed-plugin-api.ts) and the admin password rule (password.ts).
 */
const access: BackOfficeModule = {
  name: 'access',
  routes: [
    {
      // the roles that may create records of a content type (?uid=api::contribution.contribution), for the
      // French note shown to those who may not; any signed-in bureau member may ask
      method: 'GET',
      path: '/access/creators',
      actions: [],
      async handler(ctx) {
        ctx.body = { data: await creatorsOf(strapi, ctx.query.uid) };
      },
    },
  ],
  register(strapi) {
    registerConfidentialCondition(strapi);
    closePluginContentApi(strapi);
    guardAdminPasswords(strapi);
  },
  async bootstrap(strapi) {
    // before any request: the content manager's queries and answers are checked at every depth
    guardContentManager(strapi);
    // the roles screen names the types and fields in French
    frenchRoleEditor(strapi);
    await ensureRoles(strapi);
    await removeUnusedDefaultRoles(strapi);
    await grantDerivedFields(strapi);
    await applyPublicPermissions(strapi);
  },
};

export default access;
