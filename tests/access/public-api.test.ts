import request, { type Response } from 'supertest';
import { startStrapi, TestApp, DB_CLIENT, SUPER_ADMIN } from '../helpers/strapi';
import type { Json, LoadedApi } from '../helpers/types';

/**
 * The public content API gives the website what it needs and nothing
 * personal, whatever `populate`, `fields`, `filters` or `sort` it sends; every other content-API
 * route answers 403 to the public and to the authenticated roles; sign-up is refused. Then the
 * hardening: admin password rule, login throttling (switched on for this suite), CORS, headers.
 */
const SITE = 'https://site.example.org';

describe(`public content API and hardening (${DB_CLIENT})`, () => {
  let app: TestApp;
  let userJwt: string;
  const ids: Record<string, string> = {};
  const SECRETS = [
    'secret-budget-9876',
    'benevole.prive@example.org',
    '0611223344',
    'contact.prive@example.org',
    '0799887766',
    'Jean Contact',
    'Notes internes secrètes',
    'BROUILLON-SECRET',
    'Mission privée',
    'Partenaire caché',
    '1 rue Secrète',
    '1990-01-01',
  ];

  const anon = () => app.http();
  const asUser = (url: string) => app.http().get(url).set('Authorization', `Bearer ${userJwt}`);
  const docs = (uid: string) => app.strapi.documents(uid);
  const expectNoSecret = (res: Response) => {
    for (const s of SECRETS) expect(JSON.stringify(res.body)).not.toContain(s);
    // (a mission's `location.address` is the venue's, public by design)
    expect(JSON.stringify(res.body.data ?? null)).not.toMatch(
      /"(email|phone|contactName|budgetPlanned|budgetActual|internalNotes|equipment|participations|documents|isPublic|birthDate|member|members)"/
    );
  };

  beforeAll(async () => {
    app = await startStrapi({ env: { ADMIN_RATE_LIMIT: 'true', CORS_ORIGINS: SITE } });
    const pole = await docs('api::pole.pole').create({ data: { name: 'Solidarité', color: '#336699' } });
    const member = await docs('api::member.member').create({
      data: {
        firstName: 'Bénévole',
        lastName: 'Privé',
        email: 'benevole.prive@example.org',
        phone: '0611223344',
        birthDate: '1990-01-01',
        address: '1 rue Secrète',
      },
    });
    const mission = await docs('api::mission.mission').create({
      data: {
        title: 'Collecte alimentaire',
        slug: 'collecte',
        kind: 'event',
        startAt: '2026-05-01T08:00:00.000Z',
        status: 'confirmed',
        isPublic: true,
        capacity: 20,
        budgetPlanned: 9876,
        internalNotes: 'Notes internes secrètes secret-budget-9876',
        pole: pole.documentId,
        location: { name: 'Salle des fêtes', city: 'Lyon' },
        equipment: [{ item: 'Tables', quantity: 4 }],
      },
    });
    ids.mission = mission.documentId;
    await docs('api::participation.participation').create({
      data: { mission: mission.documentId, member: member.documentId, status: 'confirmed', source: 'backoffice' },
    });
    ids.mission2 = (
      await docs('api::mission.mission').create({
        data: {
          title: 'Maraude',
          slug: 'maraude',
          kind: 'mission',
          startAt: '2026-03-01T19:00:00.000Z',
          status: 'planned',
          isPublic: true,
        },
      })
    ).documentId;
    ids.privateMission = (
      await docs('api::mission.mission').create({
        data: { title: 'Mission privée', kind: 'mission', startAt: '2026-04-01T08:00:00.000Z', status: 'planned', isPublic: false },
      })
    ).documentId;
    ids.partner = (
      await docs('api::partner.partner').create({
        data: {
          name: 'Mairie',
          kind: 'public_body',
          contactName: 'Jean Contact',
          email: 'contact.prive@example.org',
          phone: '0799887766',
          isPublic: true,
        },
      })
    ).documentId;
    ids.hiddenPartner = (
      await docs('api::partner.partner').create({ data: { name: 'Partenaire caché', kind: 'company', isPublic: false } })
    ).documentId;
    const image = await app.strapi.db.query('plugin::upload.file').create({
      data: {
        name: 'collecte.jpg',
        hash: 'collecte_abc',
        ext: '.jpg',
        mime: 'image/jpeg',
        size: 12.5,
        width: 1200,
        height: 800,
        url: '/uploads/collecte_abc.jpg',
        provider: 'local',
        formats: {
          small: {
            name: 'small_collecte.jpg',
            hash: 'small_collecte_abc',
            ext: '.jpg',
            mime: 'image/jpeg',
            width: 500,
            height: 333,
            size: 4.2,
            url: '/uploads/small_collecte_abc.jpg',
          },
        },
      },
    });
    const a1 = await docs('api::article.article').create({
      data: { title: 'Bilan de la collecte', slug: 'bilan', category: 'news', cover: image.id, gallery: [image.id] },
    });
    await docs('api::article.article').publish({ documentId: a1.documentId });
    const a2 = await docs('api::article.article').create({
      data: { title: 'Nouveaux partenaires', slug: 'partenaires', category: 'partners' },
    });
    await docs('api::article.article').publish({ documentId: a2.documentId });
    ids.article = a1.documentId;
    ids.draft = (
      await docs('api::article.article').create({ data: { title: 'BROUILLON-SECRET', slug: 'brouillon', category: 'news' } })
    ).documentId;

    const authenticated = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
    const user = await app.strapi.plugin('users-permissions').service('user').add({
      username: 'compte',
      email: 'compte@example.org',
      password: 'Compte-Test-2026',
      provider: 'local',
      confirmed: true,
      role: authenticated.id,
    });
    userJwt = app.strapi.plugin('users-permissions').service('jwt').issue({ id: user.id });
  }, 300_000); // a boot can be slow on a busy machine
  afterAll(() => app?.stop());

  describe('what the website needs', () => {
    it('lists published articles only, filtered by slug or category, sorted, paginated', async () => {
      const all = await anon().get('/api/articles?sort=publishedAt:desc&populate[cover]=true&populate[gallery]=true').expect(200);
      expect(all.body.data.map((a: Json) => a.title).sort()).toEqual(['Bilan de la collecte', 'Nouveaux partenaires']);
      expect(all.body.data[0].publishedAt >= all.body.data[1].publishedAt).toBe(true);
      const bilan = all.body.data.find((a: Json) => a.slug === 'bilan');
      expect(bilan.cover).toMatchObject({
        url: '/uploads/collecte_abc.jpg',
        width: 1200,
        formats: { small: { url: '/uploads/small_collecte_abc.jpg' } },
      });
      expect(bilan.gallery.map((g: Json) => g.url)).toEqual(['/uploads/collecte_abc.jpg']);
      expect(bilan.cover).not.toHaveProperty('provider');
      const bySlug = await anon().get('/api/articles?filters[slug][$eq]=bilan').expect(200);
      expect(bySlug.body.data.map((a: Json) => a.documentId)).toEqual([ids.article]);
      const byCategory = await anon().get('/api/articles?filters[category]=partners').expect(200);
      expect(byCategory.body.data.map((a: Json) => a.slug)).toEqual(['partenaires']);
      const page = await anon().get('/api/articles?pagination[pageSize]=1&pagination[page]=2&sort=title:asc').expect(200);
      expect(page.body.data.map((a: Json) => a.slug)).toEqual(['partenaires']);
      expect(page.body.meta.pagination).toMatchObject({ page: 2, pageSize: 1, total: 2 });
      await anon().get(`/api/articles/${ids.article}`).expect(200);
      const draft = await anon().get(`/api/articles/${ids.draft}?status=draft`);
      expect(draft.status).toBe(404);
      const draftList = await anon().get('/api/articles?status=draft');
      expectNoSecret(draftList);
    });

    it('lists public missions with location, poster and pole name, filtered and sorted by the website', async () => {
      const res = await anon().get('/api/missions?sort=startAt:asc&populate=*').expect(200);
      expect(res.body.data.map((m: Json) => m.slug)).toEqual(['maraude', 'collecte']);
      const collecte = res.body.data[1];
      expect(collecte).toMatchObject({
        title: 'Collecte alimentaire',
        kind: 'event',
        capacity: 20,
        location: { name: 'Salle des fêtes', city: 'Lyon' },
        pole: { name: 'Solidarité' },
      });
      expect(collecte).toHaveProperty('poster');
      expectNoSecret(res);
      const events = await anon().get('/api/missions?filters[kind][$eq]=event&filters[startAt][$gte]=2026-04-01').expect(200);
      expect(events.body.data.map((m: Json) => m.slug)).toEqual(['collecte']);
      const one = await anon().get(`/api/missions/${ids.mission}?populate[participations]=true`);
      expect(one.status).toBe(400);
      const item = await anon().get(`/api/missions/${ids.mission}`).expect(200);
      expect(item.body.data.slug).toBe('collecte');
      expectNoSecret(item);
      await anon().get(`/api/missions/${ids.privateMission}`).expect(404);
    });

    it('lists public partners with their logo, without contact person, e-mail or phone', async () => {
      const res = await anon().get('/api/partners?populate=logo').expect(200);
      expect(res.body.data.map((p: Json) => p.name)).toEqual(['Mairie']);
      expect(res.body.data[0]).toHaveProperty('logo');
      expectNoSecret(res);
      await anon().get(`/api/partners/${ids.hiddenPartner}`).expect(404);
    });
  });

  describe('what nobody can learn', () => {
    const ATTEMPTS = [
      'populate=*',
      'populate[0]=participations',
      'populate[participations][populate]=*',
      'populate[pole][populate][members]=*',
      'fields[0]=email',
      'fields[]=email',
      'fields[0]=internalNotes',
      'filters[email][$contains]=@',
      'filters[phone][$startsWith]=07',
      'filters[contactName][$contains]=Jean',
      'filters[participations][email][$contains]=benevole',
      'filters[participations][member][birthDate][$lt]=2000-01-01',
      'filters[$or][0][internalNotes][$contains]=secret',
      'filters[budgetPlanned][$gt]=1000',
      'filters[isPublic][$eq]=false',
      'filters[pole][members][email][$contains]=benevole',
      'filters[createdBy][email][$contains]=president',
      'sort=email:asc',
      'sort[0]=budgetPlanned:desc',
      'status=draft',
    ];
    const LISTS = ['/api/articles', '/api/missions', '/api/partners'];

    it.each(LISTS)('%s: every probing query is refused (400) or answers without anything private', async (path) => {
      const baseline = await anon().get(path).expect(200);
      for (const query of ATTEMPTS) {
        const res = await anon().get(`${path}?${query}`);
        expect([200, 400]).toContain(res.status);
        expectNoSecret(res);
        // a filter on a private field never narrows the list (no oracle): refused outright
        if (/^filters|^sort/.test(query)) expect({ query, status: res.status }).toEqual({ query, status: 400 });
        if (res.status === 200) expect(res.body.data.length).toBeLessThanOrEqual(baseline.body.data.length);
      }
      const refused = await anon().get(`${path}?filters[email][$contains]=a`);
      expect(refused.body.error.message).toMatch(/^filters : filtre non autorisé « email »/);
    });

    const PUBLIC_RELATIONS: Record<string, string[]> = {
      article: ['cover', 'gallery'],
      mission: ['location', 'poster', 'pole'],
      partner: ['logo'],
    };
    it.each([
      ['/api/articles', 'article'],
      ['/api/missions', 'mission'],
      ['/api/partners', 'partner'],
    ])('%s/:documentId: every probing query is refused (400) or answers the same public record', async (path, key) => {
      const baseline = await anon().get(`${path}/${ids[key]}`).expect(200);
      // relations come only when asked (populate), always in their fixed public shape
      const full = await anon().get(`${path}/${ids[key]}?populate=*`).expect(200);
      const relations = Object.keys(full.body.data).filter((k) => !(k in baseline.body.data));
      expect(relations.sort()).toEqual(PUBLIC_RELATIONS[key].sort());
      for (const query of ATTEMPTS) {
        const res = await anon().get(`${path}/${ids[key]}?${query}`);
        expect([200, 400]).toContain(res.status);
        expectNoSecret(res);
        // an item query ignores filters and sort: they cannot probe the record either
        if (res.status === 200) {
          const expected = {
            ...baseline.body.data,
            ...Object.fromEntries(relations.filter((r) => r in res.body.data).map((r) => [r, full.body.data[r]])),
          };
          expect({ query, data: res.body.data }).toEqual({ query, data: expected });
        }
        if (/^fields|^populate.*participations/.test(query)) expect({ query, status: res.status }).toEqual({ query, status: 400 });
      }
    });

    it('answers 403 on every other content-API route, to the public and to an authenticated account', async () => {
      const allowed = new Set([
        'api::article.article.find',
        'api::article.article.findOne',
        'api::mission.mission.find',
        'api::mission.mission.findOne',
        'api::partner.partner.find',
        'api::partner.partner.findOne',
      ]);
      const routes: { method: string; path: string; handler: string }[] = [];
      for (const [apiName, api] of Object.entries<LoadedApi>(app.strapi.apis)) {
        for (const router of Object.values(api.routes ?? {})) {
          for (const r of router.routes ?? []) {
            if (r.config?.auth === false) continue; // deliberately public custom endpoints (rate limited, own tests)
            const handler =
              typeof r.handler === 'string' ? (r.handler.startsWith('api::') ? r.handler : `api::${apiName}.${r.handler}`) : '';
            routes.push({ method: r.method, path: `/api${r.path.replace(/:[a-zA-Z]+/g, 'x1')}`, handler });
          }
        }
      }
      expect(routes.length).toBeGreaterThan(60);
      const plugins = [
        ['POST', '/api/auth/local'],
        ['POST', '/api/auth/local/register'],
        ['POST', '/api/auth/forgot-password'],
        ['GET', '/api/users'],
        ['GET', '/api/users/me'],
        ['GET', '/api/users-permissions/roles'],
        ['GET', '/api/upload/files'],
        ['POST', '/api/upload'],
        ['GET', '/api/i18n/locales'],
        ['GET', '/api/connect/github'],
      ].map(([method, path]) => ({ method, path, handler: '' }));
      const wrong: string[] = [];
      for (const r of [...routes, ...plugins]) {
        const m = r.method.toLowerCase() as 'get';
        const pub = await anon()
          [m](r.path)
          .send({ data: { name: 'x' } });
        const auth = await app
          .http()
          [m](r.path)
          .set('Authorization', `Bearer ${userJwt}`)
          .send({ data: { name: 'x' } });
        const publicOk = allowed.has(r.handler) ? [200, 404].includes(pub.status) : pub.status === 403;
        // sign-up and sign-in are refused outright; 404 for an unknown provider is as good as 403
        const pluginOk = !r.handler && [403, 404].includes(pub.status) && [401, 403, 404].includes(auth.status);
        if (!(publicOk && auth.status === 403) && !pluginOk)
          wrong.push(`${r.method} ${r.path} public=${pub.status} authentifié=${auth.status}`);
      }
      expect(wrong).toEqual([]);
    });

    it('refuses account sign-up: volunteers have no accounts', async () => {
      const res = await anon()
        .post('/api/auth/local/register')
        .send({ username: 'intrus', email: 'intrus@example.org', password: 'Intrus-2026-xx' });
      expect(res.status).toBe(403);
      expect(await app.strapi.db.query('plugin::users-permissions.user').count({ where: { email: 'intrus@example.org' } })).toBe(0);
    });

    it('an authenticated account reads nothing, not even the articles', async () => {
      expect((await asUser('/api/articles')).status).toBe(403);
      expect((await asUser('/api/users/me')).status).toBe(403);
    });
  });

  describe('hardening', () => {
    it('refuses a weak admin password with a French message, and keeps the old one', async () => {
      const weak = ['Court1A', 'toutenminuscule123', 'TOUTENMAJUSCULE123', 'SansChiffreDuTout'];
      for (const password of weak) {
        const res = await app.admin('put', '/admin/users/me').send({ currentPassword: SUPER_ADMIN.password, password });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/^Mot de passe : /);
      }
      const invite = await app.admin('post', '/admin/users').send({
        firstname: 'Nouvel',
        lastname: 'Admin',
        email: 'nouvel@test.local',
        roles: [(await app.strapi.service('admin::role').findOne({ code: 'asso-secretary' })).id],
      });
      expect(invite.status).toBe(201);
      const registration = await anon()
        .post('/admin/register')
        .send({
          registrationToken: invite.body.data.registrationToken,
          userInfo: { firstname: 'Nouvel', lastname: 'Admin', password: 'faible1A' },
        });
      expect(registration.status).toBe(400);
      expect(registration.body.error.message).toMatch(/^Mot de passe : au moins 12 caractères/);
      const strong = await anon()
        .post('/admin/register')
        .send({
          registrationToken: invite.body.data.registrationToken,
          userInfo: { firstname: 'Nouvel', lastname: 'Admin', password: 'Secretaire-Solide-2026' },
        });
      expect(strong.status).toBe(200);
      // nor may the president give someone a weak password
      const weakByPresident = await app.admin('put', `/admin/users/${invite.body.data.id}`).send({ password: 'court1A' });
      expect(weakByPresident.status).toBe(400);
      expect(weakByPresident.body.error.message).toMatch(/^Mot de passe : au moins 12 caractères/);
      const stored = await app.strapi.db.query('admin::user').findOne({ where: { email: 'nouvel@test.local' }, select: ['password'] });
      expect(await app.strapi.service('admin::auth').validatePassword('Secretaire-Solide-2026', stored.password)).toBe(true);
      // the president's password did not change
      await anon().post('/admin/login').send({ email: SUPER_ADMIN.email, password: SUPER_ADMIN.password }).expect(200);
    });

    it('throttles repeated admin logins', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i += 1)
        statuses.push(
          (
            await anon()
              .post('/admin/login')
              .send({ email: 'nouvel@test.local', password: `Mauvais-${i}-Essai` })
          ).status
        );
      expect(statuses.slice(0, 3).every((s) => s === 400)).toBe(true);
      expect(statuses).toContain(429);
      // once throttled, even the right password waits
      const right = await anon().post('/admin/login').send({ email: 'nouvel@test.local', password: 'Secretaire-Solide-2026' });
      expect(right.status).toBe(429);
    });

    it('allows cross-origin calls only from CORS_ORIGINS', async () => {
      const ok = await anon().get('/api/articles').set('Origin', SITE);
      expect(ok.headers['access-control-allow-origin']).toBe(SITE);
      const evil = await anon().get('/api/articles').set('Origin', 'https://evil.example.com');
      expect(evil.headers['access-control-allow-origin']).not.toBe('https://evil.example.com');
      expect(evil.headers['access-control-allow-origin']).not.toBe('*');
      const preflight = await request(app.strapi.server.httpServer)
        .options('/api/articles')
        .set('Origin', 'https://evil.example.com')
        .set('Access-Control-Request-Method', 'GET');
      expect(preflight.headers['access-control-allow-origin']).not.toBe('https://evil.example.com');
    });

    it('sends security headers with a content security policy', async () => {
      const res = await anon().get('/api/articles');
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toBeDefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
    });
  });
});
