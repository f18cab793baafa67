import type { Response } from 'supertest';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import type { Json, LoadedApi } from '../helpers/types';

/**
 * API tokens (integrations, the benchmark). Strapi lets a read-only token call every route whose
 * action ends in find/findOne, and does not strip relations to other types from its populate,
 * filters or sort. So: members, donors, donations, contributions, participations, subsidies,
 * documents and newsletters have no read route at all; the reference data (poles, skills,
 * availability slots, membership types, the association's settings) stays readable, but no query
 * on it reaches a member or a member's records, nor narrows a list by them (no oracle).
 */
const PERSONAL = [
  'api::member.member',
  'api::donor.donor',
  'api::donation.donation',
  'api::contribution.contribution',
  'api::participation.participation',
  'api::subsidy.subsidy',
  'api::document.document',
  'api::newsletter.newsletter',
  'api::receipt.receipt',
  'api::import-batch.import-batch',
];
const REFERENCE = ['/api/poles', '/api/skills', '/api/availability-slots', '/api/membership-types', '/api/association'];
const SECRETS = [
  'Secretnom',
  'perso.secret@example.org',
  '0611223399',
  '1985-05-05',
  '9 rue Cachée',
  'REF-SECRETE-42',
  '37.37',
  'participant.secret@example.org',
  'Donateursecret',
  'donateur.secret@example.org',
  '123.45',
  'Subvention secrète',
  'PV secret',
  'Lettre secrète',
  'Notes internes cachées',
];

