import { startStrapi, TestApp, DB_CLIENT, cm } from '../helpers/strapi';
import { routePath, isUnder } from '../../src/utils/route-path';
import type { Json } from '../helpers/types';

/**
 * Guards follow the router, not one spelling of a URL. Strapi's router matches paths whatever their
 * case and with a trailing slash; the closed plugin routes, the content manager's `status` handling,
 * the media library's French messages and the rate limits must hold for every spelling that reaches
 * a route (and the spellings that reach none must not reach anything else).
 */

/** Spellings of a path: the router accepts the first ones, refuses (404) the last ones. */
const spellings = (path: string) => {
  const [p, query] = path.split('?');
  const q = query ? `?${query}` : '';
  const title = p.replace(/\/([a-z])/g, (_m, c) => `/${c.toUpperCase()}`);
  const routed = [p, p.toUpperCase(), title, `${p}/`, `${p.toUpperCase()}/`, `${title}/`].map((s) => `${s}${q}`);
  const refused = [
    p.replace(/^\/([a-z-]+)\//, '/$1//'),
    p.replace(/\/([a-z])/, (_m, c) => `/%${c.charCodeAt(0).toString(16)}`),
    `${p}%2F`,
  ].map((s) => `${s}${q}`);
  return { routed: [...new Set(routed)], refused: [...new Set(refused)] };
};

describe(`path guards follow the router (${DB_CLIENT})`, () => {
  let app: TestApp;
  let readOnly: string;
  let fullAccess: string;
  let fileId: number;
  let accountId: number;

  const as = (token: string | null, method: 'get' | 'head' | 'post' | 'put' | 'delete', url: string) => {
    const req = app.http()[method](url);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  };

  beforeAll(async () => {
    // the admin sign-in throttling on, as in production (one boot per file)
    app = await startStrapi({ env: { ADMIN_RATE_LIMIT: 'true' } });
    const tokens = app.strapi.service('admin::api-token');
    readOnly = (await tokens.create({ name: 'lecture', type: 'read-only', lifespan: null })).accessKey;
    fullAccess = (await tokens.create({ name: 'intégration', type: 'full-access', lifespan: null })).accessKey;
    const upload = await app
      .admin('post', '/upload')
      .attach('files', Buffer.from('compte rendu confidentiel'), { filename: 'pv-bureau-secret.txt', contentType: 'text/plain' });
    expect(upload.status).toBe(201);
    fileId = upload.body[0].id;
    const authenticated = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
    const account = await app.strapi.plugin('users-permissions').service('user').add({
      username: 'compte',
      email: 'compte.secret@example.org',
      password: 'Compte-Test-2026',
      provider: 'local',
      confirmed: true,
      role: authenticated.id,
    });
    accountId = account.id;
    await app.strapi.documents('api::pole.pole').create({ data: { name: 'Solidarité' } });
  }, 300_000);
  afterAll(() => app?.stop());

  it('the canonical path: case, trailing and repeated slashes, percent-encoding; an encoded slash stays in its segment, dot segments stay', () => {
    for (const p of ['/API/UPLOAD/files', '/api/upload/files/', '/api//upload//files//', '/api/%75pload/files', '/Api/Upload/Files/'])
      expect(routePath(p)).toBe('/api/upload/files');
    expect(routePath('/content-manager/collection-types/api%3A%3Amission.mission')).toBe(
      '/content-manager/collection-types/api::mission.mission'
    );
    expect(routePath('/admin/users/me%2Fx')).toBe('/admin/users/me%2fx');
    expect(routePath('/api/users/..')).toBe('/api/users/..');
    expect(routePath('/a/%E0%A4%A/b')).toBe('/a/%e0%a4%a/b');
    expect(routePath('')).toBe('/');
    expect(isUnder('/API/Users/..', '/api/users')).toBe(true);
    expect(isUnder('/api/users-permissions/roles', '/api/users')).toBe(false);
  });

  it('the read routes still answer every spelling the router accepts (the variants below do reach routes)', async () => {
    const { routed, refused } = spellings('/api/poles');
    for (const url of routed) expect({ url, status: (await as(readOnly, 'get', url)).status }).toEqual({ url, status: 200 });
    for (const url of refused) expect({ url, status: (await as(readOnly, 'get', url)).status }).toEqual({ url, status: 404 });
  });

  it('the media library and accounts content API are closed to every caller, in every spelling and method', async () => {
    const closed = [
      '/api/upload/files',
      `/api/upload/files/${fileId}`,
      '/api/upload/files?populate=*',
      '/api/users',
      `/api/users/${accountId}`,
      '/api/users/count',
      '/api/users/me',
      '/api/users/..',
      '/api/users-permissions/roles',
      '/api/users-permissions/roles/1',
      '/api/users-permissions/permissions',
    ];
    const wrong: string[] = [];
    for (const path of closed) {
      const { routed, refused } = spellings(path);
      for (const url of [...routed, ...refused]) {
        for (const [who, token] of [
          ['visiteur', null],
          ['lecture', readOnly],
          ['complet', fullAccess],
        ] as const) {
          for (const method of ['get', 'head'] as const) {
            const res = await as(token, method, url);
            const leak = /pv-bureau-secret|compte\.secret|Authenticated/.test(res.text ?? '');
            if (![403, 404, 405].includes(res.status) || leak)
              wrong.push(`${who} ${method.toUpperCase()} ${url} → ${res.status} ${String(res.text).slice(0, 60)}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a full-access token cannot upload, delete files, nor touch accounts or roles through the plugins, whatever the spelling', async () => {
    const filesBefore = await app.strapi.db.query('plugin::upload.file').count();
    const wrong: string[] = [];
    for (const url of spellings('/api/upload').routed) {
      const res = await as(fullAccess, 'post', url).attach('files', Buffer.from('intrus'), {
        filename: 'intrus.txt',
        contentType: 'text/plain',
      });
      if (res.status !== 403) wrong.push(`POST ${url} → ${res.status}`);
    }
    for (const url of spellings(`/api/upload/files/${fileId}`).routed) {
      const res = await as(fullAccess, 'delete', url);
      if (res.status !== 403) wrong.push(`DELETE ${url} → ${res.status}`);
    }
    for (const url of spellings('/api/users').routed) {
      const res = await as(fullAccess, 'post', url).send({
        username: 'intrus',
        email: 'intrus@example.org',
        password: 'Intrus-2026-xx',
        role: 1,
      });
      if (res.status !== 403) wrong.push(`POST ${url} → ${res.status}`);
    }
    for (const url of spellings('/api/users-permissions/roles/1').routed) {
      const res = await as(fullAccess, 'put', url).send({ name: 'Piratée', permissions: {} });
      if (res.status !== 403) wrong.push(`PUT ${url} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
    expect(await app.strapi.db.query('plugin::upload.file').count()).toBe(filesBefore);
    expect(await app.strapi.db.query('plugin::users-permissions.user').count({ where: { email: 'intrus@example.org' } })).toBe(0);
    const roles = await app.strapi.db.query('plugin::users-permissions.role').findMany({});
    expect(roles.map((r: Json) => r.name)).not.toContain('Piratée');
    // the refusal names what is closed, in French
    const res = await as(readOnly, 'get', '/API/UPLOAD/FILES/');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/n’est pas ouverte/);
    // the admin panel's own media library still lists the file
    expect(JSON.stringify((await app.admin('get', '/upload/files?pageSize=100')).body)).toMatch(/pv-bureau-secret/);
  });

  it('the content manager keeps our business `status` field whatever the spelling of its URL', async () => {
    const wrong: string[] = [];
    let i = 0;
    const base = cm('api::mission.mission');
    const variants = [
      base,
      base.replace('/content-manager/collection-types', '/CONTENT-MANAGER/COLLECTION-TYPES'),
      base.replace('/content-manager/', '/Content-Manager/'),
      base.replace('api::mission.mission', 'api%3A%3Amission.mission'),
      `${base}/`,
    ];
    for (const url of variants) {
      i += 1;
      const created = await app
        .admin('post', url)
        .send({ title: `Mission ${i}`, kind: 'mission', startAt: '2026-07-01T08:00:00.000Z', status: 'confirmed' });
      if (created.status !== 201 && created.status !== 200) {
        wrong.push(`POST ${url} → ${created.status} ${created.body?.error?.message}`);
        continue;
      }
      const documentId = created.body.data.documentId;
      const stored = await app.strapi.db.query('api::mission.mission').findOne({ where: { documentId }, select: ['status'] });
      if (stored.status !== 'confirmed') wrong.push(`POST ${url} → stocké ${stored.status}`);
      if (created.body.data.status !== 'confirmed') wrong.push(`POST ${url} → réponse ${created.body.data.status}`);
      const read = await app.admin('get', `${url.replace(/\/$/, '')}/${documentId}`);
      if (read.body?.data?.status !== 'confirmed') wrong.push(`GET ${url}/${documentId} → ${read.status} ${read.body?.data?.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('the media library answers a refused file with the same French message whatever the spelling', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const send = (url: string) => app.admin('post', url).attach('files', svg, { filename: 'logo.svg', contentType: 'image/svg+xml' });
    const reference = await send('/upload');
    expect(reference.status).toBeGreaterThanOrEqual(400);
    expect(reference.body.error.message).not.toMatch(/not allowed|Cannot verify/i);
    for (const url of ['/UPLOAD', '/Upload/', '/upload/']) {
      const res = await send(url);
      expect({ url, status: res.status, message: res.body?.error?.message }).toEqual({
        url,
        status: reference.status,
        message: reference.body.error.message,
      });
    }
  });

  it('rate limits count per route and address, not per spelling: the private calendar feed', async () => {
    const statuses: number[] = [];
    const { routed } = spellings('/api/calendar/private/devinette.ics');
    for (let i = 0; i < 31; i += 1) statuses.push((await app.http().get(routed[i % routed.length])).status);
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses[30]).toBe(429);
  });

  it('failed admin sign-ins under other spellings of /admin/login count together, then even the right password waits', async () => {
    const email = 'tresoriere.throttle@test.local';
    const role = await app.strapi.service('admin::role').findOne({ code: 'asso-treasurer' });
    await app.strapi
      .service('admin::user')
      .create({ email, firstname: 'Tré', lastname: 'Sorière', password: 'Tresoriere-Test-2026', roles: [role.id], isActive: true });
    const statuses: number[] = [];
    for (const url of ['/admin/login', '/ADMIN/LOGIN', '/admin/login/', '/Admin/Login', '/admin/LOGIN/']) {
      statuses.push((await app.http().post(url).send({ email, password: 'Mauvais-Essai-2026' })).status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400]);
    for (const url of ['/admin/login', '/ADMIN/LOGIN/', '/Admin/login']) {
      const res = await app.http().post(url).send({ email: email.toUpperCase(), password: 'Tresoriere-Test-2026' });
      expect({ url, status: res.status }).toEqual({ url, status: 429 });
    }
  });
});
