import { startStrapi, TestApp, cm, DB_CLIENT, SUPER_ADMIN } from '../helpers/strapi';
import { loginAs, RoleCode } from '../helpers/roles';
import type { Json } from '../helpers/types';

/**
 * The content manager must not leak across roles at any depth: `populate`, `filters`, `sort` and
 * `fields` through relations the role may not read are refused (French 403 naming the path), on
 * every content-manager route; the admin accounts' e-mails do not show through createdBy/updatedBy;
 * the requests the admin panel itself sends keep working for each role.
 */

const MISSION = 'api::mission.mission';
const POLE = 'api::pole.pole';
const MEMBER = 'api::member.member';
const DONOR = 'api::donor.donor';
const DONATION = 'api::donation.donation';
const PARTICIPATION = 'api::participation.participation';
const DOCUMENT = 'api::document.document';

// values that must never appear in a refused answer
const SECRETS = {
  member: 'Secretmember',
  memberEmail: 'lea.secret@example.org',
  donor: 'Donorsecret',
  donation: 'REF-SECRET-42',
  participant: 'participant.secret@example.org',
  confidential: 'Procès-verbal confidentiel',
  adminEmail: SUPER_ADMIN.email,
};

// a valid 1×1 PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe(`content manager: rights at every depth (${DB_CLIENT})`, () => {
  let app: TestApp;
  const ids: Record<string, string> = {};
  const tokens: Partial<Record<RoleCode, string>> = {};
  const get = (url: string, role: RoleCode) => app.admin('get', url, tokens[role]);

  /** A refusal: 403, French message naming the path, no secret in the body. */
  const expectRefused = async (url: string, role: RoleCode, path: string) => {
    const res = await get(url, role);
    expect({ url, status: res.status }).toEqual({ url, status: 403 });
    expect(res.body.error.message).toBe(`Accès refusé : le champ « ${path} » ne peut pas être lu avec votre rôle.`);
    const text = JSON.stringify(res.body);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    return res;
  };

  beforeAll(async () => {
    app = await startStrapi();
    for (const role of [
      'asso-treasurer',
      'asso-secretary',
      'asso-volunteer-manager',
      'asso-communication',
      'asso-partnerships',
      'strapi-super-admin',
    ] as RoleCode[]) {
      tokens[role] = await loginAs(app, role);
    }
    const docs = (uid: string) => app.strapi.documents(uid);
    // created through the content manager by the president, so that createdBy is set
    const create = async (uid: string, data: Record<string, unknown>) => {
      const res = await app.admin('post', cm(uid)).send(data);
      if (res.status !== 201) throw new Error(`${uid} → ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.data.documentId as string;
    };
    ids.pole = await create(POLE, { name: 'Pôle Accueil' });
    ids.member = await create(MEMBER, {
      firstName: 'Léa',
      lastName: SECRETS.member,
      email: SECRETS.memberEmail,
      poles: { connect: [{ documentId: ids.pole }] },
    });
    ids.mission = await create(MISSION, {
      title: 'Mission Brocante',
      kind: 'mission',
      status: 'planned',
      startAt: '2026-06-01T08:00:00.000Z',
      pole: { connect: [{ documentId: ids.pole }] },
    });
    ids.participation = await create(PARTICIPATION, {
      mission: { connect: [{ documentId: ids.mission }] },
      member: { connect: [{ documentId: ids.member }] },
      lastName: 'Participant',
      email: SECRETS.participant,
      source: 'backoffice',
      status: 'confirmed',
    });
    ids.donor = await create(DONOR, { kind: 'individual', lastName: SECRETS.donor, member: { connect: [{ documentId: ids.member }] } });
    ids.donation = await create(DONATION, {
      donor: { connect: [{ documentId: ids.donor }] },
      amount: 4321.5,
      receivedAt: '2026-02-01',
      method: 'cheque',
      nature: 'cash',
      reference: SECRETS.donation,
    });

    // a confidential document whose file is also the mission's poster
    const up = await app.admin('post', '/upload').attach('files', PNG, { filename: 'affiche.png', contentType: 'image/png' });
    if (up.status !== 201) throw new Error(`upload → ${up.status} ${JSON.stringify(up.body)}`);
    const fileId = up.body[0].id;
    ids.confidential = (
      await docs(DOCUMENT).create({ data: { title: SECRETS.confidential, category: 'minutes', confidential: true, file: fileId } })
    ).documentId;
    await docs(MISSION).update({ documentId: ids.mission, data: { poster: fileId } });
  });

  afterAll(async () => {
    await app?.stop();
  });

  describe('chargé·e de communication (missions, pôles ; ni adhérents, ni dons)', () => {
    const role: RoleCode = 'asso-communication';

    it('refuses populate two to four levels deep, in every shape, on lists and documents', async () => {
      await expectRefused(`${cm(MISSION)}?populate[pole][populate][members]=true`, role, 'pole.members');
      await expectRefused(
        `${cm(MISSION, ids.mission)}?populate[pole][populate][members][populate][donors][populate][donations]=true`,
        role,
        'pole.members'
      );
      await expectRefused(`${cm(MISSION, ids.mission)}?populate[0]=pole.members.donors`, role, 'pole.members');
      await expectRefused(`${cm(MISSION, ids.mission)}?populate=pole.members`, role, 'pole.members');
      await expectRefused(`${cm(MISSION, ids.mission)}?populate=title,pole.members.donors.donations`, role, 'pole.members');
      await expectRefused(`${cm(MISSION, ids.mission)}?populate[pole][populate]=*`, role, 'pole.members');
      await expectRefused(`${cm(MISSION, ids.mission)}?populate[pole]=*`, role, 'pole.members');
      await expectRefused(`${cm(MISSION)}?populate=*`, role, 'participations');
      await expectRefused(
        `${cm(POLE, ids.pole)}?populate[missions][populate][participations][populate][member]=true`,
        role,
        'missions.participations'
      );
      await expectRefused(
        `${cm(POLE, ids.pole)}?populate[missions][fields][0]=internalNotes&populate[missions][filters][participations][email][$containsi]=secret`,
        role,
        'missions.participations'
      );
    });

    it('refuses filters through relations, whatever the nesting, with the same answer whether they match or not', async () => {
      const match = await expectRefused(`${cm(MISSION)}?filters[pole][members][lastName][$eq]=${SECRETS.member}`, role, 'pole.members');
      const miss = await expectRefused(`${cm(MISSION)}?filters[pole][members][lastName][$eq]=Personne`, role, 'pole.members');
      expect(miss.body).toEqual(match.body);
      await expectRefused(
        `${cm(MISSION)}?filters[$or][0][title][$eq]=x&filters[$or][1][$and][0][pole][members][email][$containsi]=secret`,
        role,
        'pole.members'
      );
      await expectRefused(`${cm(MISSION)}?filters[$not][pole][members][id][$notNull]=true`, role, 'pole.members');
      await expectRefused(`${cm(MISSION)}?filters[pole][members][donors][donations][amount][$gt]=4000`, role, 'pole.members');
      await expectRefused(`${cm(POLE)}?filters[members][id][$notNull]=true`, role, 'members');
      await expectRefused(`${cm(MISSION)}?filters[participations][$null]=false`, role, 'participations');
      // counted documents and draft relations take the same query
      await expectRefused(
        `${cm(MISSION, ids.mission)}/actions/countDraftRelations?filters[pole][members][lastName][$eq]=${SECRETS.member}`,
        role,
        'pole.members'
      );
    });

    it('refuses sort through relations (string, array, object)', async () => {
      await expectRefused(`${cm(MISSION)}?sort=pole.members.lastName:asc`, role, 'pole.members');
      await expectRefused(`${cm(MISSION)}?sort[0]=title:asc&sort[1]=pole.members.email:desc`, role, 'pole.members');
      await expectRefused(`${cm(MISSION)}?sort[pole][members][lastName]=asc`, role, 'pole.members');
    });

    it('refuses the same paths on the relations endpoints (picker and existing relations)', async () => {
      await expectRefused(`/content-manager/relations/${MISSION}/pole?filters[members][lastName][$eq]=${SECRETS.member}`, role, 'members');
      await expectRefused(
        `/content-manager/relations/${MISSION}/pole?populate[missions][populate][participations]=true`,
        role,
        'missions.participations'
      );
      await expectRefused(
        `/content-manager/relations/${MISSION}/pole?sort=missions.participations.email:asc`,
        role,
        'missions.participations'
      );
      await expectRefused(
        `/content-manager/relations/${MISSION}/${ids.mission}/pole?filters[pole][members][lastName][$eq]=${SECRETS.member}`,
        role,
        'pole.members'
      );
    });

    it('does not reach a confidential document or other files through a media field', async () => {
      await expectRefused(`${cm(MISSION, ids.mission)}?populate[poster][populate][related]=true`, role, 'poster.related');
      await expectRefused(`${cm(MISSION)}?filters[poster][related][title][$eq]=x`, role, 'poster.related');
      await expectRefused(
        `${cm(MISSION, ids.mission)}?populate[poster][populate][folder][populate][files]=true`,
        role,
        'poster.folder.files'
      );
      await expectRefused(`${cm(MISSION)}?filters[poster][folder][files][name][$eq]=affiche.png`, role, 'poster.folder.files');
      // single types take the same guard
      await expectRefused(
        `/content-manager/single-types/api::association.association?populate[logo][populate][related]=true`,
        role,
        'logo.related'
      );
      // the condition still hides the document itself
      const list = await get(`${cm(DOCUMENT)}?filters[title][$eq]=${encodeURIComponent(SECRETS.confidential)}`, role);
      expect(list.status).toBe(200);
      expect(list.body.results).toEqual([]);
    });

    it('refuses fields and unknown keys instead of ignoring them', async () => {
      await expectRefused(`/content-manager/relations/${MISSION}/pole?fields[0]=members`, role, 'members');
      await expectRefused(`${cm(MISSION)}?filters[pole][pole_id][$eq]=1`, role, 'pole.pole_id');
    });

    it('keeps what the role may read, and no further', async () => {
      const byPole = await get(`${cm(MISSION)}?filters[pole][name][$eq]=${encodeURIComponent('Pôle Accueil')}`, role);
      expect(byPole.status).toBe(200);
      expect(byPole.body.results.map((m: Json) => m.documentId)).toEqual([ids.mission]);
      const sorted = await get(`${cm(MISSION)}?sort=pole.name:asc`, role);
      expect(sorted.status).toBe(200);
      const deep = await get(`${cm(POLE)}?filters[missions][title][$eq]=${encodeURIComponent('Mission Brocante')}`, role);
      expect(deep.body.results.map((p: Json) => p.documentId)).toEqual([ids.pole]);
      const poster = await get(`${cm(MISSION, ids.mission)}?populate[poster]=true`, role);
      expect(poster.status).toBe(200);
      // one step further is refused
      await expectRefused(`${cm(POLE)}?filters[missions][participations][lastName][$eq]=Participant`, role, 'missions.participations');
    });
  });

  describe('admin accounts through createdBy / updatedBy', () => {
    it('shows the author name but not the e-mail to bureau roles, refuses filters and sort on it; the super admin keeps everything', async () => {
      for (const role of ['asso-communication', 'asso-treasurer', 'asso-volunteer-manager'] as RoleCode[]) {
        const one = await get(cm(MISSION, ids.mission), role);
        expect(one.status).toBe(200);
        expect(one.body.data.createdBy).toEqual(
          expect.objectContaining({ firstname: SUPER_ADMIN.firstname, lastname: SUPER_ADMIN.lastname })
        );
        expect(JSON.stringify(one.body)).not.toContain(SECRETS.adminEmail);
        expect(one.body.data.createdBy.email).toBeUndefined();
        const list = await get(cm(MISSION), role);
        expect(list.status).toBe(200);
        expect(JSON.stringify(list.body)).not.toContain(SECRETS.adminEmail);
        await expectRefused(`${cm(MISSION)}?filters[createdBy][email][$eq]=${SECRETS.adminEmail}`, role, 'createdBy.email');
        await expectRefused(`${cm(MISSION)}?filters[updatedBy][email][$startsWith]=p`, role, 'updatedBy.email');
        await expectRefused(`${cm(MISSION)}?sort=createdBy.email:asc`, role, 'createdBy.email');
        await expectRefused(`${cm(MISSION, ids.mission)}?populate[createdBy][fields][0]=email`, role, 'createdBy.email');
        await expectRefused(`${cm(MISSION)}?filters[createdBy][roles][code][$eq]=strapi-super-admin`, role, 'createdBy.roles');
      }
      const allowed = await get(`${cm(MISSION)}?filters[createdBy][firstname][$eq]=${SUPER_ADMIN.firstname}`, 'asso-communication');
      expect(allowed.status).toBe(200);
      expect(allowed.body.results).toHaveLength(1);

      // the super admin keeps everything
      const one = await get(cm(MISSION, ids.mission), 'strapi-super-admin');
      expect(one.body.data.createdBy.email).toBe(SECRETS.adminEmail);
      const deep = await get(`${cm(MISSION)}?filters[pole][members][lastName][$eq]=${SECRETS.member}`, 'strapi-super-admin');
      expect(deep.status).toBe(200);
      expect(deep.body.results).toHaveLength(1);
      const none = await get(`${cm(MISSION)}?filters[pole][members][lastName][$eq]=Personne`, 'strapi-super-admin');
      expect(none.body.results).toHaveLength(0);
      expect((await get(`${cm(MISSION)}?sort=pole.members.lastName:asc`, 'strapi-super-admin')).status).toBe(200);
      expect(
        (await get(`${cm(MISSION)}?filters[createdBy][email][$eq]=${SECRETS.adminEmail}`, 'strapi-super-admin')).body.results
      ).toHaveLength(1);
    });
  });

  describe('responsable des partenariats (donateurs et dons ; pas les adhérents)', () => {
    const role: RoleCode = 'asso-partnerships';
    it('refuses donation → donor → member, keeps donation → donor', async () => {
      await expectRefused(`${cm(DONATION)}?filters[donor][member][lastName][$eq]=${SECRETS.member}`, role, 'donor.member');
      await expectRefused(`${cm(DONATION, ids.donation)}?populate[donor][populate][member]=true`, role, 'donor.member');
      await expectRefused(`${cm(DONATION)}?sort=donor.member.email:desc`, role, 'donor.member');
      await expectRefused(`${cm(DONOR)}?filters[member][participations][email][$containsi]=secret`, role, 'member');
      await expectRefused(`${cm(MISSION)}?filters[pole][members][donors][lastName][$eq]=${SECRETS.donor}`, role, 'pole.members');
      // donation → donor stays
      const res = await get(`${cm(DONATION)}?filters[donor][lastName][$eq]=${SECRETS.donor}`, role);
      expect(res.status).toBe(200);
      expect(res.body.results.map((d: Json) => d.documentId)).toEqual([ids.donation]);
      expect((await get(`${cm(DONOR)}?filters[donations][reference][$eq]=${SECRETS.donation}`, role)).body.results).toHaveLength(1);
    });
  });

  describe('responsable des bénévoles (adhérents, missions, participations ; pas les dons)', () => {
    const role: RoleCode = 'asso-volunteer-manager';
    it('refuses member → donors and mission → … → donors, keeps member → poles → missions → participations', async () => {
      await expectRefused(`${cm(MEMBER, ids.member)}?populate[donors][populate][donations]=true`, role, 'donors');
      await expectRefused(
        `${cm(MISSION)}?filters[participations][member][donors][lastName][$eq]=${SECRETS.donor}`,
        role,
        'participations.member.donors'
      );
      await expectRefused(`${cm(PARTICIPATION)}?sort=member.donors.lastName:asc`, role, 'member.donors');
      await expectRefused(`/content-manager/relations/${PARTICIPATION}/member?filters[donors][donations][amount][$gt]=0`, role, 'donors');
      // actions that accept a query (clone) too, and nothing is created
      const before = await app.strapi.db.query(MISSION).count();
      const clone = await app
        .admin(
          'post',
          `${cm(MISSION)}/clone/${ids.mission}?filters[participations][member][donors][lastName][$eq]=${SECRETS.donor}`,
          tokens[role]
        )
        .send({ title: 'Copie' });
      expect(clone.status).toBe(403);
      expect(clone.body.error.message).toBe(
        'Accès refusé : le champ « participations.member.donors » ne peut pas être lu avec votre rôle.'
      );
      expect(await app.strapi.db.query(MISSION).count()).toBe(before);
      // member → poles → missions → participations stays
      const res = await get(`${cm(MEMBER)}?filters[poles][missions][participations][lastName][$eq]=Participant`, role);
      expect(res.status).toBe(200);
      expect(res.body.results.map((m: Json) => m.documentId)).toEqual([ids.member]);
    });
  });

  describe('trésorier·ère (adhérents, dons ; pas les participations)', () => {
    const role: RoleCode = 'asso-treasurer';
    it('refuses member → poles → missions → participations, keeps donation → donor → member', async () => {
      await expectRefused(
        `${cm(MEMBER)}?filters[poles][missions][participations][email][$containsi]=secret`,
        role,
        'poles.missions.participations'
      );
      await expectRefused(`${cm(MEMBER, ids.member)}?populate=poles.missions.participations`, role, 'poles.missions.participations');
      await expectRefused(`${cm(POLE)}?sort[missions][participations][email]=asc`, role, 'missions.participations');
      // donation → donor → member stays
      const res = await get(`${cm(DONATION)}?filters[donor][member][lastName][$eq]=${SECRETS.member}`, role);
      expect(res.status).toBe(200);
      expect(res.body.results.map((d: Json) => d.documentId)).toEqual([ids.donation]);
    });
  });

  describe('secrétaire (adhérents, participations ; pas les donateurs)', () => {
    const role: RoleCode = 'asso-secretary';
    it('refuses member → donors → donations, keeps participation → member → poles', async () => {
      await expectRefused(`${cm(MEMBER)}?filters[donors][donations][amount][$gt]=0`, role, 'donors');
      await expectRefused(`${cm(POLE, ids.pole)}?populate[members][populate][donors]=true`, role, 'members.donors');
      await expectRefused(`${cm(PARTICIPATION)}?sort=member.donors.lastName:asc`, role, 'member.donors');
      await expectRefused(
        `/content-manager/relations/${PARTICIPATION}/member?filters[donors][lastName][$eq]=${SECRETS.donor}`,
        role,
        'donors'
      );
      // participation → member → poles and confidential documents stay
      const res = await get(`${cm(PARTICIPATION)}?filters[member][poles][name][$eq]=${encodeURIComponent('Pôle Accueil')}`, role);
      expect(res.status).toBe(200);
      expect(res.body.results.map((p: Json) => p.documentId)).toEqual([ids.participation]);
      expect((await get(cm(DOCUMENT, ids.confidential), role)).status).toBe(200);
    });
  });

  describe('the admin panel’s own requests still work for every role', () => {
    const READS: Record<string, string[]> = {
      'asso-treasurer': [MEMBER, MISSION, POLE, DONOR, DONATION, DOCUMENT],
      'asso-secretary': [MEMBER, MISSION, POLE, PARTICIPATION, DOCUMENT],
      'asso-volunteer-manager': [MEMBER, MISSION, POLE, PARTICIPATION, DOCUMENT],
      'asso-communication': [MISSION, POLE, DOCUMENT],
      'asso-partnerships': [MISSION, POLE, DONOR, DONATION, DOCUMENT],
    };
    const own: Record<string, string> = {
      [MEMBER]: 'member',
      [MISSION]: 'mission',
      [POLE]: 'pole',
      [DONOR]: 'donor',
      [DONATION]: 'donation',
      [PARTICIPATION]: 'participation',
    };
    it.each(Object.keys(READS))(
      '%s: list, search, filters, edit view (author without e-mail), relation pickers, home page',
      async (role) => {
        const r = role as RoleCode;
        for (const uid of READS[role]) {
          const list = await get(`${cm(uid)}?page=1&pageSize=10&sort=id:ASC`, r);
          expect({ uid, status: list.status }).toEqual({ uid, status: 200 });
          expect(JSON.stringify(list.body)).not.toContain(SECRETS.adminEmail);
          expect((await get(`${cm(uid)}?page=1&pageSize=10&sort=updatedAt:DESC&_q=a`, r)).status).toBe(200);
          expect((await get(`${cm(uid)}?page=1&pageSize=10&filters[$and][0][createdAt][$gt]=2000-01-01`, r)).status).toBe(200);
          const id = own[uid] && ids[own[uid]];
          if (id) {
            const one = await get(cm(uid, id), r);
            expect({ uid, status: one.status }).toEqual({ uid, status: 200 });
            expect(one.body.data.createdBy).toEqual(
              expect.objectContaining({ id: expect.any(Number), firstname: SUPER_ADMIN.firstname, lastname: SUPER_ADMIN.lastname })
            );
            expect(Object.keys(one.body.data.createdBy).filter((k) => !['id', 'documentId', 'firstname', 'lastname'].includes(k))).toEqual(
              []
            );
            expect((await get(`${cm(uid, id)}/actions/countDraftRelations`, r)).status).toBe(200);
          }
        }
        if (READS[role].includes(MISSION)) {
          expect((await get(`/content-manager/relations/${MISSION}/pole?pageSize=10&page=1`, r)).status).toBe(200);
          expect(
            (await get(`/content-manager/relations/${MISSION}/pole?pageSize=10&page=1&id=${ids.mission}&_q=P&_filter=$containsi`, r)).status
          ).toBe(200);
          const existing = await get(`/content-manager/relations/${MISSION}/${ids.mission}/pole?page=1&pageSize=5`, r);
          expect(existing.status).toBe(200);
          expect(existing.body.results).toHaveLength(1);
        }
        if (READS[role].includes(PARTICIPATION)) {
          expect((await get(`/content-manager/relations/${PARTICIPATION}/member?pageSize=10&page=1`, r)).status).toBe(200);
        }
        expect((await get('/content-manager/homepage/recent-documents?action=update', r)).status).toBe(200);
        expect((await get('/content-manager/homepage/count-documents', r)).status).toBe(200);
      }
    );
  });
});
