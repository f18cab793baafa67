import { forbidden } from '../../core/errors';
import type { Strapi } from '../types';

/**
 * The plugins' content-API routes the website never needs, closed to everyone (403), whatever the
 * caller (visitor, signed-in account, read-only or full-access API token) and whatever the spelling
 * of the URL: the refusal is on the routes themselves, not a match on the path. Strapi lets
 * a read-only API token call every route whose action ends in `find`/`findOne`, plugins included:
 * the media library would give the names and addresses of every file (those of confidential
 * documents too), the users-permissions routes the accounts and roles. The website gets its images
 * through the articles, missions and partners (populate); the admin panel uses its own routes
 * (/upload/..., /admin/...), not these. The sign-in routes (/api/auth/...) stay governed by the
 * public role's permissions, none of which is granted.
 */
const CLOSED: Record<string, (handler: string) => boolean> = {
  // media library: list, file info, upload, delete
  upload: () => true,
  // accounts, roles, permissions
  'users-permissions': (handler) => /^(user|role|permissions)\./.test(handler),
};

export const CLOSED_MESSAGE =
  'Cette partie de l\u2019API n\u2019est pas ouverte : les fichiers se lisent par les articles, missions et partenaires publics.';

// A route middleware (Strapi 5 resolves policies by name only); runs before the controller.
const refuse = async () => {
  throw forbidden(CLOSED_MESSAGE);
};

interface PluginRoute {
  handler: unknown;
  config?: { middlewares?: unknown[] };
}

/** Adds the refusal to the routes, in register() (before Strapi mounts them). */
export const closePluginContentApi = (strapi: Strapi) => {
  for (const [name, isClosed] of Object.entries(CLOSED)) {
    // a content-API router factory exposes its (shared) routes array, an object router has `routes`
    const plugin = strapi.plugin(name) as unknown as { routes?: Record<string, { routes?: PluginRoute[] }> } | undefined;
    const routes = plugin?.routes?.['content-api']?.routes;
    // fail loudly if an upgrade of Strapi changes the shape: never start with these routes open
    if (!Array.isArray(routes) || !routes.length)
      throw new Error(`Routes de l'API du plugin ${name} introuvables : impossible de les fermer.`);
    for (const route of routes) {
      if (typeof route.handler !== 'string' || !isClosed(route.handler)) continue;
      const middlewares = route.config?.middlewares ?? [];
      if (!middlewares.includes(refuse)) route.config = { ...route.config, middlewares: [refuse, ...middlewares] };
    }
  }
};
