import type { Strapi } from '../types';
import {
  BACK_OFFICE_RIGHTS,
  CM_ACTIONS,
  CONFIDENTIAL_READERS,
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

/** Ids of the files attached to a document that is not explicitly non-confidential (fail closed). */
export const confidentialFileIds = async (strapi: Strapi): Promise<number[]> => {
  const documents = await strapi.db.query('api::document.document').findMany({
    where: { $or: [{ confidential: true }, { confidential: { $null: true } }] },
    select: ['id'],
    populate: { file: { select: ['id'] } },
  });
  return documents.map((d: any) => d.file?.id).filter((id: unknown): id is number => typeof id === 'number');
};

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
    handler: async () => {
      const ids = await confidentialFileIds(strapi);
      return ids.length ? { id: { $nin: ids } } : true;
    },
  });
};

/**
 * The fields a role may touch: every field (nested component fields included, as Strapi expects),
 * except relations towards content types the role cannot read (a pole's members stay hidden from
 * the communication officer).
 */
const fieldsFor = (strapi: Strapi, code: RoleCode, uid: string): string[] => {
  const model = strapi.contentTypes[uid as keyof typeof strapi.contentTypes] as any;
  const fields: string[] = strapi.service('admin::content-type').getNestedFields(model, { components: strapi.components });
  return fields.filter((path) => {
    const attr = model.attributes[path.split('.')[0]];
    return !(attr?.type === 'relation' && attr.target?.startsWith('api::') && !rightsOf(code, attr.target).includes('R'));
  });
};

/** The whole default permission set of one role, from the table in roles.ts. */
export const defaultPermissions = (strapi: Strapi, code: RoleCode) => {
  const permissions: any[] = [];
  for (const uid of Object.keys(CONTENT_RIGHTS)) {
    if (!strapi.contentTypes[uid as keyof typeof strapi.contentTypes]) continue;
    const conditions = uid === 'api::document.document' && !CONFIDENTIAL_READERS.includes(code) ? [NOT_CONFIDENTIAL.id] : [];
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
  const fileConditions = CONFIDENTIAL_READERS.includes(code) ? [] : [NOT_CONFIDENTIAL_FILE.id];
  for (const [action, codes] of Object.entries(MEDIA_RIGHTS)) {
    if (codes.includes(code)) permissions.push({ action, subject: null, properties: {}, conditions: action === 'plugin::upload.assets.create' ? [] : fileConditions });
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

/**
 * Fields added to the data model after the bureau's roles were created, each with the field a role
 * must already be allowed to see to get it: Strapi lists the fields of every content right, so a
 * role created before the field would not see it (a relation to a member would show an identifier
 * instead of "Martin Claire (n° 42)"). Given once per field (remembered in the core store), so that a
 * right the bureau takes away afterwards stays away. New roles and `roles:reset` get every field.
 */
const ADDED_FIELDS: Array<{ field: string; subjects: string[]; alongWith: string }> = [
  { field: 'displayName', subjects: ['api::member.member', 'api::donor.donor', 'api::participation.participation'], alongWith: 'lastName' },
];

export const grantAddedFields = async (strapi: Strapi) => {
  const store = strapi.store({ type: 'plugin', name: 'back-office', key: 'granted-fields' });
  const done = new Set<string>(((await store.get({})) as string[] | null) ?? []);
  const todo = ADDED_FIELDS.filter(({ field }) => !done.has(field));
  if (!todo.length) return;
  const permissions = strapi.db.query('admin::permission');
  for (const { field, subjects, alongWith } of todo) {
    const rows = await permissions.findMany({
      where: { subject: { $in: subjects }, action: { $in: [CM_ACTIONS.C, CM_ACTIONS.R, CM_ACTIONS.U] } },
      select: ['id', 'properties'],
    });
    for (const row of rows) {
      const fields = row.properties?.fields;
      if (!Array.isArray(fields) || fields.includes(field) || !fields.includes(alongWith)) continue;
      await permissions.update({ where: { id: row.id }, data: { properties: { ...row.properties, fields: [...fields, field] } } });
    }
    done.add(field);
  }
  await store.set({ value: [...done] });
};
