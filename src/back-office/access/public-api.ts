import type { UID } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { badRequest, notFound } from '../../core/errors';
import type { Strapi } from '../types';

/**
 * What the public website may read, and nothing more. The content API controllers of article,
 * mission and partner build their queries ONLY from these whitelists: the caller's `fields`,
 * `populate`, `filters` and `sort` are checked against them (400 otherwise), so no parameter can
 * reveal or probe (filter as an oracle) a private field.
 */
export interface PublicContent {
  /** French name, for messages */
  label: string;
  /** scalar fields returned (and the only ones `fields` may ask for) */
  fields: string[];
  /** media, components and relations a visitor may populate, each with its own fixed public fields */
  populate: Record<string, { fields?: string[] }>;
  /** field paths a `filters` query may use (dotted for components/relations) */
  filterable: string[];
  sortable: string[];
  /** what the public never sees, whatever the query */
  scope: Record<string, unknown>;
  /** draft & publish: only published documents */
  published?: boolean;
}

const MEDIA = {
  fields: ['name', 'alternativeText', 'caption', 'width', 'height', 'formats', 'hash', 'ext', 'mime', 'size', 'url', 'previewUrl'],
};

export const PUBLIC_CONTENT: Record<string, PublicContent> = {
  'api::article.article': {
    label: 'Article',
    fields: ['title', 'slug', 'excerpt', 'body', 'category', 'publishedAt', 'updatedAt'],
    populate: { cover: MEDIA, gallery: MEDIA },
    filterable: ['documentId', 'title', 'slug', 'category', 'publishedAt'],
    sortable: ['publishedAt', 'title', 'updatedAt'],
    scope: {},
    published: true,
  },
  'api::mission.mission': {
    label: 'Mission',
    // not budget, equipment, documents, internal notes, participations
    fields: [
      'title',
      'slug',
      'summary',
      'description',
      'kind',
      'startAt',
      'endAt',
      'capacity',
      'status',
      'publicRegistration',
      'registrationRequiresApproval',
    ],
    populate: { location: {}, poster: MEDIA, pole: { fields: ['name', 'color'] } },
    filterable: [
      'documentId',
      'title',
      'slug',
      'kind',
      'startAt',
      'endAt',
      'status',
      'publicRegistration',
      'location.city',
      'pole.name',
      'pole.documentId',
    ],
    sortable: ['startAt', 'endAt', 'title'],
    scope: { isPublic: true },
  },
  'api::partner.partner': {
    label: 'Partenaire',
    // not the contact person, e-mail or phone
    fields: ['name', 'kind', 'website', 'description', 'since'],
    populate: { logo: MEDIA },
    filterable: ['documentId', 'name', 'kind', 'since'],
    sortable: ['name', 'since'],
    scope: { isPublic: true },
  },
};

/**
 * Reference data: the only other types with content-API read routes (find/findOne), for integrations
 * holding an API token; their queries are limited by referenceDataQuery (below). Every other type's
 * router leaves out find and findOne (tests/access/content-api-reads.test.ts checks every type).
 */
export const REFERENCE_CONTENT = [
  'api::pole.pole',
  'api::skill.skill',
  'api::availability-slot.availability-slot',
  'api::membership-type.membership-type',
  'api::association.association',
];

/** The only content-API actions granted to the users-permissions `public` role. */
export const PUBLIC_ACTIONS = Object.keys(PUBLIC_CONTENT).flatMap((uid) => [`${uid}.find`, `${uid}.findOne`]);

const OPERATORS = new Set([
  '$eq',
  '$eqi',
  '$ne',
  '$nei',
  '$lt',
  '$lte',
  '$gt',
  '$gte',
  '$in',
  '$notIn',
  '$contains',
  '$notContains',
  '$containsi',
  '$notContainsi',
  '$startsWith',
  '$startsWithi',
  '$endsWith',
  '$endsWithi',
  '$null',
  '$notNull',
  '$between',
]);
const LOGICAL = new Set(['$and', '$or', '$not']);

const refuse = (param: string, key: string, message: string) => {
  throw badRequest(`${param} : ${message} « ${key} ».`, [param, key]);
};

