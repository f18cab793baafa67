import type { Attributes, Strapi } from '../types';
import {
  BACK_OFFICE_RIGHTS,
  CM_ACTIONS,
  CONFIDENTIAL_READERS,
  RECEIPT_FILE_READERS,
  CONTENT_CONDITIONS,
  CONTENT_RIGHTS,
  MEDIA_RIGHTS,
  ROLES,
  RoleCode,
  rightsOf,
} from './roles';

/** Permission condition: documents marked confidential are hidden (list, view, edit, delete). */
export const NOT_CONFIDENTIAL = { name: 'not-confidential', id: 'api::not-confidential' };

/**
 * Media-library condition: the files attached to a confidential document are hidden (list, view,
 * download, edit, delete), so the document cannot be read through the media library either.
 * Evaluated at each admin request (Strapi builds the user's abilities per request).
 */
export const NOT_CONFIDENTIAL_FILE = { name: 'not-confidential-file', id: 'api::not-confidential-file' };

/**
 * Media-library condition of the roles that read confidential documents but not tax receipts: the
 * receipts' PDFs are hidden (the other confidential files, covered by NOT_CONFIDENTIAL_FILE for
 * everyone else, include them already).
 */
export const NOT_RECEIPT_FILE = { name: 'not-receipt-file', id: 'api::not-receipt-file' };

export const registerConfidentialCondition = (strapi: Strapi) => {
  strapi.admin.services.permission.conditionProvider.register({
    displayName: 'Documents non confidentiels',
    name: NOT_CONFIDENTIAL.name,
    // false, not "not true": a document without the flag stays hidden (fail closed).
    handler: () => ({ confidential: false }),
  });
  strapi.admin.services.permission.conditionProvider.register({
    displayName: 'Fichiers hors documents confidentiels',
    name: NOT_CONFIDENTIAL_FILE.name,
    // the files' flags (media/file-flags.ts); false, not "not true": a file without it stays hidden
    handler: () => ({ confidential: false }),
  });
  strapi.admin.services.permission.conditionProvider.register({
    displayName: 'Fichiers hors reçus fiscaux',
    name: NOT_RECEIPT_FILE.name,
    handler: () => ({ taxReceipt: false }),
  });
};

/**
 * The fields a role may touch: every field (nested component fields included, as Strapi expects),
 * except relations towards content types the role cannot read (a pole's members stay hidden from
 * the communication officer).
 */
const fieldsFor = (strapi: Strapi, code: RoleCode, uid: string): string[] => {
  const model = strapi.contentTypes[uid as keyof typeof strapi.contentTypes] as unknown as { attributes: Attributes };
  const fields: string[] = strapi.service('admin::content-type').getNestedFields(model, { components: strapi.components });
  return fields.filter((path) => {
    const attr = model.attributes[path.split('.')[0]];
    return !(attr?.type === 'relation' && attr.target?.startsWith('api::') && !rightsOf(code, attr.target).includes('R'));
  });
};

/** One right as the admin's role service assigns it (subject null: a plugin or back-office action). */
interface DefaultPermission {
  action: string;
  subject: string | null;
  properties: { fields?: string[] };
  conditions: string[];
}

/** The whole default permission set of one role, from the table in roles.ts. */
export const defaultPermissions = (strapi: Strapi, code: RoleCode) => {
  const permissions: DefaultPermission[] = [];
  for (const uid of Object.keys(CONTENT_RIGHTS)) {
    if (!strapi.contentTypes[uid as keyof typeof strapi.contentTypes]) continue;
    const conditions =
      uid === 'api::document.document' && !CONFIDENTIAL_READERS.includes(code)
        ? [NOT_CONFIDENTIAL.id]
        : (CONTENT_CONDITIONS[uid]?.[code] ?? []);
    for (const letter of rightsOf(code, uid)) {
      const action = CM_ACTIONS[letter];
      const properties = letter === 'P' || letter === 'D' ? {} : { fields: fieldsFor(strapi, code, uid) };
      permissions.push({ action, subject: uid, properties, conditions });
    }
  }
  for (const [action, codes] of Object.entries(BACK_OFFICE_RIGHTS)) {
    if (codes.includes(code)) permissions.push({ action, subject: null, properties: {}, conditions: [] });
  }
  // the files of confidential documents stay out of the media library of those who may not read them
  // (and the receipts' PDFs out of the media library of who reads them only through the receipts' page)
  const fileConditions = !CONFIDENTIAL_READERS.includes(code)
    ? [NOT_CONFIDENTIAL_FILE.id]
    : RECEIPT_FILE_READERS.includes(code)
      ? []
      : [NOT_RECEIPT_FILE.id];
  for (const [action, codes] of Object.entries(MEDIA_RIGHTS)) {
    if (codes.includes(code))
      permissions.push({
        action,
        subject: null,
        properties: {},
        conditions: action === 'plugin::upload.assets.create' ? [] : fileConditions,
      });
  }
  return permissions;
};

