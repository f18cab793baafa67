import type { AdminContext, Strapi } from '../types';
import { forbidden } from '../../core/errors';
import { labelOf } from '../../contract/labels';

type Action = 'read' | 'create' | 'update';

const VERB: Record<Action, string> = { read: 'consulter', create: 'créer', update: 'modifier' };

/**
 * The content-manager rights of the admin making a request, for the back-office's own endpoints that
 * read or write content types: the same rights, field by field, as the content manager applies.
 */
/** What is used here of the content manager's permission checker (its services are untyped). */
interface PermissionChecker {
  requiresEntity: Record<Action, () => boolean>;
  can: Record<Action, (entity: object | undefined, field: string | undefined) => unknown>;
}

export const contentRights = (strapi: Strapi, userAbility: AdminContext['state']['userAbility']) => {
  const checkers = new Map<string, PermissionChecker>();
  const checker = (uid: string) => {
    if (!checkers.has(uid))
      checkers.set(uid, strapi.plugin('content-manager').service('permission-checker').create({ userAbility, model: uid }));
    return checkers.get(uid);
  };
  /** Whether the admin may do `action` on `uid` (on `field` when given; on `entity` when the right has conditions). */
  const can = (action: Action, uid: string, field?: string, entity?: object) => {
    const c = checker(uid);
    if (c.requiresEntity[action]() && !entity) return false;
    return Boolean(c.can[action](entity, field));
  };
  return {
    can,
    /**
     * A French 403 unless the admin may do `action` on every one of `fields` of `uid`; `what` names
     * the records (« les cotisations »). Nothing is done when it refuses.
     */
    assert(action: Action, uid: string, fields: string[], what: string, entity?: object) {
      if (!can(action, uid, undefined, entity)) throw forbidden(`Votre rôle ne permet pas de ${VERB[action]} ${what}.`);
      const refused = fields.filter((f) => !can(action, uid, f, entity));
      if (refused.length) {
        throw forbidden(
          `Votre rôle ne permet pas de ${VERB[action]} ${refused.map((f) => `« ${labelOf(uid, f)} »`).join(', ')} pour ${what}.`
        );
      }
    },
  };
};
