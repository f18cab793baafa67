/**
 * The one way our middlewares compare a request path with a route, so that no spelling of a URL
 * that reaches a route slips past a guard written for it.
 *
 * Strapi's router (@koa/router 12, path-to-regexp 6) matches `ctx.path` case-insensitively and
 * accepts one trailing slash; it does not decode the static parts of a path (`/api/%75pload/files`
 * and `/api//upload/files` reach no route) and decodes parameters once. The canonical form below
 * maps every spelling the router accepts onto one string, and some it refuses as well (harmless
 * for a guard):
 *   - each segment percent-decoded once, an encoded slash kept inside its segment (`%2f`), as the
 *     router does for a parameter (so `[^/]+` still means one segment);
 *   - lower case;
 *   - repeated slashes collapsed, trailing slashes removed.
 * Dot segments are NOT resolved: the router takes `/api/users/..` as the `:id` "..", and a guard
 * must see it under /api/users, not under /api.
 *
 * Prefer hooking a route's config (policies, route middlewares) or a service to matching paths:
 * this is for the few global middlewares that must run before the router.
 */
const decodeSegment = (segment: string) => {
  try {
    return decodeURIComponent(segment).replace(/\//g, '%2f');
  } catch {
    // a malformed escape: the router cannot decode it either; compare it as written
    return segment;
  }
};

export const routePath = (path: unknown): string => {
  const raw = typeof path === 'string' ? path : '';
  const canonical = raw
    .split('/')
    .map(decodeSegment)
    .join('/')
    .toLowerCase()
    .replace(/\/{2,}/g, '/')
    .replace(/\/+$/, '');
  return canonical.startsWith('/') ? canonical : `/${canonical}`;
};

/** True when the request path (any spelling the router accepts) is `prefix` or lies under it. */
export const isUnder = (path: unknown, prefix: string) => {
  const p = routePath(path);
  const base = routePath(prefix);
  return p === base || p.startsWith(`${base}/`);
};
