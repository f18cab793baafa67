import { startStrapi, TestApp, cm, DB_CLIENT } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import type { Json, Saved } from '../helpers/types';

/**
 * The derived `displayName` of members, donors and participations: what the admin shows in relation
 * pickers and lists ("Martin Claire (n° 42)", not three "Martin"; a member's participation by the
 * member's name, not an empty row). Set on every write path, never by hand, kept right when a member
 * is renamed; the content manager and the bureau's roles use it. Runs on SQLite and PostgreSQL.
 * The formats themselves (every case, names too long for the column) are plain functions, tested
 * without Strapi in pure-rules.test.ts.
 */
describe(`display names (${DB_CLIENT})`, () => {
  let app: TestApp;
  let apiToken: string;

  const MEMBER = 'api::member.member';
  const DONOR = 'api::donor.donor';
  const PARTICIPATION = 'api::participation.participation';
  const MISSION = 'api::mission.mission';
  const docs = (uid: string) => app.strapi.documents(uid);
  const api = (method: 'get' | 'post' | 'put', url: string) => app.http()[method](url).set('Authorization', `Bearer ${apiToken}`);
  const link = (documentId: string) => ({ connect: [{ documentId }] });
  const nameOf = async (uid: string, documentId: string) =>
    (await app.strapi.db.query(uid).findOne({ where: { documentId }, select: ['displayName'] }))?.displayName;
  let mission: Saved;

  beforeAll(async () => {
    app = await startStrapi();
    const token = await app.strapi.service('admin::api-token').create({ name: 'tests', type: 'full-access', lifespan: null });
    apiToken = token.accessKey;
    mission = await docs(MISSION).create({ data: { title: 'Collecte de printemps', startAt: '2026-04-11T08:00:00.000Z' } });
  });
  afterAll(() => app?.stop());

  describe('formats', () => {
    it('shows a member as "Nom Prénom (n° 42)", whatever the write path', async () => {
      const a = await docs(MEMBER).create({ data: { firstName: 'Claire', lastName: 'Martin' } });
      const b = await app.admin('post', cm(MEMBER)).send({ firstName: ' Paul ', lastName: 'Martin' });
      const c = await api('post', '/api/members').send({ data: { firstName: 'Claire', lastName: 'Martin-Durand' } });
      expect(a.displayName).toBe(`Martin Claire (n° ${a.memberNumber})`);
      expect(b.body.data.displayName).toBe(`Martin Paul (n° ${b.body.data.memberNumber})`);
      expect(c.body.data.displayName).toBe(`Martin-Durand Claire (n° ${c.body.data.memberNumber})`);
      // three "Martin" told apart
      expect(new Set([a.displayName, b.body.data.displayName, c.body.data.displayName]).size).toBe(3);
    });

    it('shows a company donor by its name (and its contact), a person by "Nom Prénom"', async () => {
      const company = await docs(DONOR).create({
        data: { kind: 'company', companyName: 'Boulangerie du Parc', lastName: 'Durand', firstName: 'Paul' },
      });
      expect(company.displayName).toBe('Boulangerie du Parc (Durand Paul)');
      const alone = await app.admin('post', cm(DONOR)).send({ kind: 'company', companyName: 'Garage Petit' });
      expect(alone.status).toBe(201);
      expect(alone.body.data.displayName).toBe('Garage Petit');
      const person = await api('post', '/api/donors').send({ data: { kind: 'individual', lastName: 'Lefèvre', firstName: 'Anne' } });
      expect(person.body.data.displayName).toBe('Lefèvre Anne');
      // a company becomes a person: its name follows
      const changed = await docs(DONOR).update({ documentId: company.documentId, data: { kind: 'individual' } });
      expect(changed.displayName).toBe('Durand Paul');
    });

    it('shows a member\u2019s participation by the member\u2019s name, anyone else\u2019s by their own', async () => {
      const member = await docs(MEMBER).create({ data: { firstName: 'Claire', lastName: 'Martin', email: 'claire.martin@example.org' } });
      const ofMember = await app
        .admin('post', cm(PARTICIPATION))
        .send({ mission: link(mission.documentId), member: link(member.documentId), source: 'backoffice' });
      expect(ofMember.status).toBe(201);
      expect(ofMember.body.data.displayName).toBe('Martin Claire');
      const visitor = await api('post', '/api/participations').send({
        data: { mission: mission.documentId, lastName: 'Dupont', firstName: 'Jean', email: 'jean@example.org' },
      });
      expect(visitor.status).toBe(201);
      expect(visitor.body.data.displayName).toBe('Dupont Jean');
      const emailOnly = await docs(PARTICIPATION).create({ data: { mission: mission.documentId, email: 'anonyme@example.org' } });
      expect(emailOnly.displayName).toBe('anonyme@example.org');

      // the participation changes member, then loses it: its name follows
      const other = await docs(MEMBER).create({ data: { firstName: 'Paul', lastName: 'Martin' } });
      await app
        .admin('put', cm(PARTICIPATION, ofMember.body.data.documentId))
        .send({ member: { connect: [{ documentId: other.documentId }], disconnect: [{ documentId: member.documentId }] } })
        .expect(200);
      expect(await nameOf(PARTICIPATION, ofMember.body.data.documentId)).toBe('Martin Paul');
      await docs(PARTICIPATION).update({
        documentId: ofMember.body.data.documentId,
        data: { member: null, lastName: 'Martin', firstName: 'Pauline' },
      });
      expect(await nameOf(PARTICIPATION, ofMember.body.data.documentId)).toBe('Martin Pauline');
      // a visitor recognised as a member by their e-mail on the website
      const web = await docs(MISSION).create({
        data: { title: 'Fête du quartier', startAt: '2099-06-20T08:00:00.000Z', isPublic: true, publicRegistration: true },
      });
      await app
        .http()
        .post(`/api/missions/${web.documentId}/registrations`)
        .send({ firstName: 'C.', lastName: 'M.', email: 'claire.martin@example.org', consent: true })
        .expect(202);
      // the registration is recorded just after the website's answer
      let registered: { displayName: string } | null = null;
      for (let i = 0; i < 200 && !registered; i++) {
        registered = await app.strapi.db
          .query(PARTICIPATION)
          .findOne({ where: { mission: { documentId: web.documentId } }, select: ['displayName'] });
        if (!registered) await new Promise((r) => setTimeout(r, 50));
      }
      expect(registered.displayName).toBe('Martin Claire');
    });
  });

  describe('never written by hand', () => {
    it('ignores a displayName sent by the admin, the content API or a service', async () => {
      const m = await app.admin('post', cm(MEMBER)).send({ firstName: 'Hugo', lastName: 'Main', displayName: 'Président' });
      expect(m.status).toBe(201);
      const id = m.body.data.documentId;
      const expected = `Main Hugo (n° ${m.body.data.memberNumber})`;
      expect(await nameOf(MEMBER, id)).toBe(expected);
      expect((await app.admin('put', cm(MEMBER, id)).send({ displayName: 'Trésorier' })).status).toBe(200);
      expect((await api('put', `/api/members/${id}`).send({ data: { displayName: 'Secrétaire' } })).status).toBe(200);
      await docs(MEMBER).update({ documentId: id, data: { displayName: 'Autre' } });
      expect(await nameOf(MEMBER, id)).toBe(expected);

      const d = await api('post', '/api/donors').send({ data: { kind: 'individual', lastName: 'Roux', displayName: 'Mécène' } });
      expect(d.body.data.displayName).toBe('Roux');
      expect((await app.admin('put', cm(DONOR, d.body.data.documentId)).send({ displayName: 'Mécène' })).status).toBe(200);
      expect(await nameOf(DONOR, d.body.data.documentId)).toBe('Roux');

      const p = await docs(PARTICIPATION).create({ data: { mission: mission.documentId, lastName: 'Blanc', displayName: 'VIP' } });
      expect(p.displayName).toBe('Blanc');
      expect((await api('put', `/api/participations/${p.documentId}`).send({ data: { displayName: 'VIP' } })).status).toBe(200);
      expect((await app.admin('put', cm(PARTICIPATION, p.documentId)).send({ displayName: 'VIP' })).status).toBe(200);
      expect(await nameOf(PARTICIPATION, p.documentId)).toBe('Blanc');
    });

    it('gives a duplicated member its own number in its name', async () => {
      const original = await docs(MEMBER).create({ data: { firstName: 'Léa', lastName: 'Copie' } });
      const clone = await app
        .admin('post', `/content-manager/collection-types/${MEMBER}/clone/${original.documentId}`)
        .send({ firstName: 'Léo', lastName: 'Copie' });
      expect(clone.status).toBe(200);
      expect(clone.body.data.memberNumber).not.toBe(original.memberNumber);
      expect(await nameOf(MEMBER, clone.body.data.documentId)).toBe(`Copie Léo (n° ${clone.body.data.memberNumber})`);
    });
  });

  describe('kept right', () => {
    const participationsOf = async (memberDocumentId: string) =>
      (
        await app.strapi.db
          .query(PARTICIPATION)
          .findMany({ where: { member: { documentId: memberDocumentId } }, select: ['id', 'displayName'] })
      ).map((p: Json) => p.displayName);

    it('renames a member\u2019s participations with the member, in the same write', async () => {
      const member = await docs(MEMBER).create({ data: { firstName: 'Claire', lastName: 'Martin' } });
      const missions = await Promise.all(
        [1, 2, 3].map((i) => docs(MISSION).create({ data: { title: `Permanence ${i}`, startAt: `2026-05-0${i}T08:00:00.000Z` } }))
      );
      for (const m of missions) await docs(PARTICIPATION).create({ data: { mission: m.documentId, member: member.documentId } });
      const other = await docs(MEMBER).create({ data: { firstName: 'Paul', lastName: 'Martin' } });
      await docs(PARTICIPATION).create({ data: { mission: missions[0].documentId, member: other.documentId } });

      // married name, from the admin
      const res = await app.admin('put', cm(MEMBER, member.documentId)).send({ lastName: 'Martin-Leroy' });
      expect(res.status).toBe(200);
      expect(res.body.data.displayName).toBe(`Martin-Leroy Claire (n° ${member.memberNumber})`);
      expect(await participationsOf(member.documentId)).toEqual(['Martin-Leroy Claire', 'Martin-Leroy Claire', 'Martin-Leroy Claire']);
      // the content API and the services too; the other Martin is left alone
      await api('put', `/api/members/${member.documentId}`)
        .send({ data: { firstName: 'Clara' } })
        .expect(200);
      expect(await participationsOf(member.documentId)).toEqual(['Martin-Leroy Clara', 'Martin-Leroy Clara', 'Martin-Leroy Clara']);
      expect(await participationsOf(other.documentId)).toEqual(['Martin Paul']);

      // a refused rename changes nothing, the member nor its participations
      const refused = await app.admin('put', cm(MEMBER, member.documentId)).send({ firstName: 'Clara', lastName: '' });
      expect(refused.status).toBe(400);
      expect(await nameOf(MEMBER, member.documentId)).toBe(`Martin-Leroy Clara (n° ${member.memberNumber})`);
      expect(await participationsOf(member.documentId)).toEqual(['Martin-Leroy Clara', 'Martin-Leroy Clara', 'Martin-Leroy Clara']);
    });

    it('follows participations moved to or from a member from the member\u2019s side, and a member deleted', async () => {
      const member = await docs(MEMBER).create({ data: { firstName: 'Inès', lastName: 'Moreau' } });
      const p = await docs(PARTICIPATION).create({ data: { mission: mission.documentId, lastName: 'Invitée', email: 'ines@example.org' } });
      expect(p.displayName).toBe('Invitée');
      await app
        .admin('put', cm(MEMBER, member.documentId))
        .send({ participations: { connect: [{ documentId: p.documentId }] } })
        .expect(200);
      expect(await nameOf(PARTICIPATION, p.documentId)).toBe('Moreau Inès');
      await api('put', `/api/members/${member.documentId}`)
        .send({ data: { participations: [] } })
        .expect(200);
      expect(await nameOf(PARTICIPATION, p.documentId)).toBe('Invitée');

      await docs(PARTICIPATION).update({ documentId: p.documentId, data: { member: member.documentId } });
      expect(await nameOf(PARTICIPATION, p.documentId)).toBe('Moreau Inès');
      await app.admin('delete', cm(MEMBER, member.documentId)).expect(200);
      expect(await nameOf(PARTICIPATION, p.documentId)).toBe('Invitée');
    });

    it('titles a contribution by its member and period, and follows the member\u2019s name', async () => {
      const CONTRIBUTION = 'api::contribution.contribution';
      const member = await docs(MEMBER).create({ data: { firstName: 'Rose', lastName: 'Payeur' } });
      const created = await app.admin('post', cm(CONTRIBUTION)).send({
        member: link(member.documentId),
        amount: 20,
        paidAt: '2026-11-30',
        periodStart: '2026-11-30',
        periodEnd: '2027-08-31',
        paymentMethod: 'cheque',
        displayName: 'Écrit à la main',
      });
      expect(created.status).toBe(201);
      const title = (name: string) => `${name} (n° ${member.memberNumber}) \u2014 du 30/11/2026 au 31/08/2027`;
      expect(created.body.data.displayName).toBe(title('Payeur Rose'));
      // renamed from the admin: the contribution's title follows, in the same write
      await app.admin('put', cm(MEMBER, member.documentId)).send({ lastName: 'Payeur-Durand' }).expect(200);
      expect(await nameOf(CONTRIBUTION, created.body.data.documentId)).toBe(title('Payeur-Durand Rose'));
      // a contribution named before the field existed gets its title at the next start
      await app.strapi.db.query(CONTRIBUTION).update({ where: { documentId: created.body.data.documentId }, data: { displayName: null } });
      const { nameUnnamedContributions } = require(`${process.env.TEST_DIST_DIR}/src/back-office/dues/rules`);
      expect(await nameUnnamedContributions(app.strapi)).toBeGreaterThanOrEqual(1);
      expect(await nameOf(CONTRIBUTION, created.body.data.documentId)).toBe(title('Payeur-Durand Rose'));
      // the relation pickers show it so: a member's contributions, not a bare date
      const config = (await app.admin('get', `/content-manager/content-types/${CONTRIBUTION}/configuration`)).body.data.contentType;
      expect(config.settings.mainField).toBe('displayName');
      expect(config.metadatas.displayName.edit).toMatchObject({ label: 'Nom affiché', editable: false });
      const memberConfig = (await app.admin('get', `/content-manager/content-types/${MEMBER}/configuration`)).body.data.contentType;
      expect(memberConfig.metadatas.contributions.edit.mainField).toBe('displayName');
    });

    it('keeps a deleted member’s participations (attendance, hours) but anonymous', async () => {
      const member = await docs(MEMBER).create({ data: { firstName: 'Paul', lastName: 'Départ', email: 'paul.depart@example.org' } });
      const p = await docs(PARTICIPATION).create({
        data: { mission: mission.documentId, member: member.documentId, status: 'attended', hours: 3 },
      });
      expect(p.displayName).toBe('Départ Paul');
      await app.admin('delete', cm(MEMBER, member.documentId)).expect(200);
      const kept = await docs(PARTICIPATION).findOne({ documentId: p.documentId, populate: ['member'] });
      expect(kept).toMatchObject({
        status: 'attended',
        hours: 3,
        member: null,
        lastName: 'Adhérent supprimé',
        displayName: 'Adhérent supprimé',
      });
      expect(JSON.stringify(kept)).not.toMatch(/Paul|paul\.depart/);
    });
  });

  describe('admin content manager', () => {
    const configuration = async (uid: string) =>
      (await app.admin('get', `/content-manager/content-types/${uid}/configuration`)).body.data.contentType;

    it('shows members, donors and participations by their display name, read-only, labelled in French', async () => {
      for (const uid of [MEMBER, DONOR, PARTICIPATION]) {
        const config = await configuration(uid);
        expect(config.settings.mainField).toBe('displayName');
        expect(config.metadatas.displayName.edit).toMatchObject({ label: 'Nom affiché', editable: false });
        expect(config.metadatas.displayName.list.label).toBe('Nom affiché');
      }
      // relations show their target by the main field stored on the relation itself
      const relations: Array<[string, string]> = [
        ['api::contribution.contribution', 'member'],
        [PARTICIPATION, 'member'],
        [DONOR, 'member'],
        ['api::donation.donation', 'donor'],
        [MISSION, 'participations'],
        [MEMBER, 'participations'],
        [MEMBER, 'donors'],
        ['api::pole.pole', 'members'],
        ['api::dues-reminder.dues-reminder', 'member'],
      ];
      for (const [uid, field] of relations)
        expect([uid, field, (await configuration(uid)).metadatas[field].edit.mainField]).toEqual([uid, field, 'displayName']);
      // a mission's participations are listed by name first, no more empty last names
      expect((await configuration(PARTICIPATION)).layouts.list).toEqual(['displayName', 'mission', 'member', 'status', 'hours']);
    });

    it('lists the treasurer\u2019s members by name and number when entering a contribution, and the volunteer manager\u2019s participations by name', async () => {
      const a = await docs(MEMBER).create({ data: { firstName: 'Zoé', lastName: 'Trésor' } });
      const b = await docs(MEMBER).create({ data: { firstName: 'Yves', lastName: 'Trésor' } });
      const treasurer = await loginAs(app, 'asso-treasurer');
      const found = await app.admin(
        'get',
        `/content-manager/relations/api::contribution.contribution/member?_q=Trésor&pageSize=10`,
        treasurer
      );
      expect(found.status).toBe(200);
      expect(found.body.results.map((r: Json) => r.displayName).sort()).toEqual([
        `Trésor Yves (n° ${b.memberNumber})`,
        `Trésor Zoé (n° ${a.memberNumber})`,
      ]);

      const volunteers = await loginAs(app, 'asso-volunteer-manager');
      const m = await docs(MISSION).create({ data: { title: 'Maraude', startAt: '2026-12-01T19:00:00.000Z' } });
      await docs(PARTICIPATION).create({ data: { mission: m.documentId, member: a.documentId } });
      await docs(PARTICIPATION).create({ data: { mission: m.documentId, lastName: 'Passant', firstName: 'Léon' } });
      const listed = await app.admin('get', `/content-manager/relations/${MISSION}/${m.documentId}/participations?pageSize=10`, volunteers);
      expect(listed.status).toBe(200);
      expect(listed.body.results.map((r: Json) => r.displayName).sort()).toEqual(['Passant Léon', 'Trésor Zoé']);

      // every bureau role that reads a type reads its display name
      for (const code of ['asso-treasurer', 'asso-secretary', 'asso-volunteer-manager', 'asso-partnerships'] as const) {
        const role = await app.strapi.service('admin::role').findOne({ code });
        const perms = await app.strapi.db.query('admin::permission').findMany({
          where: {
            role: { id: role.id },
            action: 'plugin::content-manager.explorer.read',
            subject: { $in: [MEMBER, DONOR, PARTICIPATION] },
          },
        });
        for (const perm of perms)
          expect([code, perm.subject, perm.properties.fields.includes('displayName')]).toEqual([code, perm.subject, true]);
      }
    });
  });
});
