import type { Response } from 'supertest';
import { startStrapi, TestApp, cm, DB_CLIENT } from '../helpers/strapi';
import type { Json, Saved } from '../helpers/types';
import type { WriteRule } from '../../src/back-office/types';

/**
 * The data rules on every write path: the admin content manager, the content API (through an API
 * token) and the Document Service. Runs on SQLite and PostgreSQL. One Strapi for the whole file.
 */
let app: TestApp;
let apiToken: string;

beforeAll(async () => {
  app = await startStrapi();
  const token = await app.strapi.service('admin::api-token').create({ name: 'tests', type: 'full-access', lifespan: null });
  apiToken = token.accessKey;
});
afterAll(() => app?.stop());

describe(`data rules (${DB_CLIENT})`, () => {
  const MEMBER = 'api::member.member';
  const CONTRIBUTION = 'api::contribution.contribution';
  const docs = (uid: string) => app.strapi.documents(uid);
  const count = (uid: string) => app.strapi.db.query(uid).count();
  const api = (method: 'get' | 'post' | 'put' | 'delete', url: string) =>
    app.http()[method](url).set('Authorization', `Bearer ${apiToken}`);

  /** Expects a French 400 that names the field, and that nothing was written. */
  const expectRefused = async (res: Response, field: string, label: RegExp, uid: string, before: number) => {
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(label);
    expect(JSON.stringify(res.body.error.details)).toContain(field);
    expect(await count(uid)).toBe(before);
  };

  it('declares write rules only for content types that exist, and required relations only on their relations', () => {
    const { modules } = require(`${process.env.TEST_DIST_DIR}/src/back-office`);
    const { collectWriteRules } = require(`${process.env.TEST_DIST_DIR}/src/back-office/rules`);
    const byType: Map<string, WriteRule[]> = collectWriteRules(modules);
    expect([...byType.keys()].filter((uid) => !app.strapi.contentTypes[uid])).toEqual([]);
    const required = [...byType].flatMap(([uid, rules]) =>
      rules.flatMap((r) => (r.requiredRelations ?? []).map((field: string) => [uid, field]))
    );
    expect(required.filter(([uid, field]) => app.strapi.getModel(uid).attributes[field]?.type !== 'relation')).toEqual([]);
    expect(required.length).toBeGreaterThanOrEqual(4);
  });

  describe('members', () => {
    it('assigns member numbers in sequence, whatever the write path', async () => {
      const a = await docs(MEMBER).create({ data: { firstName: 'Alice', lastName: 'Martin' } });
      const b = await app.admin('post', cm(MEMBER)).send({ firstName: 'Bruno', lastName: 'Petit' });
      expect(b.status).toBe(201);
      const c = await api('post', '/api/members').send({ data: { firstName: 'Chloé', lastName: 'Durand' } });
      expect(c.status).toBe(201);
      expect([a.memberNumber, b.body.data.memberNumber, c.body.data.memberNumber]).toEqual([
        a.memberNumber,
        a.memberNumber + 1,
        a.memberNumber + 2,
      ]);
    });

    it('gives different numbers, in sequence, to members created at the same moment', async () => {
      const last = (await docs(MEMBER).findFirst({ sort: 'memberNumber:desc' }))?.memberNumber ?? 0;
      const created = await Promise.all(
        [1, 2, 3, 4, 5, 6].map((i) =>
          i % 2
            ? app.admin('post', cm(MEMBER)).send({ firstName: `Forum${i}`, lastName: 'Simultané', memberNumber: null })
            : api('post', '/api/members').send({ data: { firstName: `Forum${i}`, lastName: 'Simultané' } })
        )
      );
      expect(created.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
      expect(created.map((r) => r.body.data.memberNumber).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6].map((i) => last + i));
    });

    const lastNumber = async () =>
      (
        await app.strapi.db
          .query(MEMBER)
          .findOne({ select: ['memberNumber'], where: { memberNumber: { $notNull: true } }, orderBy: { memberNumber: 'desc' } })
      )?.memberNumber ?? 0;

    it('gives 20 members created at the same moment through the Document Service 20 consecutive numbers, each in its display name', async () => {
      const last = await lastNumber();
      const created = await Promise.all(
        Array.from({ length: 20 }, (_, i) => docs(MEMBER).create({ data: { firstName: `Salon${i}`, lastName: 'Associations' } }))
      );
      expect(created.map((m) => m.memberNumber).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => last + 1 + i));
      for (const [i, m] of created.entries()) expect(m.displayName).toBe(`Associations Salon${i} (n° ${m.memberNumber})`);
      // as stored, not only as answered
      const stored = await app.strapi.db.query(MEMBER).findMany({ where: { lastName: 'Associations' }, select: ['memberNumber'] });
      expect(new Set(stored.map((m: Json) => m.memberNumber)).size).toBe(20);
    });

    it('leaves no gap in the numbers after a creation refused or rolled back, even among simultaneous ones', async () => {
      const last = await lastNumber();
      await expect(docs(MEMBER).create({ data: { firstName: 'Sans nom' } })).rejects.toThrow(/Nom : ce champ est obligatoire/);
      // a creation inside a larger piece of work that fails after it (an import stopped by an error): rolled back with its number
      const failedImport = (i: number) =>
        app.strapi.db.transaction(async () => {
          await docs(MEMBER).create({ data: { firstName: `Import${i}`, lastName: 'Interrompu' } });
          throw new Error('import interrompu');
        });
      await expect(failedImport(0)).rejects.toThrow('import interrompu');
      const kept = await docs(MEMBER).create({ data: { firstName: 'Après', lastName: 'Échec' } });
      expect(kept.memberNumber).toBe(last + 1);

      // ten creations at once, every other one rolled back after taking its number
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          i % 2 ? failedImport(i) : docs(MEMBER).create({ data: { firstName: `Ensemble${i}`, lastName: 'Concurrent' } })
        )
      );
      expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, (_, i) => (i % 2 ? 'rejected' : 'fulfilled')));
      const numbers = results
        .filter((r): r is PromiseFulfilledResult<{ memberNumber: number }> => r.status === 'fulfilled')
        .map((r) => r.value.memberNumber);
      expect(numbers.sort((a, b) => a - b)).toEqual([last + 2, last + 3, last + 4, last + 5, last + 6]);
      expect(await app.strapi.db.query(MEMBER).count({ where: { lastName: 'Interrompu' } })).toBe(0);
      expect((await docs(MEMBER).create({ data: { firstName: 'Suivant', lastName: 'Échec' } })).memberNumber).toBe(last + 7);
    });

    it('refuses a missing last name with a French message naming the field (admin, API, service)', async () => {
      const before = await count(MEMBER);
      await expectRefused(
        await app.admin('post', cm(MEMBER)).send({ firstName: 'Sans' }),
        'lastName',
        /^Nom : ce champ est obligatoire/,
        MEMBER,
        before
      );
      await expectRefused(
        await api('post', '/api/members').send({ data: { firstName: 'Sans', lastName: '  ' } }),
        'lastName',
        /^Nom : /,
        MEMBER,
        before
      );
      await expect(docs(MEMBER).create({ data: { firstName: 'Sans' } })).rejects.toThrow(/Nom : ce champ est obligatoire/);
      expect(await count(MEMBER)).toBe(before);
    });

    it('refuses a malformed e-mail and a duplicate e-mail, but accepts several members without e-mail', async () => {
      const before = await count(MEMBER);
      await expectRefused(
        await api('post', '/api/members').send({ data: { firstName: 'X', lastName: 'Y', email: 'pas-un-email' } }),
        'email',
        /E-mail : « pas-un-email » n'est pas une adresse e-mail valide/,
        MEMBER,
        before
      );
      await docs(MEMBER).create({ data: { firstName: 'Eva', lastName: 'Roux', email: 'eva@example.org' } });
      await expectRefused(
        await app.admin('post', cm(MEMBER)).send({ firstName: 'Eve', lastName: 'Roux', email: 'EVA@example.org ' }),
        'email',
        /déjà utilisée/,
        MEMBER,
        before + 1
      );
      await docs(MEMBER).create({ data: { firstName: 'Sans', lastName: 'Mail1' } });
      await docs(MEMBER).create({ data: { firstName: 'Sans', lastName: 'Mail2', email: '' } });
      expect(await count(MEMBER)).toBe(before + 3);
    });

    it('refuses an unknown enumeration value and an impossible date', async () => {
      const before = await count(MEMBER);
      await expectRefused(
        await api('post', '/api/members').send({ data: { firstName: 'X', lastName: 'Y', gender: 'robot' } }),
        'gender',
        /Genre : valeur « robot » inconnue/,
        MEMBER,
        before
      );
      await expectRefused(
        await api('post', '/api/members').send({ data: { firstName: 'X', lastName: 'Y', birthDate: '2020-02-30' } }),
        'birthDate',
        /Date de naissance : .* n'est pas une date valide/,
        MEMBER,
        before
      );
    });

    it('ignores a hand-written duesPaidUntil and member number change', async () => {
      const m = await docs(MEMBER).create({ data: { firstName: 'Hugo', lastName: 'Main', duesPaidUntil: '2099-12-31' } });
      expect(m.duesPaidUntil).toBeNull();
      const res = await app
        .admin('put', cm(MEMBER, m.documentId))
        .send({ firstName: 'Hugo', lastName: 'Main', duesPaidUntil: '2099-12-31', memberNumber: 99999 });
      expect(res.status).toBe(200);
      const viaApi = await api('put', `/api/members/${m.documentId}`).send({ data: { duesPaidUntil: '2098-01-01', memberNumber: 88888 } });
      expect(viaApi.status).toBe(200);
      await docs(MEMBER).update({ documentId: m.documentId, data: { duesPaidUntil: '2097-01-01' } });
      const after = await docs(MEMBER).findOne({ documentId: m.documentId });
      expect(after.duesPaidUntil).toBeNull();
      expect(after.memberNumber).toBe(m.memberNumber);
    });

    it('refuses a member number already given, and an e-mail already used when changing a member', async () => {
      const a = await docs(MEMBER).create({ data: { firstName: 'Nina', lastName: 'Numéro', email: 'nina@example.org' } });
      const b = await docs(MEMBER).create({ data: { firstName: 'Omar', lastName: 'Numéro' } });
      const before = await count(MEMBER);
      await expectRefused(
        await api('post', '/api/members').send({ data: { firstName: 'X', lastName: 'Y', memberNumber: a.memberNumber } }),
        'memberNumber',
        new RegExp(`N° d.adhérent : la valeur « ${a.memberNumber} » est déjà utilisée`),
        MEMBER,
        before
      );
      const res = await app.admin('put', cm(MEMBER, b.documentId)).send({ email: 'Nina@Example.org' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^E-mail : la valeur « nina@example.org » est déjà utilisée/);
      expect((await docs(MEMBER).findOne({ documentId: b.documentId })).email).toBeNull();
      // a member may keep its own e-mail when saved again
      expect((await app.admin('put', cm(MEMBER, a.documentId)).send({ email: 'nina@example.org', city: 'Lyon' })).status).toBe(200);
    });

    it('gives a duplicated member (admin "Dupliquer") a new number, none of the original\'s contributions, and checks it like a new member', async () => {
      const original = await docs(MEMBER).create({ data: { firstName: 'Rose', lastName: 'Original', email: 'rose@example.org' } });
      const c = await docs(CONTRIBUTION).create({
        data: { member: original.documentId, amount: 20, paidAt: '2026-01-05', periodEnd: '2026-12-31', paymentMethod: 'cash' },
      });
      const clone = (body: Json) =>
        app.admin('post', `/content-manager/collection-types/${MEMBER}/clone/${original.documentId}`).send(body);
      const before = await count(MEMBER);
      await expectRefused(
        await clone({ firstName: 'Rosa', lastName: 'Copie', email: 'pas-un-email' }),
        'email',
        /^E-mail : « pas-un-email » n'est pas une adresse e-mail valide/,
        MEMBER,
        before
      );
      await expectRefused(
        await clone({ firstName: 'Rosa', lastName: 'Copie' }),
        'email',
        /^E-mail : la valeur « rose@example.org » est déjà utilisée/,
        MEMBER,
        before
      );
      await expectRefused(await clone({ lastName: '' }), 'lastName', /^Nom : ce champ est obligatoire/, MEMBER, before);

      const res = await clone({
        firstName: 'Rosa',
        lastName: 'Copie',
        email: 'rosa@example.org',
        memberNumber: original.memberNumber,
        duesPaidUntil: '2099-01-01',
      });
      expect(res.status).toBe(200);
      const copy = await docs(MEMBER).findOne({ documentId: res.body.data.documentId, populate: ['contributions'] });
      expect(copy.memberNumber).toBeGreaterThan(original.memberNumber);
      expect(copy.contributions).toEqual([]);
      expect(copy.duesPaidUntil).toBeNull();
      const kept = await docs(MEMBER).findOne({ documentId: original.documentId, populate: ['contributions'] });
      expect(kept.contributions.map((x: Json) => x.documentId)).toEqual([c.documentId]);
      expect(kept.duesPaidUntil).toBe('2026-12-31');
    });
  });

  describe('contributions and duesPaidUntil', () => {
    let typeYear: Saved;
    let typeMonths: Saved;
    beforeAll(async () => {
      typeYear = await docs('api::membership-type.membership-type').create({ data: { name: 'Annuelle (exercice)', amount: 20 } });
      typeMonths = await docs('api::membership-type.membership-type').create({
        data: { name: 'Six mois', amount: 12.5, durationMonths: 6 },
      });
    });
    const paidUntil = async (documentId: string) => (await docs(MEMBER).findOne({ documentId })).duesPaidUntil;

    it('computes the period end from the membership type, and follows the latest period', async () => {
      const m = await docs(MEMBER).create({ data: { firstName: 'Inès', lastName: 'Cotis' } });
      const c1 = await docs(CONTRIBUTION).create({
        data: { member: m.documentId, membershipType: typeMonths.documentId, amount: 12.5, paidAt: '2026-03-15', paymentMethod: 'cash' },
      });
      expect(c1.periodStart).toBe('2026-03-15');
      expect(c1.periodEnd).toBe('2026-09-14');
      expect(await paidUntil(m.documentId)).toBe('2026-09-14');
      const c2 = await app.admin('post', cm(CONTRIBUTION)).send({
        member: { connect: [{ documentId: m.documentId }] },
        membershipType: { connect: [{ documentId: typeYear.documentId }] },
        amount: 20,
        paidAt: '2026-10-01',
        paymentMethod: 'cheque',
      });
      expect(c2.status).toBe(201);
      expect(c2.body.data.periodEnd).toBe('2026-12-31');
      expect(await paidUntil(m.documentId)).toBe('2026-12-31');
    });

    it('stays right when a contribution is changed, moved to another member, or deleted', async () => {
      const a = await docs(MEMBER).create({ data: { firstName: 'Anne', lastName: 'Avant' } });
      const b = await docs(MEMBER).create({ data: { firstName: 'Benoît', lastName: 'Après' } });
      const old = await docs(CONTRIBUTION).create({
        data: {
          member: a.documentId,
          amount: 20,
          paidAt: '2025-01-10',
          periodStart: '2025-01-10',
          periodEnd: '2025-12-31',
          paymentMethod: 'cash',
        },
      });
      const recent = await docs(CONTRIBUTION).create({
        data: {
          member: a.documentId,
          amount: 20,
          paidAt: '2026-01-10',
          periodStart: '2026-01-10',
          periodEnd: '2026-12-31',
          paymentMethod: 'transfer',
        },
      });
      expect(await paidUntil(a.documentId)).toBe('2026-12-31');

      // date changed (content API)
      const upd = await api('put', `/api/contributions/${recent.documentId}`).send({ data: { periodEnd: '2027-01-31' } });
      expect(upd.status).toBe(200);
      expect(await paidUntil(a.documentId)).toBe('2027-01-31');

      // moved to another member (admin): both members are right
      const moved = await app
        .admin('put', cm(CONTRIBUTION, recent.documentId))
        .send({ member: { connect: [{ documentId: b.documentId }], disconnect: [{ documentId: a.documentId }] } });
      expect(moved.status).toBe(200);
      expect(await paidUntil(a.documentId)).toBe('2025-12-31');
      expect(await paidUntil(b.documentId)).toBe('2027-01-31');

      // deleted
      await docs(CONTRIBUTION).delete({ documentId: old.documentId });
      expect(await paidUntil(a.documentId)).toBeNull();
      const del = await app.admin('delete', cm(CONTRIBUTION, recent.documentId));
      expect(del.status).toBe(200);
      expect(await paidUntil(b.documentId)).toBeNull();
    });

    it('stays right when a contribution is moved from the member side, through the content API, or deleted in bulk', async () => {
      const a = await docs(MEMBER).create({ data: { firstName: 'Agathe', lastName: 'Source' } });
      const b = await docs(MEMBER).create({ data: { firstName: 'Bastien', lastName: 'Cible' } });
      const c2025 = await docs(CONTRIBUTION).create({
        data: { member: a.documentId, amount: 20, paidAt: '2025-01-10', periodEnd: '2025-12-31', paymentMethod: 'cash' },
      });
      const c2026 = await docs(CONTRIBUTION).create({
        data: { member: a.documentId, amount: 20, paidAt: '2026-01-10', periodEnd: '2026-12-31', paymentMethod: 'cash' },
      });
      const c2027 = await docs(CONTRIBUTION).create({
        data: {
          member: a.documentId,
          amount: 20,
          paidAt: '2026-11-10',
          periodStart: '2027-01-01',
          periodEnd: '2027-12-31',
          paymentMethod: 'card',
        },
      });
      expect(await paidUntil(a.documentId)).toBe('2027-12-31');

      // the member B takes the 2027 contribution from A (admin, member form: relation "Cotisations")
      const taken = await app
        .admin('put', cm(MEMBER, b.documentId))
        .send({ contributions: { connect: [{ documentId: c2027.documentId }] } });
      expect(taken.status).toBe(200);
      expect(await paidUntil(a.documentId)).toBe('2026-12-31');
      expect(await paidUntil(b.documentId)).toBe('2027-12-31');

      // the content API moves the 2026 one with the short form (a documentId)
      const moved = await api('put', `/api/contributions/${c2026.documentId}`).send({ data: { member: b.documentId } });
      expect(moved.status).toBe(200);
      expect(await paidUntil(a.documentId)).toBe('2025-12-31');

      // the amount changes: the period, hence duesPaidUntil, does not
      expect((await api('put', `/api/contributions/${c2025.documentId}`).send({ data: { amount: 25 } })).status).toBe(200);
      expect(await paidUntil(a.documentId)).toBe('2025-12-31');

      // the admin's bulk delete of B's two contributions
      const bulk = await app
        .admin('post', `/content-manager/collection-types/${CONTRIBUTION}/actions/bulkDelete`)
        .send({ documentIds: [c2026.documentId, c2027.documentId] });
      expect(bulk.status).toBe(200);
      expect(await paidUntil(b.documentId)).toBeNull();
      expect(await paidUntil(a.documentId)).toBe('2025-12-31');
    });

    it('refuses to leave a contribution, a participation or a donation without its member, mission or donor from the other side', async () => {
      const m = await docs(MEMBER).create({ data: { firstName: 'Emma', lastName: 'Liste' } });
      const c = await docs(CONTRIBUTION).create({
        data: { member: m.documentId, amount: 20, paidAt: '2026-02-01', periodEnd: '2026-12-31', paymentMethod: 'cash' },
      });
      const removed = await app
        .admin('put', cm(MEMBER, m.documentId))
        .send({ contributions: { connect: [], disconnect: [{ documentId: c.documentId }] } });
      expect(removed.status).toBe(400);
      expect(removed.body.error.message).toMatch(/^Cotisations : retirer un élément de cette liste le laisserait sans « Adhérent »/);
      expect(JSON.stringify(removed.body.error.details)).toContain('contributions');
      expect((await api('put', `/api/members/${m.documentId}`).send({ data: { contributions: [] } })).status).toBe(400);
      expect(
        (await app.admin('put', cm(MEMBER, m.documentId)).send({ city: 'Lyon', contributions: { connect: [], disconnect: [] } })).status
      ).toBe(200);
      const kept = await docs(CONTRIBUTION).findOne({ documentId: c.documentId, populate: ['member'] });
      expect(kept.member.documentId).toBe(m.documentId);
      expect(await paidUntil(m.documentId)).toBe('2026-12-31');

      const mission = await docs('api::mission.mission').create({ data: { title: 'Permanence', startAt: '2026-04-01T08:00:00.000Z' } });
      const p = await docs('api::participation.participation').create({ data: { mission: mission.documentId, member: m.documentId } });
      const res = await app
        .admin('put', cm('api::mission.mission', mission.documentId))
        .send({ participations: { disconnect: [{ documentId: p.documentId }] } });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/« Mission »/);
      const donor = await docs('api::donor.donor').create({ data: { kind: 'individual', lastName: 'Fidèle' } });
      const d = await docs('api::donation.donation').create({ data: { donor: donor.documentId, amount: 30, receivedAt: '2026-03-01' } });
      await expect(docs('api::donor.donor').update({ documentId: donor.documentId, data: { donations: { set: [] } } })).rejects.toThrow(
        /« Donateur »/
      );
      expect((await docs('api::donation.donation').findOne({ documentId: d.documentId, populate: ['donor'] })).donor.documentId).toBe(
        donor.documentId
      );
    });

    it('treats a duplicated contribution as a new one: checked, and counted for its member', async () => {
      const a = await docs(MEMBER).create({ data: { firstName: 'Claire', lastName: 'Double' } });
      const b = await docs(MEMBER).create({ data: { firstName: 'Denis', lastName: 'Double' } });
      const c = await docs(CONTRIBUTION).create({
        data: {
          member: a.documentId,
          amount: 20,
          paidAt: '2026-01-05',
          periodEnd: '2026-06-30',
          paymentMethod: 'cash',
          reference: 'CHQ-77',
        },
      });
      const clone = (body: Json) => app.admin('post', `/content-manager/collection-types/${CONTRIBUTION}/clone/${c.documentId}`).send(body);
      const before = await count(CONTRIBUTION);
      await expectRefused(
        await clone({ amount: -3, reference: 'CHQ-78' }),
        'amount',
        /^Montant \(€\) : doit être supérieur ou égal à 0/,
        CONTRIBUTION,
        before
      );
      await expectRefused(
        await clone({ amount: 20 }),
        'reference',
        /^Référence : la valeur « CHQ-77 » est déjà utilisée/,
        CONTRIBUTION,
        before
      );
      await expectRefused(
        await clone({ reference: 'CHQ-79', periodStart: '2026-07-01' }),
        'periodEnd',
        /^Fin de période : /,
        CONTRIBUTION,
        before
      );
      expect(await paidUntil(b.documentId)).toBeNull();

      const res = await clone({
        reference: 'CHQ-80',
        member: { connect: [{ documentId: b.documentId }] },
        periodStart: '2026-07-01',
        periodEnd: '2026-12-31',
      });
      expect(res.status).toBe(200);
      expect(await paidUntil(b.documentId)).toBe('2026-12-31');
      expect(await paidUntil(a.documentId)).toBe('2026-06-30');
      expect(await count(CONTRIBUTION)).toBe(before + 1);
    });

    it('refuses a contribution without member, with a negative amount, or ending before it starts', async () => {
      const m = await docs(MEMBER).create({ data: { firstName: 'Léo', lastName: 'Règles' } });
      const before = await count(CONTRIBUTION);
      await expectRefused(
        await api('post', '/api/contributions').send({ data: { amount: 10, paidAt: '2026-01-01', paymentMethod: 'cash' } }),
        'member',
        /^Adhérent : ce champ est obligatoire/,
        CONTRIBUTION,
        before
      );
      await expectRefused(
        await api('post', '/api/contributions').send({
          data: { member: m.documentId, amount: -5, paidAt: '2026-01-01', paymentMethod: 'cash' },
        }),
        'amount',
        /^Montant \(€\) : doit être supérieur ou égal à 0/,
        CONTRIBUTION,
        before
      );
      await expectRefused(
        await app.admin('post', cm(CONTRIBUTION)).send({
          member: { connect: [{ documentId: m.documentId }] },
          amount: 10,
          paidAt: '2026-01-01',
          periodStart: '2026-06-01',
          periodEnd: '2026-05-31',
          paymentMethod: 'cash',
        }),
        'periodEnd',
        /^Fin de période : /,
        CONTRIBUTION,
        before
      );
      await expectRefused(
        await api('post', '/api/contributions').send({
          data: { member: m.documentId, amount: 10, paidAt: '2026-01-01', paymentMethod: 'bitcoin' },
        }),
        'paymentMethod',
        /^Moyen de paiement : valeur « bitcoin » inconnue.*cash \(Espèces\)/,
        CONTRIBUTION,
        before
      );
      expect(await paidUntil(m.documentId)).toBeNull();
      // a donation's nature « cash » is money, not notes and coins: the message names it as the exports do
      const donor = await docs('api::donor.donor').create({ data: { kind: 'individual', lastName: 'Dupré' } });
      const wrong = await api('post', '/api/donations').send({
        data: { donor: donor.documentId, amount: 10, receivedAt: '2026-01-02', method: 'cash', nature: 'or' },
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.message).toMatch(/^Nature : valeur « or » inconnue ; valeurs possibles : cash \(Numéraire\)/);
    });

    it('refuses a duplicate payment reference', async () => {
      const m = await docs(MEMBER).create({ data: { firstName: 'Réf', lastName: 'Unique' } });
      await docs(CONTRIBUTION).create({
        data: { member: m.documentId, amount: 10, paidAt: '2026-02-01', paymentMethod: 'helloasso', reference: 'HA-1234' },
      });
      const before = await count(CONTRIBUTION);
      await expectRefused(
        await api('post', '/api/contributions').send({
          data: { member: m.documentId, amount: 10, paidAt: '2026-02-02', paymentMethod: 'helloasso', reference: 'HA-1234' },
        }),
        'reference',
        /Référence : la valeur « HA-1234 » est déjà utilisée/,
        CONTRIBUTION,
        before
      );
    });
  });

  describe('missions, participations, donations, donors, subsidies', () => {
    it('refuses a mission that ends before it starts, in the admin and through the service', async () => {
      const before = await count('api::mission.mission');
      await expectRefused(
        await app.admin('post', cm('api::mission.mission')).send({
          title: 'Maraude',
          kind: 'mission',
          status: 'planned',
          startAt: '2026-05-10T10:00:00.000Z',
          endAt: '2026-05-10T09:00:00.000Z',
        }),
        'endAt',
        /^Fin : /,
        'api::mission.mission',
        before
      );
      await expect(
        docs('api::mission.mission').create({
          data: { title: 'Maraude', startAt: '2026-05-10T10:00:00.000Z', endAt: '2026-05-09T10:00:00.000Z' },
        })
      ).rejects.toThrow(/Fin : la fin doit être postérieure/);
      const ok = await docs('api::mission.mission').create({
        data: { title: 'Fête de l’été', startAt: '2026-06-21T14:00:00.000Z', endAt: '2026-06-21T23:00:00.000Z' },
      });
      expect(ok.slug).toBe('fete-de-l-ete');
    });

    it('allows one participation per member per mission', async () => {
      const m = await docs(MEMBER).create({ data: { firstName: 'Paul', lastName: 'Part' } });
      const mission = await docs('api::mission.mission').create({ data: { title: 'Collecte', startAt: '2026-07-01T08:00:00.000Z' } });
      await docs('api::participation.participation').create({ data: { member: m.documentId, mission: mission.documentId } });
      const before = await count('api::participation.participation');
      await expectRefused(
        await app.admin('post', cm('api::participation.participation')).send({
          member: { connect: [{ documentId: m.documentId }] },
          mission: { connect: [{ documentId: mission.documentId }] },
          status: 'confirmed',
          source: 'backoffice',
        }),
        'member',
        /déjà inscrit à cette mission/,
        'api::participation.participation',
        before
      );
      await expectRefused(
        await api('post', '/api/participations').send({ data: { firstName: 'Sans', lastName: 'Mission' } }),
        'mission',
        /^Mission : ce champ est obligatoire/,
        'api::participation.participation',
        before
      );
    });

    it('refuses a donation of 0 € or without donor, and a company donor without company name', async () => {
      const donor = await docs('api::donor.donor').create({ data: { kind: 'individual', lastName: 'Généreux' } });
      const before = await count('api::donation.donation');
      await expectRefused(
        await api('post', '/api/donations').send({ data: { donor: donor.documentId, amount: 0, receivedAt: '2026-03-01' } }),
        'amount',
        /^Montant \(€\) : doit être supérieur à 0/,
        'api::donation.donation',
        before
      );
      await expectRefused(
        await api('post', '/api/donations').send({ data: { amount: 50, receivedAt: '2026-03-01' } }),
        'donor',
        /^Donateur : ce champ est obligatoire/,
        'api::donation.donation',
        before
      );
      await expectRefused(
        await api('post', '/api/donations').send({ data: { donor: donor.documentId, amount: 10.555, receivedAt: '2026-03-01' } }),
        'amount',
        /centimes/,
        'api::donation.donation',
        before
      );
      const donors = await count('api::donor.donor');
      await expectRefused(
        await api('post', '/api/donors').send({ data: { kind: 'company' } }),
        'companyName',
        /^Raison sociale : obligatoire pour une entreprise/,
        'api::donor.donor',
        donors
      );
    });

    it('refuses a duplicate value of every unique field: donation reference, article slug, names of types, poles and skills', async () => {
      const donor = await docs('api::donor.donor').create({ data: { kind: 'company', companyName: 'Boulangerie Dupain' } });
      await docs('api::donation.donation').create({
        data: { donor: donor.documentId, amount: 100, receivedAt: '2026-03-01', reference: 'VIR-2026-001' },
      });
      await expectRefused(
        await api('post', '/api/donations').send({
          data: { donor: donor.documentId, amount: 50, receivedAt: '2026-03-02', reference: 'VIR-2026-001' },
        }),
        'reference',
        /^Référence : la valeur « VIR-2026-001 » est déjà utilisée/,
        'api::donation.donation',
        await count('api::donation.donation')
      );

      const ARTICLE = 'api::article.article';
      const first = await app.admin('post', cm(ARTICLE)).send({ title: 'Assemblée générale', slug: 'assemblee-generale' });
      expect(first.status).toBe(201);
      // published: the draft and the published rows share the slug, and saving the article again is fine
      expect(
        (
          await app
            .admin('post', `${cm(ARTICLE, first.body.data.documentId)}/actions/publish`)
            .send({ title: 'Assemblée générale', slug: 'assemblee-generale' })
        ).status
      ).toBe(200);
      expect(
        (
          await app
            .admin('put', cm(ARTICLE, first.body.data.documentId))
            .send({ title: 'Assemblée générale 2026', slug: 'assemblee-generale' })
        ).status
      ).toBe(200);
      await expectRefused(
        await app.admin('post', cm(ARTICLE)).send({ title: 'Autre AG', slug: 'assemblee-generale' }),
        'slug',
        /la valeur « assemblee-generale » est déjà utilisée/,
        ARTICLE,
        await count(ARTICLE)
      );
      // without a slug, a free one is made from the title
      const second = await docs(ARTICLE).create({ data: { title: 'Assemblée générale' } });
      expect(second.slug).toBe('assemblee-generale-2');

      for (const [uid, url, data] of [
        ['api::membership-type.membership-type', '/api/membership-types', { name: 'Tarif réduit', amount: 5 }],
        ['api::pole.pole', '/api/poles', { name: 'Solidarité' }],
        ['api::skill.skill', '/api/skills', { name: 'Premiers secours' }],
      ] as const) {
        expect((await api('post', url).send({ data })).status).toBe(201);
        await expectRefused(
          await api('post', url).send({ data: { ...data, name: ` ${data.name} ` } }),
          'name',
          new RegExp(`la valeur « ${data.name} » est déjà utilisée`),
          uid,
          await count(uid)
        );
      }
    });

    it('refuses a subsidy without funder', async () => {
      const before = await count('api::subsidy.subsidy');
      await expectRefused(
        await app.admin('post', cm('api::subsidy.subsidy')).send({ title: 'FDVA 2026', status: 'draft' }),
        'funder',
        /^Financeur : ce champ est obligatoire/,
        'api::subsidy.subsidy',
        before
      );
    });

    it('refuses to delete a member, mission, donor or funder that still has contributions, participations, donations or subsidies, on every path', async () => {
      const link = (documentId: string) => ({ connect: [{ documentId }] });
      const member = await docs(MEMBER).create({ data: { firstName: 'Irène', lastName: 'Attachée' } });
      await docs(CONTRIBUTION).create({
        data: { member: link(member.documentId), amount: 20, paidAt: '2026-03-01', paymentMethod: 'cash' },
      });
      const mission = await docs('api::mission.mission').create({
        data: { title: 'Collecte alimentaire', startAt: '2026-10-03T08:00:00.000Z' },
      });
      await docs('api::participation.participation').create({
        data: { mission: link(mission.documentId), member: link(member.documentId), status: 'confirmed' },
      });
      const donor = await docs('api::donor.donor').create({ data: { kind: 'individual', lastName: 'Généreux' } });
      await docs('api::donation.donation').create({
        data: { donor: link(donor.documentId), amount: 100, receivedAt: '2026-04-02', method: 'cheque', nature: 'cash' },
      });
      const funder = await docs('api::partner.partner').create({ data: { name: 'Mairie de Lyon', kind: 'public_body' } });
      await docs('api::subsidy.subsidy').create({
        data: { funder: link(funder.documentId), title: 'Fonctionnement 2026', status: 'draft' },
      });

      const cases = [
        [
          MEMBER,
          member.documentId,
          'contributions',
          /^Cotisations : suppression impossible : 1 élément de la liste « cotisations » y est rattaché/,
        ],
        ['api::mission.mission', mission.documentId, 'participations', /suppression impossible .*passez la mission en « Annulée »/],
        ['api::donor.donor', donor.documentId, 'donations', /suppression impossible/],
        ['api::partner.partner', funder.documentId, 'subsidies', /suppression impossible/],
      ] as const;
      for (const [uid, documentId, field, message] of cases) {
        const before = await count(uid);
        // the admin's delete button, its bulk delete, and the Document Service
        await expectRefused(await app.admin('delete', cm(uid, documentId)), field, message, uid, before);
        const bulk = await app
          .admin('post', `/content-manager/collection-types/${uid}/actions/bulkDelete`)
          .send({ documentIds: [documentId] });
        expect(bulk.status).toBe(400);
        await expect(docs(uid).delete({ documentId })).rejects.toThrow(message);
        expect(await count(uid)).toBe(before);
      }
      // the dues, the participation and the money are all still there
      expect((await docs(MEMBER).findOne({ documentId: member.documentId }))?.duesPaidUntil).toBe('2026-12-31');
      expect(await app.strapi.db.query('api::donation.donation').count({ where: { donor: { documentId: donor.documentId } } })).toBe(1);

      // once its contributions are gone (entered by mistake), the member can be deleted
      const lone = await docs(MEMBER).create({ data: { firstName: 'Sans', lastName: 'Cotisation' } });
      await app.admin('delete', cm(MEMBER, lone.documentId)).expect(200);
      expect(await docs(MEMBER).findOne({ documentId: lone.documentId })).toBeNull();
    });
  });
});

