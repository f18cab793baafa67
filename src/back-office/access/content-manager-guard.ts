import type { UID } from '@strapi/strapi';
import { forbidden } from '../../core/errors';
import type { Strapi } from '../types';

/**
 * The content manager applies `populate`, `filters`, `sort` and `fields` at any depth, but checks the
 * role's rights only on the first level: `mission → pole → members → donors` was readable by a role
 * that may only read missions and poles, and a filter there answered yes/no about hidden records.
 *
 * Every content-manager route (lists, documents, relations, counts, actions, history, home page)
 * turns the request's query into a database query through the same service, the permission
 * checker. We wrap it: before Strapi sanitises a query, every path of that query is walked with the
 * content-type schemas, and any step the role may not read (content type, field, conditional right,
 * admin account details, polymorphic link) is refused with a French 403 naming the path. Nothing is
 * silently dropped, so a refused filter never acts as an oracle. On the way out, documents lose the
 * admin accounts' details (e-mail...) and the nested fields the role may not read.
 */

const READ = 'plugin::content-manager.explorer.read';
const ADMIN_USER = 'admin::user';
const FILE = 'plugin::upload.file';
/** What anyone reading a document may see of its author (the edit view shows the name). */
const ADMIN_USER_PUBLIC_FIELDS = ['id', 'documentId', 'firstname', 'lastname'];
/** What those who manage the admin accounts also see (Strapi's own list, never passwords or tokens). */
const ADMIN_USER_DETAILS = ['username', 'email', 'isActive'];
/** Fields Strapi always lets a reader query (identity, timestamps, authors, locale). */
const ALWAYS_READABLE = ['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale', '__component'];
const POPULATE_OPTIONS = ['populate', 'fields', 'filters', 'sort', 'on', 'count'];
const FALSE_VALUES = [false, 'false', '0', 0];

/** What the guard reads of a schema's attribute. */
interface Attribute {
  type: string;
  private?: boolean;
  /** relation target (absent on a polymorphic relation) */
  target?: string;
  component?: string;
  components?: string[];
}
type Schema = { uid: string; modelType?: string; attributes: Record<string, Attribute> };

/** One rule of an admin's ability (CASL, built by Strapi for each request). */
interface AbilityRule {
  inverted?: boolean;
  fields?: string[] | null;
  conditions?: Record<string, unknown> | null;
}
/** The part of an admin's ability the guard uses. */
export interface Ability {
  can?: (action: string, subject?: string) => boolean;
  rulesFor?: (action: string, subject: string) => AbilityRule[];
}

/** A content type's or a component's schema, as the guard reads it (undefined for an unknown uid). */
const modelOf = (strapi: Strapi, uid: string) => strapi.getModel(uid as UID.Schema) as unknown as Schema | undefined;

const isObject = (value: unknown): value is Record<string, unknown> => Boolean(value) && typeof value === 'object';

/** The French 403 naming the refused path (populate, filters or sort). */
export const refusedPath = (path: string) =>
  forbidden(`Accès refusé : le champ « ${path} » ne peut pas être lu avec votre rôle.`, path.split('.'));