/**
 * Creates the bureau's roles that are missing, with their default rights. A role that exists is
 * left as the bureau edited it, unless `reset` (npm run roles:reset) re-applies the defaults.
 */
export const ensureRoles = async (strapi: Strapi, { reset = false } = {}) => {
  const roleService = strapi.service('admin::role');
  const applied: string[] = [];
  for (const { code, name, description } of ROLES) {
    let role = await roleService.findOne({ code });
    if (role && !reset) continue;
    if (!role) role = await roleService.create({ code, name, description });
    await roleService.assignPermissions(role.id, defaultPermissions(strapi, code));
    applied.push(code);
  }
  return applied;
};

/** Strapi's default roles, which the bureau does not use: its own roles replace them (roles.ts). */
export const STRAPI_UNUSED_ROLES = ['strapi-author', 'strapi-editor'];

/**
 * Removes Strapi's « Author » and « Editor » roles from the roles screen, unless someone holds one
 * (an account given it by hand keeps it). Strapi creates them only on a database without any role,
 * so they do not come back.
 */
export const removeUnusedDefaultRoles = async (strapi: Strapi) => {
  const roleService = strapi.service('admin::role');
  const removed: string[] = [];
  for (const code of STRAPI_UNUSED_ROLES) {
    const role = await roleService.findOne({ code });
    if (!role) continue;
    const holders = await strapi.db.query('admin::user').count({ where: { roles: { id: role.id } } });
    if (holders > 0) continue;
    await roleService.deleteByIds([role.id]);
    removed.push(code);
  }
  // the super admin's description, in French while it is still Strapi's English one
  const superAdmin = await roleService.findOne({ code: 'strapi-super-admin' });
  if (superAdmin && /^Super Admins can access/.test(superAdmin.description ?? '')) {
    await strapi.db.query('admin::role').update({ where: { id: superAdmin.id }, data: { description: SUPER_ADMIN_DESCRIPTION } });
  }
  return removed;
};

/** The super admin role, held by the president. */
export const SUPER_ADMIN_DESCRIPTION = 'Tous les droits, paramètres compris (la présidence).';

/**
 * Derived fields added to a content type after the bureau's roles were created: a role that reads
 * the type reads them too (they only name a record, e.g. a contribution by its member and period).
 * Roles are otherwise left as the bureau edited them.
 */
export const DERIVED_FIELDS: Record<string, string[]> = { 'api::contribution.contribution': ['displayName'] };

export const grantDerivedFields = async (strapi: Strapi) => {
  let changed = 0;
  for (const [subject, fields] of Object.entries(DERIVED_FIELDS)) {
    const permissions = await strapi.db.query('admin::permission').findMany({
      where: { subject, action: CM_ACTIONS.R, role: { code: { $in: ROLES.map((r) => r.code) } } },
    });
    for (const permission of permissions) {
      const current: unknown = permission.properties?.fields;
      if (!Array.isArray(current)) continue;
      const missing = fields.filter((f) => !current.includes(f));
      if (!missing.length) continue;
      await strapi.db
        .query('admin::permission')
        .update({ where: { id: permission.id }, data: { properties: { ...permission.properties, fields: [...current, ...missing] } } });
      changed += 1;
    }
  }
  return changed;
};
