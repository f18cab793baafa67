import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { periodEndFor } from '../../src/back-office/dues/period';
import type { Json, Saved } from '../helpers/types';

/**
 * The new records of an import are written together (many at once, not one by one), and still
 * through the same rules as any other write: member numbers in order after the existing ones,
 * display names, contribution defaults from the membership type, duesPaidUntil; all or nothing;
 * undone; a second import of the same file creates nothing.
 */
const MEMBER = 'api::member.member';
const CONTRIBUTION = 'api::contribution.contribution';
const BATCH = 'api::import-batch.import-batch';

describe(`imports, new records written together (${DB_CLIENT})`, () => {
  let app: TestApp;
  const count = (uid: string, where: Json = {}) => app.strapi.db.query(uid).count({ where });
  const member = (where: Json) => app.strapi.db.query(MEMBER).findOne({ where });
  const day = (v: unknown) => (v ? (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10) : null);

  const upload = (kind: string, name: string, text: string) =>
    app.admin('post', '/back-office/imports').field('kind', kind).attach('file', Buffer.from(text), { filename: name });
  const commit = (id: string, body: Record<string, unknown> = {}) => app.admin('post', `/back-office/imports/${id}/commit`).send(body);
  const undo = (id: string) => app.admin('post', `/back-office/imports/${id}/undo`).send({});

  beforeAll(async () => {
    app = await startStrapi();
    await app.strapi.documents('api::association.association').create({ data: { name: 'Association test' } });
    await app.strapi.documents('api::membership-type.membership-type').create({
      data: { name: 'Cotisation annuelle', amount: 30, durationMonths: 12 },
    });
    // two members typed by hand first: the import's numbers follow theirs
    await app.strapi.documents(MEMBER).create({ data: { lastName: 'Avant', firstName: 'Anne' } });
    await app.strapi.documents(MEMBER).create({ data: { lastName: 'Avant', firstName: 'Bruno' } });
  }, 300_000);
  afterAll(() => app?.stop());

  const MEMBERS = [
    'Nom;Prénom;Courriel;Ville',
    'Blanc;Alice;alice.blanc@example.org;Lyon',
    'Brun;Benoît;;Vienne',
    'Carré;Chloé;CHLOE.CARRE@example.org;',
    'Durand;Denis;denis.durand@example.org;Lyon',
    'Éluard;Élise;;Givors',
  ].join('\n');

  let membersImport: string;
  it('member numbers: gap-free, in the order of the file, after the existing ones; display names and defaults as for one member', async () => {
    const res = await upload('members', 'membres.csv', MEMBERS);
    expect(res.status).toBe(201);
    expect(res.body.preview).toMatchObject({ create: 5, errorRows: 0 });
    membersImport = res.body.id;
    expect((await commit(membersImport)).body).toEqual({ created: 5, updated: 0, unchanged: 0, skipped: 0 });

    const all = await app.strapi.db.query(MEMBER).findMany({ orderBy: { memberNumber: 'asc' } });
    expect(all.map((m: Json) => [m.memberNumber, m.lastName])).toEqual([
      [1, 'Avant'],
      [2, 'Avant'],
      [3, 'Blanc'],
      [4, 'Brun'],
      [5, 'Carré'],
      [6, 'Durand'],
      [7, 'Éluard'],
    ]);
    expect(await member({ lastName: 'Blanc' })).toMatchObject({ displayName: 'Blanc Alice (n° 3)', country: 'France', isVolunteer: false });
    // the e-mail normalised as by any write
    expect(await member({ lastName: 'Carré' })).toMatchObject({ email: 'chloe.carre@example.org' });
    // the next member typed by hand takes the next number
    const next: Saved = await app.strapi.documents(MEMBER).create({ data: { lastName: 'Après', firstName: 'Paul' } });
    expect(next.memberNumber).toBe(8);
  });

  it('importing the same file again creates nothing', async () => {
    const again = await upload('members', 'membres.csv', MEMBERS);
    expect(again.body.preview).toMatchObject({ create: 0, update: 0, unchanged: 5 });
    expect((await commit(again.body.id)).body).toEqual({ created: 0, updated: 0, unchanged: 5, skipped: 0 });
    expect(await count(MEMBER)).toBe(8);
  });

  const CONTRIBUTIONS = [
    'N° adhérent;Type;Date;Date de fin;Montant',
    '3;Cotisation annuelle;15/01/2024;31/12/2024;25,00',
    '3;Cotisation annuelle;15/01/2025;31/12/2025;25,00',
    // no end, no amount: the membership type's duration and amount, as for a contribution typed by hand
    '4;Cotisation annuelle;10/03/2025;;',
    '6;;01/02/2023;31/01/2024;12,50',
  ].join('\n');

  let contributionsImport: string;
  it('contributions: the type\u2019s defaults, and each member\u2019s duesPaidUntil from all its contributions', async () => {
    const res = await upload('contributions', 'cotisations.csv', CONTRIBUTIONS);
    expect(res.body.preview).toMatchObject({ create: 4, errorRows: 0 });
    contributionsImport = res.body.id;
    expect((await commit(contributionsImport)).body).toMatchObject({ created: 4, skipped: 0 });

    expect(day((await member({ memberNumber: 3 })).duesPaidUntil)).toBe('2025-12-31');
    expect(day((await member({ memberNumber: 4 })).duesPaidUntil)).toBe(periodEndFor('2025-03-10', 12));
    expect(day((await member({ memberNumber: 6 })).duesPaidUntil)).toBe('2024-01-31');
    expect((await member({ memberNumber: 5 })).duesPaidUntil).toBeNull();
    const brun = await app.strapi.db.query(CONTRIBUTION).findOne({ where: { member: { memberNumber: 4 } } });
    expect(brun).toMatchObject({ periodStart: '2025-03-10', periodEnd: periodEndFor('2025-03-10', 12), paymentMethod: 'cash' });
    expect(Number(brun.amount)).toBe(30);

    const again = await upload('contributions', 'cotisations.csv', CONTRIBUTIONS);
    expect(again.body.preview).toMatchObject({ create: 0, unchanged: 4 });
  });

  it('a row a rule refuses at the write (period ending before it starts): the whole file refused, nothing written', async () => {
    const text = [
      'N° adhérent;Date;Date de début;Date de fin;Montant',
      '5;01/06/2025;01/06/2025;31/05/2026;20,00',
      '7;01/06/2025;01/06/2025;31/05/2024;20,00',
    ].join('\n');
    const before = await count(CONTRIBUTION);
    const res = await upload('contributions', 'periode.csv', text);
    expect(res.body.preview).toMatchObject({ create: 2, errorRows: 0 });
    const refused = await commit(res.body.id);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(
      /^Import refusé, rien n’a été écrit : ligne 3 \(.*\) : .*fin de période doit être postérieure/
    );
    expect(await count(CONTRIBUTION)).toBe(before);
    expect((await member({ memberNumber: 5 })).duesPaidUntil).toBeNull();
    expect((await app.strapi.db.query(BATCH).findOne({ where: { documentId: res.body.id } })).state).toBe('preview');
  });

  it('a row in error in the preview: nothing written, unless the rows in error are skipped', async () => {
    const text = ['Nom;Prénom;Date de naissance', 'Fabre;Fanny;12/05/1990', 'Garnier;Gilles;31/02/1980', 'Hugo;Hélène;'].join('\n');
    const res = await upload('members', 'erreur.csv', text);
    expect(res.body.preview).toMatchObject({ create: 2, errorRows: 1 });
    expect((await commit(res.body.id)).status).toBe(400);
    expect(await count(MEMBER)).toBe(8);
    expect((await commit(res.body.id, { skipErrors: true })).body).toEqual({ created: 2, updated: 0, unchanged: 0, skipped: 1 });
    expect((await member({ lastName: 'Fabre' })).memberNumber).toBe(9);
    expect((await member({ lastName: 'Hugo' })).memberNumber).toBe(10);
    expect(await count(MEMBER, { lastName: 'Garnier' })).toBe(0);
  });

  it('undo: members who have contributions are kept, nothing undone; the contributions deleted, duesPaidUntil follows; then the members', async () => {
    const refused = await undo(membersImport);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(
      /^Annulation impossible, rien n’a été annulé : .*suppression impossible : 2 éléments de la liste « cotisations »/
    );
    expect(await count(MEMBER, { lastName: 'Blanc' })).toBe(1);

    const res = await undo(contributionsImport);
    expect(res.body).toEqual({ deleted: 4, restored: 0 });
    expect(await count(CONTRIBUTION)).toBe(0);
    // their links to the members and types went with them
    const link = app.strapi.db.metadata.get(CONTRIBUTION).attributes.member.joinTable.name;
    expect(Number((await app.strapi.db.connection(link).count({ n: '*' }))[0].n)).toBe(0);
    expect((await member({ memberNumber: 3 })).duesPaidUntil).toBeNull();
    expect((await member({ memberNumber: 6 })).duesPaidUntil).toBeNull();
    const members = await undo(membersImport);
    expect(members.body).toEqual({ deleted: 5, restored: 0 });
    expect(await count(MEMBER, { lastName: 'Blanc' })).toBe(0);
    expect(await count(MEMBER)).toBe(5);
  });
});