/** What one admin may read, from their abilities (built by Strapi for each request). */
export const readRights = (strapi: Strapi, ability: Ability | null | undefined) => {
  const { actionProvider } = strapi.service('admin::permission') as {
    actionProvider: { unstable_aliases?: (action: string, uid: string) => string[] };
  };
  const rules = (action: string, uid: string): AbilityRule[] => {
    if (typeof ability?.rulesFor !== 'function') return [];
    const aliases: string[] = actionProvider.unstable_aliases?.(action, uid) ?? [];
    return [action, ...aliases].flatMap((a) => ability.rulesFor(a, uid)).filter((r) => !r.inverted);
  };
  const cache = new Map<string, { fields: string[] | null; conditional: boolean } | null>();
  /** null: cannot read the type; fields null: every field. */
  const readOf = (uid: string) => {
    if (!cache.has(uid)) {
      const list = rules(READ, uid);
      cache.set(
        uid,
        list.length === 0
          ? null
          : {
              fields: list.some((r) => r.fields == null) ? null : [...new Set(list.flatMap((r) => r.fields ?? []))],
              conditional: list.some((r) => r.conditions && Object.keys(r.conditions).length > 0),
            }
      );
    }
    return cache.get(uid);
  };
  // the media library's rights are checked on the file model, as the upload plugin does
  const canFiles = () => Boolean(ability?.can?.('plugin::upload.read', FILE));
  const unconditionalFiles = () => {
    const list = typeof ability?.rulesFor === 'function' ? ability.rulesFor('plugin::upload.read', FILE).filter((r) => !r.inverted) : [];
    return canFiles() && !list.some((r) => r.conditions && Object.keys(r.conditions).length > 0);
  };
  let everything: boolean | undefined;
  const rights = {
    /** Settings > Users: those who may read admin accounts may see them everywhere. */
    adminUsers: () => Boolean(ability?.can?.('admin::users.read')),
    /** The media library without conditions. */
    media: unconditionalFiles,
    /** May enter this content type (and its records are not filtered by conditions). */
    type: (uid: string): 'yes' | 'no' | 'conditional' => {
      if (uid === ADMIN_USER || uid.startsWith('plugin::upload.')) return 'yes';
      const read = readOf(uid);
      if (!read) return 'no';
      return read.conditional ? 'conditional' : 'yes';
    },
    /** May read this field (a dotted path inside components) of this type; the type must be readable. */
    field: (uid: string, field: string, attribute?: Attribute): boolean => {
      const top = field.split('.')[0];
      if (uid === ADMIN_USER) return ADMIN_USER_PUBLIC_FIELDS.includes(top) || rights.adminUsers();
      if (uid.startsWith('plugin::upload.')) {
        // a file's own fields come with the field that holds it, its folder with the media library
        // (the edit view needs it); the folder's files and the documents a file is attached to
        // ("related") only with the whole media library, resp. with every content type
        if (!attribute || attribute.type !== 'relation' || attribute.target === ADMIN_USER) return true;
        if (uid === FILE && top === 'folder') return canFiles();
        if (top === 'related') return rights.everything();
        return rights.media();
      }
      if (ALWAYS_READABLE.includes(top)) return true;
      const read = readOf(uid);
      if (!read) return false;
      if (read.fields === null) return true;
      // Strapi's rule: a field is readable when it, a parent of it, or a child of it is listed
      return read.fields.some((p) => p === field || field.startsWith(`${p}.`) || p.startsWith(`${field}.`));
    },
    /** A polymorphic link may lead to any content type: only for those who read them all. */
    everything: (): boolean => {
      if (everything === undefined) {
        everything = Object.keys(strapi.contentTypes)
          .filter((uid) => uid.startsWith('api::'))
          .every(
            (uid) =>
              rights.type(uid) === 'yes' && Object.keys(modelOf(strapi, uid)?.attributes ?? {}).every((key) => rights.field(uid, key))
          );
      }
      return everything;
    },
  };
  return rights;
};

type Rights = ReturnType<typeof readRights>;