const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** Every key of `filters` must be a public field path, an operator or $and/$or/$not. */
const checkFilters = (spec: PublicContent, node: unknown, path: string[] = []): void => {
  if (isScalar(node)) {
    if (!path.length) refuse('filters', String(node), 'filtre invalide');
    return;
  }
  if (Array.isArray(node)) return node.forEach((n) => checkFilters(spec, n, path));
  if (typeof node !== 'object') refuse('filters', String(node), 'filtre invalide');
  for (const [key, value] of Object.entries(node as object)) {
    if (LOGICAL.has(key)) checkFilters(spec, value, path);
    else if (OPERATORS.has(key)) {
      if (!path.length || !spec.filterable.includes(path.join('.'))) refuse('filters', key, 'filtre non autorisé');
      const values = Array.isArray(value) ? value : [value];
      if (!values.every(isScalar)) refuse('filters', key, 'filtre invalide');
    } else {
      const next = [...path, key];
      const full = next.join('.');
      if (!spec.filterable.some((f) => f === full || f.startsWith(`${full}.`))) refuse('filters', full, 'filtre non autorisé');
      checkFilters(spec, value, next);
    }
  }
};

const asList = (value: unknown): string[] => {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.flatMap(asList);
  if (typeof value === 'object') return Object.entries(value as object).map(([k, v]) => (typeof v === 'string' ? `${k}:${v}` : k));
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
};

const checkSort = (spec: PublicContent, sort: unknown) => {
  const items = asList(sort);
  for (const item of items) {
    const [field, dir = 'asc'] = item.split(':');
    if (!spec.sortable.includes(field) || !['asc', 'desc'].includes(dir.toLowerCase())) refuse('sort', item, 'tri non autorisé');
  }
  return items;
};

const checkFields = (spec: PublicContent, fields: unknown) => {
  const asked = asList(fields);
  for (const f of asked) if (!spec.fields.includes(f)) refuse('fields', f, 'champ non public');
  return asked.length ? asked : spec.fields;
};

/**
 * `populate` may only name public relations ('*' and true mean all of them), each with its fixed
 * public shape; nothing is populated unless asked (as in Strapi's own routes: a list stays cheap).
 */
const checkPopulate = (spec: PublicContent, populate: unknown) => {
  const names = typeof populate === 'object' && populate !== null && !Array.isArray(populate) ? Object.keys(populate) : asList(populate);
  const wanted: Record<string, { fields?: string[] }> = {};
  for (const n of names) {
    const top = n.split('.')[0];
    if (top === '*' || top === 'true') Object.assign(wanted, spec.populate);
    else if (top in spec.populate) wanted[top] = spec.populate[top];
    else refuse('populate', n, 'relation non publique');
  }
  return wanted;
};

const PAGINATION_KEYS = ['page', 'pageSize', 'start', 'limit', 'withCount'];

/** The Document Service parameters of a public list or item query, from the visitor's query string. */
export const publicQuery = (uid: string, query: Record<string, unknown>, { list }: { list: boolean }) => {
  const spec = PUBLIC_CONTENT[uid];
  const fields = checkFields(spec, query.fields);
  const populate = checkPopulate(spec, query.populate);
  const params: Record<string, unknown> = { fields, populate };
  if (spec.published) params.status = 'published';
  if (!list) return { params, spec };
  if (query.filters !== undefined) checkFilters(spec, query.filters);
  params.filters = query.filters ? { $and: [query.filters, spec.scope] } : spec.scope;
  const sort = checkSort(spec, query.sort);
  if (sort.length) params.sort = sort;
  const pagination = (typeof query.pagination === 'object' && query.pagination ? query.pagination : {}) as Record<string, unknown>;
  params.pagination = Object.fromEntries(PAGINATION_KEYS.filter((k) => k in pagination).map((k) => [k, pagination[k]]));
  return { params, spec };
};

/** What the actions use of Strapi's core controller (`this` in a controller action). */
interface CoreController {
  transformResponse: (data: unknown, meta?: Record<string, unknown>) => unknown;
}