describe(`admin content manager and business "status" fields (${DB_CLIENT})`, () => {
  it('shows every content type and every field with a French name, and duesPaidUntil read-only', async () => {
    // the whole data model (Strapi's own createdBy/updatedBy are labelled by Strapi)
    const names =
      'member membership-type contribution mission participation partner subsidy donor donation article newsletter subscriber document pole skill association availability-slot newsletter-delivery dues-reminder';
    const missing: string[] = [];
    for (const uid of names.split(' ').map((n) => `api::${n}.${n}`)) {
      const model = app.strapi.getModel(uid);
      expect(model.info.displayName).not.toMatch(/^[a-z-]+$/);
      const res = await app.admin('get', `/content-manager/content-types/${uid}/configuration`);
      expect(res.status).toBe(200);
      for (const field of Object.keys(model.attributes).filter((f) => !['createdBy', 'updatedBy'].includes(f))) {
        const meta = res.body.data.contentType.metadatas[field];
        if (meta?.edit && meta.edit.label === field) missing.push(`${uid}.${field}`);
      }
    }
    expect(missing).toEqual([]);
    const member = await app.admin('get', '/content-manager/content-types/api::member.member/configuration');
    expect(member.body.data.contentType.metadatas.duesPaidUntil.edit).toMatchObject({
      label: 'Cotisation payée jusqu\u2019au',
      editable: false,
    });
  });

  it('lists members by last name and shows them by display name in relations, as long as the bureau has not chosen otherwise', async () => {
    const url = '/content-manager/content-types/api::member.member/configuration';
    const config = (await app.admin('get', url)).body.data.contentType;
    expect(config.settings).toMatchObject({ mainField: 'displayName', defaultSortBy: 'lastName', defaultSortOrder: 'ASC' });
    const contributions = (await app.admin('get', '/content-manager/content-types/api::contribution.contribution/configuration')).body.data
      .contentType;
    expect(contributions.settings).toMatchObject({ mainField: 'displayName', defaultSortBy: 'paidAt', defaultSortOrder: 'DESC' });
    // a choice made in the admin survives the next start
    const cts = app.strapi.plugin('content-manager').service('content-types');
    const contentType = cts.findContentType('api::member.member');
    const { uid: _uid, ...saved } = await cts.findConfiguration(contentType);
    await cts.updateConfiguration(contentType, { ...saved, settings: { ...saved.settings, defaultSortBy: 'city' } });
    const { applyContentManagerSettings } = require(`${process.env.TEST_DIST_DIR}/src/back-office/settings`);
    await applyContentManagerSettings(app.strapi);
    expect((await app.admin('get', url)).body.data.contentType.settings.defaultSortBy).toBe('city');
  });

  it('creates, shows and updates a participation status from the admin', async () => {
    const mission = await app.strapi
      .documents('api::mission.mission')
      .create({ data: { title: 'Braderie', startAt: '2026-09-05T07:00:00.000Z' } });
    const created = await app.admin('post', cm('api::participation.participation')).send({
      mission: { connect: [{ documentId: mission.documentId }] },
      lastName: 'Public',
      email: 'p@example.org',
      status: 'waitlisted',
      source: 'backoffice',
    });
    expect(created.status).toBe(201);
    expect(created.body.data.status).toBe('waitlisted');
    const id = created.body.data.documentId;
    const upd = await app.admin('put', cm('api::participation.participation', id)).send({ status: 'attended', hours: 3.5 });
    expect(upd.status).toBe(200);
    const shown = await app.admin('get', cm('api::participation.participation', id));
    expect(shown.body.data.status).toBe('attended');
    const stored = await app.strapi.documents('api::participation.participation').findOne({ documentId: id });
    expect(stored.status).toBe('attended');
    const list = await app.admin('get', `${cm('api::participation.participation')}?page=1&pageSize=10`);
    expect(list.body.results.find((r: Json) => r.documentId === id).status).toBe('attended');
    const bad = await app.admin('put', cm('api::participation.participation', id)).send({ status: 'perdu' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^Statut : valeur « perdu » inconnue/);
  });
});
