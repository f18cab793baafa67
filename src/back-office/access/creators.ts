import type { Strapi } from '../types';
import { invalidInput } from '../missions/schedule';

const CREATE = 'plugin::content-manager.explorer.create';

/**
 * Who may create records of a content type, for the French note shown to a role that may not (« a
 * role that may not create something sees why, not a missing button »): the names of the admin
 * roles holding the content manager's create right on it, as the bureau set them (Paramètres >
 * Rôles), the Super Admin first. An empty list: the back-office writes them itself (logs).
 */
export const creatorsOf = async (strapi: Strapi, uid: unknown) => {
  if (typeof uid !== 'string' || !uid.startsWith('api::') || !strapi.contentTypes[uid as keyof typeof strapi.contentTypes]) {
    throw invalidInput('uid', 'Type de contenu : inconnu.');
  }
  const model = strapi.contentTypes[uid as keyof typeof strapi.contentTypes] as unknown as {
    info?: { displayName?: string };
    pluginOptions?: { 'content-type-builder'?: { visible?: boolean } };
  };
  const permissions = await strapi.db.query('admin::permission').findMany({
    where: { action: CREATE, subject: uid },
    populate: { role: { select: ['id', 'name', 'code'] } },
  });
  const roleIds = [...new Set(permissions.filter((p) => p.role && p.role.code !== 'strapi-super-admin').map((p) => p.role.id as number))];
  // the roles someone holds: whom to ask (a role nobody has, such as Strapi's unused defaults, helps nobody)
  const held = roleIds.length
    ? await strapi.db
        .query('admin::role')
        .findMany({ where: { id: { $in: roleIds }, users: { id: { $notNull: true } } }, select: ['name'] })
    : [];
  const roles = [...new Set(held.map((r) => r.name as string))].sort((a, b) => a.localeCompare(b, 'fr'));
  // the Super Admin holds every right, but nobody creates by hand a log the back-office writes
  const writtenByTheBackOffice = roles.length === 0 && model.pluginOptions?.['content-type-builder']?.visible === false;
  return {
    uid,
    displayName: model.info?.displayName ?? uid,
    writtenByTheBackOffice,
    roles: writtenByTheBackOffice ? [] : ['Super Admin', ...roles],
  };
};
