/**
 * `global::closed-plugin-api`: the plugins' content-API reads the website never needs, closed to
 * everyone (403). Strapi lets a read-only API token call every route whose action ends in `find`,
 * plugins included: the media library list would give the names and addresses of every file (those
 * of confidential documents too), the users-permissions routes the accounts and roles. The website
 * gets its images through the articles, missions and partners (populate); the admin panel uses its
 * own routes (/upload/..., /admin/...), not these.
 */
import { errors } from '@strapi/utils';

const CLOSED = [/^\/api\/upload\/files(\/|$)/, /^\/api\/users(\/|$)/, /^\/api\/users-permissions\/(roles|permissions)(\/|$)/];

export default () => async (ctx: any, next: () => Promise<unknown>) => {
  if (ctx.method === 'GET' && CLOSED.some((re) => re.test(ctx.path))) {
    throw new errors.ForbiddenError('Cette partie de l\u2019API n\u2019est pas ouverte : les fichiers se lisent par les articles, missions et partenaires publics.');
  }
  return next();
};
