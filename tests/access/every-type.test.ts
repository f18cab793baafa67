import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { BUREAU_ROLES, loginAs } from '../helpers/roles';
import { apiContentTypes } from '../helpers/content-types';
import { PUBLIC_ACTIONS, PUBLIC_CONTENT, REFERENCE_CONTENT } from '../../src/back-office/access/public-api';
import { BACK_OFFICE_RIGHTS } from '../../src/back-office/access/roles';
import { ACTIONS } from '../../src/contract/permissions';
import type { Doc, LoadedApi } from '../helpers/types';

/** A permission of the users-permissions plugin (its role populated). */
type Permission = Doc<'plugin::users-permissions.permission'>;

/**
 * Safety nets over every api:: content type Strapi loads (strapi.contentTypes, not a hand list):
 * - no content-API read route (an action ending in find/findOne, which the public role or any
 *   read-only API token may call) unless the type is in the public or the reference list;
 * - the pure checks (labels, enumeration names, roles matrix: tests/foundation/contract.test.ts) see
 *   exactly these types;
 * - the back-office's RBAC actions reach the admin panel in the shape its pages check.
 */
const READABLE = new Set([...Object.keys(PUBLIC_CONTENT), ...REFERENCE_CONTENT]);
const isReadScope = (scope: string) => scope.endsWith('find') || scope.endsWith('findOne');

describe(`every content type (${DB_CLIENT})`, () => {
  let app: TestApp;
  let readOnly: string;
  const apiTypes = () => Object.keys(app.strapi.contentTypes).filter((uid) => uid.startsWith('api::'));

  beforeAll(async () => {
    app = await startStrapi();
    readOnly = (await app.strapi.service('admin::api-token').create({ name: 'lecture', type: 'read-only', lifespan: null })).accessKey;
  }, 300_000); // a boot can be slow on a busy machine
  afterAll(() => app?.stop());

  it('the pure safety nets read the same content types as Strapi', () => {
    expect(
      apiContentTypes()
        .map((t) => t.uid)
        .sort()
    ).toEqual(apiTypes().sort());
  });

  it('no content-API read route outside the public and reference lists', () => {
    const wrong: string[] = [];
    for (const [apiName, api] of Object.entries<LoadedApi>(app.strapi.apis)) {
      for (const router of Object.values(api.routes ?? {})) {
        for (const r of router.routes ?? []) {
          if (typeof r.handler !== 'string') continue;
          const scope = r.handler.startsWith('api::') ? r.handler : `api::${apiName}.${r.handler}`;
          if (!isReadScope(scope)) continue;
          const uid = scope.slice(0, scope.lastIndexOf('.'));
          if (READABLE.has(uid)) continue;
          wrong.push(
            `${uid} : ${r.method} /api${r.path} (${scope}) se lit avec n’importe quel jeton d’API en lecture. ` +
              `Données internes ou personnelles : ajoutez except: ['find', 'findOne'] à son routeur (src/api/<nom>/routes/<nom>.ts). ` +
              `Données publiques ou de référence : ajoutez le type à PUBLIC_CONTENT ou à REFERENCE_CONTENT (src/back-office/access/public-api.ts).`
          );
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a read-only API token and a visitor read nothing of a type outside these lists', async () => {
    const wrong: string[] = [];
    for (const uid of apiTypes().filter((u) => !READABLE.has(u))) {
      const model = app.strapi.getModel(uid);
      const urls =
        model.kind === 'singleType'
          ? [`/api/${model.info.singularName}`]
          : [`/api/${model.info.pluralName}`, `/api/${model.info.pluralName}/x1`];
      for (const url of urls) {
        const withToken = await app.http().get(url).set('Authorization', `Bearer ${readOnly}`);
        const anonymous = await app.http().get(url);
        if (withToken.status < 400 || anonymous.status < 400)
          wrong.push(`${uid} : GET ${url} → jeton en lecture ${withToken.status}, visiteur ${anonymous.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the public role may read only the public types, the authenticated role nothing', async () => {
    const rows = await app.strapi.db.query('plugin::users-permissions.permission').findMany({ populate: { role: { select: ['type'] } } });
    const of = (type: string) => rows.filter((p: Permission) => p.role?.type === type).map((p: Permission) => p.action);
    expect(of('public').sort()).toEqual([...PUBLIC_ACTIONS].sort());
    expect(of('public').every((action) => READABLE.has(action.slice(0, action.lastIndexOf('.'))))).toBe(true);
    expect(of('authenticated')).toEqual([]);
  });

  it('gives the admin panel each back-office action by its full id, without subject, to the roles of the matrix', async () => {
    const ours = new Set<string>(Object.values(ACTIONS));
    const held = async (token: string) => {
      const res = await app.admin('get', '/admin/users/me/permissions', token).expect(200);
      return (res.body.data as Array<{ action: string; subject: unknown }>).filter((p) => ours.has(p.action));
    };
    // the super admin holds every one, as { action: 'api::back-office.<feature>.<verb>', subject: null }
    const all = await held(app.adminToken);
    expect(all.map((p) => p.action).sort()).toEqual([...ours].sort());
    for (const p of all) expect(p.subject).toBeNull();
    for (const code of BUREAU_ROLES) {
      const expected = Object.entries(BACK_OFFICE_RIGHTS)
        .filter(([, roles]) => (roles as string[]).includes(code))
        .map(([action]) => action);
      const got = await held(await loginAs(app, code));
      expect({ code, actions: got.map((p) => p.action).sort() }).toEqual({ code, actions: expected.sort() });
      for (const p of got) expect(p.subject).toBeNull();
    }
    // the two rights whose buttons the pages used to miss
    expect((await held(await loginAs(app, 'asso-treasurer'))).map((p) => p.action)).toContain(ACTIONS.reportsRead);
    expect((await held(await loginAs(app, 'asso-volunteer-manager'))).map((p) => p.action)).toContain(ACTIONS.calendarFeed);
  });
});