/** Where the walk stands: the schema of this level, the content type whose rights apply, its field prefix, the path shown. */
interface Level {
  schema: Schema;
  subject: string;
  prefix: string;
  path: string;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * Checks one attribute of a level and returns the level it leads to (for relations, media,
 * components, dynamic zones: the target's schema; for scalars: null).
 */
const step = (strapi: Strapi, rights: Rights, level: Level, key: string): Level | Level[] | null => {
  const path = join(level.path, key);
  const attribute = level.schema.attributes?.[key];
  const always = ALWAYS_READABLE.includes(key) && level.schema.uid !== ADMIN_USER && !level.schema.uid.startsWith('plugin::upload.');
  if (!attribute) {
    if (key === 'id' || (always && level.prefix === '')) return null;
    // an unknown key would reach the database as a raw column name: refused, never ignored
    throw refusedPath(path);
  }
  // private fields: createdBy/updatedBy are private and reachable as in Strapi; a file's folder is
  // private for the public API only; account details for those who manage accounts
  const accountDetail = level.schema.uid === ADMIN_USER && ADMIN_USER_DETAILS.includes(key) && rights.adminUsers();
  const mediaLibrary = level.schema.uid.startsWith('plugin::upload.');
  if ((attribute.private && !always && !accountDetail && !mediaLibrary) || attribute.type === 'password') throw refusedPath(path);
  if (!rights.field(level.subject, `${level.prefix}${key}`, attribute)) throw refusedPath(path);
  const enter = (uid: string): Level => {
    const schema = modelOf(strapi, uid);
    if (!schema) throw refusedPath(path);
    if (schema.modelType === 'component') return { schema, subject: level.subject, prefix: `${level.prefix}${key}.`, path };
    if (rights.type(uid) !== 'yes') throw refusedPath(path);
    return { schema, subject: uid, prefix: '', path };
  };
  switch (attribute.type) {
    case 'relation':
      if (!attribute.target) {
        if (!rights.everything()) throw refusedPath(path);
        return null;
      }
      return enter(attribute.target);
    case 'media':
      return enter(FILE);
    case 'component':
      return enter(attribute.component);
    case 'dynamiczone':
      return (attribute.components ?? []).map(enter);
    default:
      return null;
  }
};

const levels = (next: Level | Level[] | null): Level[] => (next === null ? [] : Array.isArray(next) ? next : [next]);

const isOperator = (key: string) => key.startsWith('$');

/** filters: attributes at any depth, through $and/$or/$not and any operator holding objects. */
const walkFilters = (strapi: Strapi, rights: Rights, level: Level, filters: unknown): void => {
  if (Array.isArray(filters)) {
    for (const item of filters) walkFilters(strapi, rights, level, item);
    return;
  }
  if (!filters || typeof filters !== 'object') return;
  for (const [key, value] of Object.entries(filters)) {
    if (isOperator(key)) {
      // $and, $or, $not, $elemMatch...: same level; scalar operators hold values, not paths
      if (value && typeof value === 'object') walkFilters(strapi, rights, level, value);
      continue;
    }
    const next = levels(step(strapi, rights, level, key));
    if (next.length === 0) {
      // a scalar: its value may only hold operators and values
      continue;
    }
    for (const target of next) {
      if (value && typeof value === 'object') walkFilters(strapi, rights, target, value);
    }
  }
};

/** sort: 'a.b:asc,c', ['a.b:desc', { c: 'asc' }], { a: { b: 'asc' } }. */
const walkSort = (strapi: Strapi, rights: Rights, level: Level, sort: unknown): void => {
  if (Array.isArray(sort)) {
    for (const item of sort) walkSort(strapi, rights, level, item);
    return;
  }
  if (typeof sort === 'string') {
    for (const part of sort.split(',')) {
      const dotted = part.trim().split(':')[0].trim();
      if (!dotted) continue;
      walkDotted(strapi, rights, level, dotted);
    }
    return;
  }
  if (sort && typeof sort === 'object') {
    for (const [key, value] of Object.entries(sort)) {
      const next = levels(step(strapi, rights, level, key));
      for (const target of next) if (value && typeof value === 'object') walkSort(strapi, rights, target, value);
    }
  }
};

/** A dotted path 'pole.members.email' (sort strings, populate strings). */
const walkDotted = (strapi: Strapi, rights: Rights, level: Level, dotted: string): void => {
  const [head, ...rest] = dotted.split('.');
  if (head === '*') {
    walkWildcard(strapi, rights, level);
    return;
  }
  const next = levels(step(strapi, rights, level, head));
  if (rest.length) {
    if (next.length === 0) throw refusedPath(join(level.path, dotted));
    for (const target of next) walkDotted(strapi, rights, target, rest.join('.'));
  }
};

const walkFields = (strapi: Strapi, rights: Rights, level: Level, fields: unknown): void => {
  const list: unknown[] = typeof fields === 'string' ? fields.split(',') : Array.isArray(fields) ? fields : [];
  for (const field of list) {
    if (typeof field !== 'string') continue;
    const name = field.trim();
    if (name && name !== '*') step(strapi, rights, level, name);
  }
};

/** '*' populates every relation, media, component and dynamic zone of the level. */
const walkWildcard = (strapi: Strapi, rights: Rights, level: Level): void => {
  for (const [key, attribute] of Object.entries(level.schema.attributes ?? {})) {
    if (!['relation', 'media', 'component', 'dynamiczone'].includes(attribute.type)) continue;
    step(strapi, rights, level, key);
  }
};

/** populate in all its shapes: '*', 'a,b.c', ['a.b'], { a: true | '*' | { populate, fields, filters, sort, on, count } }. */
const walkPopulate = (strapi: Strapi, rights: Rights, level: Level, populate: unknown): void => {
  if (populate === undefined || populate === null || FALSE_VALUES.includes(populate as string | number | boolean)) return;
  if (populate === true || populate === 'true' || populate === '*') {
    walkWildcard(strapi, rights, level);
    return;
  }
  if (typeof populate === 'string') {
    for (const part of populate.split(',')) if (part.trim()) walkDotted(strapi, rights, level, part.trim());
    return;
  }
  if (Array.isArray(populate)) {
    for (const item of populate) walkPopulate(strapi, rights, level, item);
    return;
  }
  if (typeof populate !== 'object') throw refusedPath(level.path || 'populate');
  for (const [key, value] of Object.entries(populate)) {
    if (FALSE_VALUES.includes(value as string | number | boolean)) continue;
    if (key === '*') {
      walkWildcard(strapi, rights, level);
      continue;
    }
    const next = levels(step(strapi, rights, level, key));
    if (typeof value === 'string' && value !== 'true' && value !== '1') {
      // populate[pole]=* or populate[pole]=members: read as a populate of the target
      for (const target of next) walkPopulate(strapi, rights, target, value);
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    for (const option of Object.keys(value)) {
      if (!POPULATE_OPTIONS.includes(option)) throw refusedPath(`${join(level.path, key)}.${option}`);
    }
    const options = value as Record<string, unknown>;
    if (isObject(options.on)) {
      for (const [uid, sub] of Object.entries(options.on)) {
        const target = next.find((t) => t.schema.uid === uid);
        if (!target) throw refusedPath(`${join(level.path, key)}.${uid}`);
        walkPopulateOptions(strapi, rights, target, sub);
      }
    }
    for (const target of next) walkPopulateOptions(strapi, rights, target, { ...options, on: undefined });
  }
};

const walkPopulateOptions = (strapi: Strapi, rights: Rights, level: Level, options: unknown) => {
  if (!isObject(options)) {
    if (options === '*' || options === true || options === 'true') walkWildcard(strapi, rights, level);
    return;
  }
  if (options.populate !== undefined) walkPopulate(strapi, rights, level, options.populate);
  if (options.filters !== undefined) walkFilters(strapi, rights, level, options.filters);
  if (options.sort !== undefined) walkSort(strapi, rights, level, options.sort);
  if (options.fields !== undefined) walkFields(strapi, rights, level, options.fields);
};

/** Throws the French 403 at the first path of the query the admin may not read. */
export const assertReadableQuery = (strapi: Strapi, ability: Ability | null | undefined, model: string, query: unknown) => {
  if (!query || typeof query !== 'object') return;
  const schema = modelOf(strapi, model);
  if (!schema) return;
  const rights = readRights(strapi, ability);
  const root: Level = { schema, subject: model, prefix: '', path: '' };
  if (schema.modelType === 'component') return; // components are reached through their content type
  walkPopulateOptions(strapi, rights, root, query);
};

/**
 * Output: admin accounts reduced to their public fields (unless the admin may read accounts),
 * nested records reduced to the fields the role may read (the first level is Strapi's job).
 */
export const sanitizeNested = (
  strapi: Strapi,
  rights: Rights,
  schema: Schema,
  subject: string,
  prefix: string,
  data: unknown,
  depth: number
): unknown => {
  if (Array.isArray(data)) return data.map((d) => sanitizeNested(strapi, rights, schema, subject, prefix, d, depth));
  if (!isObject(data)) return data;
  for (const key of Object.keys(data)) {
    const attribute = schema.attributes?.[key];
    if (!attribute) continue;
    if (depth > 0 && !rights.field(subject, `${prefix}${key}`, attribute)) {
      delete data[key];
      continue;
    }
    const value = data[key];
    if (!isObject(value)) continue;
    const into = (uid: string, v: unknown) => {
      const target = modelOf(strapi, uid);
      if (!target) return v;
      if (target.modelType === 'component') return sanitizeNested(strapi, rights, target, subject, `${prefix}${key}.`, v, depth);
      if (uid !== ADMIN_USER && !uid.startsWith('plugin::upload.') && rights.type(uid) === 'no') {
        // only a count may stay (the first level's counts of relations)
        return Array.isArray(v) ? [] : isObject(v) && typeof v.count === 'number' ? { count: v.count } : null;
      }
      return sanitizeNested(strapi, rights, target, uid, '', v, depth + 1);
    };
    if (attribute.type === 'relation' && attribute.target) data[key] = into(attribute.target, value);
    else if (attribute.type === 'media') data[key] = into(FILE, value);
    else if (attribute.type === 'component') data[key] = into(attribute.component, value);
    else if (attribute.type === 'dynamiczone' && Array.isArray(value)) {
      data[key] = value.map((item: unknown) =>
        isObject(item) && typeof item.__component === 'string' ? into(item.__component, item) : item
      );
    }
  }
  if (subject === ADMIN_USER && !rights.adminUsers()) {
    for (const key of Object.keys(data)) if (!ADMIN_USER_PUBLIC_FIELDS.includes(key)) delete data[key];
  }
  return data;
};

/** A step of the content manager's permission checker: a query (or an output) in, its sanitised version out. */
type QueryStep = (query: unknown, ...rest: unknown[]) => Promise<unknown>;

/** What the guard wraps of the content manager's permission checker (plugin service `permission-checker`). */
interface PermissionChecker {
  sanitizeQuery: QueryStep;
  validateQuery: QueryStep;
  /** callable, and one function per action (read, create...) */
  sanitizedQuery: QueryStep & Record<string, QueryStep>;
  sanitizeOutput: QueryStep;
}
interface PermissionCheckerService {
  create: (options: { userAbility: Ability; model: string }) => PermissionChecker;
  __assoGuarded?: boolean;
}

/**
 * Wraps the content manager's permission checker: every query it sanitises, validates or turns
 * into a permission query is checked first; every output it sanitises is cleaned at depth.
 */
export const guardContentManager = (strapi: Strapi) => {
  const service = strapi.plugin('content-manager').service('permission-checker') as PermissionCheckerService;
  if (service.__assoGuarded) return;
  const create = service.create;
  const checkedRequests = new WeakSet<object>();
  service.create = (options) => {
    const checker = create(options);
    const { userAbility, model } = options;
    const check = (query: unknown) => assertReadableQuery(strapi, userAbility, model, query);

    // Some routes read part of the request's query themselves (counts of draft relations build
    // their populate from it only when the right is conditional): the request's own query is
    // checked once, as soon as the route asks for a checker of its content type. The relations
    // routes carry the target's query and are checked where Strapi sanitises it.
    const ctx = strapi.requestContext.get();
    if (ctx?.query && ctx.params?.model === model && !ctx.params?.targetField && !checkedRequests.has(ctx)) {
      checkedRequests.add(ctx);
      if (ctx.state?.userAbility === userAbility) check(ctx.query);
    }

    const { sanitizeQuery, validateQuery, sanitizedQuery, sanitizeOutput } = checker;
    checker.sanitizeQuery = async (query, ...rest) => {
      check(query);
      return sanitizeQuery(query, ...rest);
    };
    checker.validateQuery = async (query, ...rest) => {
      check(query);
      return validateQuery(query, ...rest);
    };
    const guardedSanitizedQuery = (async (query: unknown, ...rest: unknown[]) => {
      check(query);
      return sanitizedQuery(query, ...rest);
    }) as QueryStep & Record<string, QueryStep>;
    for (const action of Object.keys(sanitizedQuery)) {
      guardedSanitizedQuery[action] = async (query) => {
        check(query);
        return sanitizedQuery[action](query);
      };
    }
    checker.sanitizedQuery = guardedSanitizedQuery;
    checker.sanitizeOutput = async (data, ...rest) => {
      const output = await sanitizeOutput(data, ...rest);
      const schema = modelOf(strapi, model);
      if (!schema || !output || typeof output !== 'object') return output;
      return sanitizeNested(strapi, readRights(strapi, userAbility), schema, model, '', output, 0);
    };
    return checker;
  };
  service.__assoGuarded = true;
};