describe(`API tokens and personal data (${DB_CLIENT})`, () => {
  let app: TestApp;
  let readOnly: string;
  let fullAccess: string;
  const ids: Record<string, string> = {};
  const docs = (uid: string) => app.strapi.documents(uid);
  const as = (token: string, method: 'get' | 'post' | 'put' | 'delete', url: string) =>
    app.http()[method](url).set('Authorization', `Bearer ${token}`);
  const leaks = (res: Response) => SECRETS.filter((s) => JSON.stringify(res.body ?? null).includes(s));
  const path = (uid: string) => `/api/${app.strapi.getModel(uid).info.pluralName}`;

  beforeAll(async () => {
    app = await startStrapi();
    const tokens = app.strapi.service('admin::api-token');
    readOnly = (await tokens.create({ name: 'lecture', type: 'read-only', lifespan: null })).accessKey;
    fullAccess = (await tokens.create({ name: 'intégration', type: 'full-access', lifespan: null })).accessKey;

    const pole = await docs('api::pole.pole').create({ data: { name: 'Solidarité' } });
    const skill = await docs('api::skill.skill').create({ data: { name: 'Cuisine' } });
    const slot = await docs('api::availability-slot.availability-slot').create({ data: { code: 'samedi', name: 'Samedi', position: 1 } });
    const type = await docs('api::membership-type.membership-type').create({ data: { name: 'Adhésion annuelle', amount: 20 } });
    if (!(await docs('api::association.association').findFirst()))
      await docs('api::association.association').create({ data: { name: 'Association test' } });
    const member = await docs('api::member.member').create({
      data: {
        firstName: 'Perso',
        lastName: 'Secretnom',
        email: 'perso.secret@example.org',
        phone: '0611223399',
        birthDate: '1985-05-05',
        address: '9 rue Cachée',
        notes: 'Notes internes cachées',
        poles: [pole.documentId],
        skills: [skill.documentId],
        availability: [slot.documentId],
      },
    });
    ids.member = member.documentId;
    await docs('api::contribution.contribution').create({
      data: {
        member: member.documentId,
        membershipType: type.documentId,
        amount: 37.37,
        paidAt: '2026-01-15',
        paymentMethod: 'cash',
        reference: 'REF-SECRETE-42',
      },
    });
    const mission = await docs('api::mission.mission').create({
      data: { title: 'Maraude', kind: 'mission', startAt: '2026-06-01T08:00:00.000Z', isPublic: true, pole: pole.documentId },
    });
    await docs('api::participation.participation').create({
      data: { mission: mission.documentId, member: member.documentId, source: 'backoffice' },
    });
    await docs('api::participation.participation').create({
      data: {
        mission: mission.documentId,
        firstName: 'Invité',
        lastName: 'Secretnom',
        email: 'participant.secret@example.org',
        source: 'website',
      },
    });
    const partner = await docs('api::partner.partner').create({ data: { name: 'Mairie', kind: 'public_body', isPublic: true } });
    await docs('api::subsidy.subsidy').create({ data: { title: 'Subvention secrète', funder: partner.documentId } });
    const donor = await docs('api::donor.donor').create({
      data: { kind: 'individual', lastName: 'Donateursecret', email: 'donateur.secret@example.org', member: member.documentId },
    });
    await docs('api::donation.donation').create({
      data: { donor: donor.documentId, amount: 123.45, receivedAt: '2026-02-01', method: 'cheque', nature: 'cash' },
    });
    await docs('api::document.document').create({ data: { title: 'PV secret', category: 'minutes', confidential: true } });
    await docs('api::newsletter.newsletter').create({
      data: { subject: 'Lettre secrète', audience: 'subscribers', pole: pole.documentId },
    });
    // an import keeps the rows of its file
    await docs('api::import-batch.import-batch').create({
      data: { kind: 'members', state: 'preview', fileName: 'adherents.csv', table: { headers: ['Nom'], rows: [['Secretnom']] } },
    });
  }, 300_000); // a boot can be slow on a busy machine
  afterAll(() => app?.stop());

  it('personal and internal data has no read route, for a read-only or a full-access token', async () => {
    const wrong: string[] = [];
    for (const uid of PERSONAL) {
      const [first] = await docs(uid).findMany({ limit: 1 });
      for (const [name, token] of [
        ['lecture', readOnly],
        ['complet', fullAccess],
      ]) {
        // (receipts are issued only by the back-office: none in this suite, any id will do)
        for (const url of [path(uid), `${path(uid)}?populate=*`, `${path(uid)}/${first?.documentId ?? 'x1'}`]) {
          const res = await as(token, 'get', url);
          if (![404, 405].includes(res.status) || leaks(res).length)
            wrong.push(`${name} GET ${url} → ${res.status} ${leaks(res).join(', ')}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('an integration with a full-access token still creates and updates members', async () => {
    const created = await as(fullAccess, 'post', '/api/members').send({ data: { firstName: 'Nouvelle', lastName: 'Adhérente' } });
    expect(created.status).toBe(201);
    const updated = await as(fullAccess, 'put', `/api/members/${created.body.data.documentId}`).send({ data: { city: 'Lyon' } });
    expect(updated.status).toBe(200);
    expect(await app.strapi.db.query('api::member.member').count({ where: { lastName: 'Adhérente', city: 'Lyon' } })).toBe(1);
    // and a read-only token writes nothing
    expect((await as(readOnly, 'post', '/api/members').send({ data: { firstName: 'Intrus', lastName: 'Lecture' } })).status).toBe(403);
    expect(await app.strapi.db.query('api::member.member').count({ where: { lastName: 'Lecture' } })).toBe(0);
  });

  it('a read-only token reads the reference data (the benchmark reads /api/skills)', async () => {
    const skills = await as(readOnly, 'get', '/api/skills').expect(200);
    expect(skills.body.data.map((s: Json) => s.name)).toEqual(['Cuisine']);
    const poles = await as(readOnly, 'get', '/api/poles?sort=name:asc&filters[name][$eq]=Solidarité&fields[0]=name').expect(200);
    expect(poles.body.data.map((p: Json) => p.name)).toEqual(['Solidarité']);
    const pole = await as(readOnly, 'get', `/api/poles/${poles.body.data[0].documentId}`).expect(200);
    expect(pole.body.data.name).toBe('Solidarité');
    const types = await as(readOnly, 'get', '/api/membership-types').expect(200);
    expect(types.body.data.map((t: Json) => t.name)).toEqual(['Adhésion annuelle']);
    const association = await as(readOnly, 'get', '/api/association?populate=*').expect(200);
    expect(association.body.data).toMatchObject({ name: 'Association test' });
    expect(association.body.data).toHaveProperty('logo');
    // populate=* brings no relation to members, missions or contributions
    for (const url of REFERENCE) {
      const res = await as(readOnly, 'get', `${url}?populate=*`).expect(200);
      expect(leaks(res)).toEqual([]);
      expect(JSON.stringify(res.body.data)).not.toMatch(/"(members|missions|contributions|participations)"/);
    }
  });

  it('no query on reference data reaches a member or narrows a list by one (400 in French)', async () => {
    const ATTEMPTS = [
      'populate[members]=*',
      'populate[0]=members',
      'populate=members',
      'populate[members][fields][0]=email',
      'populate[contributions][populate]=*',
      'populate[missions][populate][participations]=*',
      'fields[0]=members',
      'filters[members][email][$contains]=a',
      'filters[members][lastName][$eq]=Secretnom',
      'filters[members][birthDate][$lt]=2000-01-01',
      'filters[$or][0][members][email][$contains]=perso',
      'filters[contributions][amount][$gt]=1',
      'filters[contributions][member][email][$contains]=perso',
      'filters[missions][participations][email][$contains]=participant',
      'filters[createdBy][email][$contains]=president',
      'sort=members.email:asc',
      'sort[0]=contributions.amount:desc',
    ];
    const wrong: string[] = [];
    for (const url of REFERENCE) {
      const baseline = await as(readOnly, 'get', url).expect(200);
      const one = Array.isArray(baseline.body.data) ? `${url}/${baseline.body.data[0].documentId}` : null;
      for (const query of ATTEMPTS) {
        for (const target of one ? [url, one] : [url]) {
          const res = await as(readOnly, 'get', `${target}?${query}`);
          if (res.status !== 400 || leaks(res).length) wrong.push(`GET ${target}?${query} → ${res.status} ${leaks(res).join(', ')}`);
          else if (!/^(fields|populate|filters|sort) : /.test(res.body.error?.message ?? ''))
            wrong.push(`GET ${target}?${query} : message « ${res.body.error?.message} »`);
        }
      }
    }
    expect(wrong).toEqual([]);
    const refused = await as(readOnly, 'get', '/api/poles?filters[members][email][$contains]=a');
    expect(refused.body.error.message).toBe('filters : filtre non autorisé « members ».');
    // an image comes in its fixed public shape: not with the records it is attached to
    const logo = await as(readOnly, 'get', '/api/association?populate[logo][populate][related]=*&populate[logo][fields][0]=related');
    expect([200, 400]).toContain(logo.status);
    expect(JSON.stringify(logo.body)).not.toContain('"related"');
  });

  it('every read route a read-only token may call answers without anything personal, even with populate=*', async () => {
    const reads: string[] = [];
    const handlers: string[] = [];
    for (const api of Object.values<LoadedApi>(app.strapi.apis)) {
      for (const router of Object.values(api.routes ?? {})) {
        for (const r of router.routes ?? []) {
          const handler = typeof r.handler === 'string' ? r.handler : '';
          if (r.method !== 'GET' || !/\.(find|findOne)$/.test(handler)) continue;
          handlers.push(handler);
          reads.push(`/api${r.path.replace(/:[a-zA-Z]+/g, 'x1')}`);
        }
      }
    }
    expect(handlers.filter((h) => PERSONAL.some((uid) => h.startsWith(`${uid}.`)))).toEqual([]);
    expect(reads.length).toBeGreaterThanOrEqual(REFERENCE.length * 2 + 5);
    const wrong: string[] = [];
    for (const url of [...reads, '/api/users', '/api/upload/files']) {
      for (const query of ['', '?populate=*', '?populate[pole][populate]=*']) {
        const res = await as(readOnly, 'get', `${url}${query}`);
        if (leaks(res).length) wrong.push(`GET ${url}${query} → ${res.status} ${leaks(res).join(', ')}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the media library and the accounts are not listed through the content API, whatever the token', async () => {
    // a file in the media library, as the bureau uploads them (a confidential document's file, say)
    const upload = await app
      .admin('post', '/upload')
      .attach('files', Buffer.from('compte rendu confidentiel'), { filename: 'pv-bureau-secret.txt', contentType: 'text/plain' });
    expect(upload.status).toBe(201);
    for (const token of [readOnly, fullAccess]) {
      for (const url of ['/api/upload/files', `/api/upload/files/${upload.body[0].id}`, '/api/users', '/api/users-permissions/roles']) {
        const res = await as(token, 'get', url);
        expect({ url, status: res.status }).toEqual({ url, status: 403 });
        expect(res.text).not.toMatch(/pv-bureau-secret/);
      }
    }
    expect((await app.http().get('/api/upload/files')).status).toBe(403);
    // the admin panel's own media library still lists it
    const admin = await app.admin('get', '/upload/files?pageSize=100');
    expect(JSON.stringify(admin.body)).toMatch(/pv-bureau-secret/);
  });
});