/** find and findOne for the content API controller of a public content type. */
export const publicReadActions = (strapi: Strapi, uid: string) => ({
  async find(this: CoreController, ctx: Context) {
    const { params } = publicQuery(uid, ctx.query ?? {}, { list: true });
    const { results, pagination } = await strapi.service(uid as UID.Service).find(params);
    return this.transformResponse(results, { pagination });
  },

  async findOne(this: CoreController, ctx: Context) {
    const { params, spec } = publicQuery(uid, ctx.query ?? {}, { list: false });
    const entity = await strapi
      .documents(uid as UID.ContentType)
      .findFirst({ ...params, filters: { $and: [{ documentId: ctx.params.id }, spec.scope] } });
    if (!entity) throw notFound(`${spec.label} introuvable.`);
    return this.transformResponse(entity);
  },
});

/**
 * Reference data (poles, skills, availability slots, membership types, the association's settings)
 * keeps Strapi's find/findOne for integrations holding an API token. Strapi lets a read-only token
 * call every find/findOne and, for such a token, does not strip relations to other types from
 * populate/filters/sort (its check is on the action name, route or no route). So a query on
 * reference data may name only the type's own fields (no relation: poles → members, membership
 * types → contributions...) and populate only its images, in their fixed public shape; anything
 * else is a 400. Personal data (members, donors, donations, contributions, participations,
 * subsidies, documents, newsletters) has no find/findOne route at all (see their routes/).
 */
const NOT_OWN = new Set(['relation', 'media', 'component', 'dynamiczone']);

const referenceSpec = (uid: string): PublicContent => {
  const model = strapi.getModel(uid as UID.ContentType) as unknown as {
    info?: { displayName?: string };
    attributes: Record<string, { type: string; private?: boolean }>;
  };
  const attributes = Object.entries(model.attributes);
  const own = attributes.filter(([, a]) => !NOT_OWN.has(a.type) && !a.private).map(([name]) => name);
  const images = attributes.filter(([, a]) => a.type === 'media').map(([name]) => name);
  const queryable = ['documentId', ...own];
  return {
    label: model.info?.displayName ?? uid,
    fields: queryable,
    populate: Object.fromEntries(images.map((name) => [name, MEDIA])),
    filterable: queryable,
    sortable: queryable,
    scope: {},
  };
};

/** Route middleware of the find/findOne of a reference data type (see above). */
export const referenceDataQuery = (uid: string) => async (ctx: Context, next: Next) => {
  const spec = referenceSpec(uid);
  const query = ctx.query ?? {};
  checkFields(spec, query.fields);
  const populate = checkPopulate(spec, query.populate);
  if (query.filters !== undefined) checkFilters(spec, query.filters);
  checkSort(spec, query.sort);
  if (query.populate !== undefined) {
    const { populate: _asked, ...rest } = query;
    ctx.query = Object.keys(populate).length ? { ...rest, populate } : rest;
  }
  await next();
};

/**
 * Users-permissions: the public role gets exactly PUBLIC_ACTIONS, the authenticated role nothing,
 * and sign-up is off (volunteers have no accounts). Re-applied at every start, so a right added by
 * mistake in the admin panel does not survive a restart.
 */
export const applyPublicPermissions = async (strapi: Strapi) => {
  const roles = strapi.db.query('plugin::users-permissions.role');
  const perms = strapi.db.query('plugin::users-permissions.permission');
  for (const type of ['public', 'authenticated']) {
    const role = await roles.findOne({ where: { type } });
    if (!role) continue;
    const wanted = type === 'public' ? PUBLIC_ACTIONS : [];
    const existing = await perms.findMany({ where: { role: { id: role.id } }, select: ['id', 'action'] });
    const extra = existing.filter((p: { action: string }) => !wanted.includes(p.action));
    if (extra.length) await perms.deleteMany({ where: { id: { $in: extra.map((p: { id: number }) => p.id) } } });
    const have = new Set(existing.map((p: { action: string }) => p.action));
    for (const action of wanted) if (!have.has(action)) await perms.create({ data: { action, role: role.id } });
  }
  const store = strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' });
  const advanced = ((await store.get({})) as Record<string, unknown>) ?? {};
  if (advanced.allow_register !== false) await store.set({ value: { ...advanced, allow_register: false } });
};
