import type { Strapi } from '../types';
import { forbidden } from '../../core/errors';
import type { Ability } from '../access/content-manager-guard';

/**
 * What the admin asking for an export may read, from their content-manager rights: the read right
 * on each content type, and the fields that right covers (field-level permissions). Exports check
 * here so that nobody downloads what the content manager would not show them.
 */
export interface ReadAccess {
  canReadType: (uid: string) => boolean;
  canRead: (uid: string, field: string) => boolean;
  /** the read right is limited by conditions (e.g. "created by me"): rows cannot be filtered in bulk */
  isConditional: (uid: string) => boolean;
}

/** What exports use of the content manager's permission checker of one content type. */
interface ReadChecker {
  can: { read: (entity?: unknown, field?: string) => boolean };
  requiresEntity: { read: () => boolean };
}

export const readAccess = (strapi: Strapi, userAbility: Ability): ReadAccess => {
  const checkers = new Map<string, ReadChecker>();
  const checker = (uid: string) => {
    if (!checkers.has(uid)) {
      checkers.set(uid, strapi.plugin('content-manager').service('permission-checker').create({ userAbility, model: uid }) as ReadChecker);
    }
    return checkers.get(uid)!;
  };
  return {
    canReadType: (uid) => checker(uid).can.read(),
    canRead: (uid, field) => checker(uid).can.read(undefined, field),
    isConditional: (uid) => checker(uid).requiresEntity.read(),
  };
};

/** 403 unless the admin may read the whole content type without conditions. */
export const assertCanExport = (access: ReadAccess, uid: string, what: string) => {
  if (!access.canReadType(uid)) {
    throw forbidden(`Vous n\u2019avez pas le droit de consulter les ${what} : export refusé.`);
  }
  if (access.isConditional(uid)) {
    throw forbidden(
      `Votre droit de lecture sur les ${what} est limité par des conditions : l\u2019export complet n\u2019est pas autorisé.`
    );
  }
};
