import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { loginAs, RoleCode } from '../helpers/roles';
import { runImportCli } from '../../src/back-office/imports/cli';
import type { Json } from '../helpers/types';

/**
 * Imports through the admin API, as the « Importer » page calls it: files written by hand in each
 * tool's format (tests/imports/fixtures), with their traps; preview, commit, re-import, undo,
 * conflicts, rights and bad input, on a booted Strapi and a real database.
 */
const FIXTURES = path.join(__dirname, 'fixtures');
const fixture = (name: string) => path.join(FIXTURES, name);
const MEMBER = 'api::member.member';
const CONTRIBUTION = 'api::contribution.contribution';
const BATCH = 'api::import-batch.import-batch';

describe(`imports (${DB_CLIENT})`, () => {
  let app: TestApp;
  const docs = (uid: string) => app.strapi.documents(uid);
  const count = (uid: string, where: Json = {}) => app.strapi.db.query(uid).count({ where });
  const member = (where: Json) => app.strapi.db.query(MEMBER).findOne({ where });

  const upload = (
    kind: string,
    file: string | { name: string; content: Buffer },
    role: RoleCode = 'strapi-super-admin',
    extra: Record<string, string> = {}
  ) =>
    (async () => {
      const token = await loginAs(app, role);
      let req = app.admin('post', '/back-office/imports', token).field('kind', kind);
      for (const [k, v] of Object.entries(extra)) req = req.field(k, v);
      return typeof file === 'string' ? req.attach('file', fixture(file)) : req.attach('file', file.content, { filename: file.name });
    })();
  const commit = async (id: string, body: Record<string, unknown> = {}, role: RoleCode = 'strapi-super-admin') =>
    app.admin('post', `/back-office/imports/${id}/commit`, await loginAs(app, role)).send(body);
  const undo = async (id: string, role: RoleCode = 'strapi-super-admin') =>
    app.admin('post', `/back-office/imports/${id}/undo`, await loginAs(app, role)).send({});

  beforeAll(async () => {
    app = await startStrapi({ env: { IMPORT_MAX_MB: '1' } });
    if (!(await docs('api::association.association').findFirst()))
      await docs('api::association.association').create({ data: { name: 'Association test' } });
    for (const [name, amount, durationMonths] of [
      ['Cotisation annuelle', 25, 12],
      ['Cotisation de soutien', 100, 12],
      ['Tarif normal', 20, 12],
      ['Tarif réduit', 10, 12],
      ['Adhésion adulte', 25, 12],
      ['Adhésion enfant', 10, 12],
    ] as const) {
      await docs('api::membership-type.membership-type').create({ data: { name, amount, durationMonths } });
    }
  }, 300_000);
  afterAll(() => app?.stop());

  describe('bad input: a French 400 and nothing written', () => {
    const nothingWritten = async () => {
      expect(await count(MEMBER)).toBe(0);
      expect(await count(BATCH)).toBe(0);
    };

    it.each([
      ['an empty file', { name: 'vide.csv', content: Buffer.alloc(0) }, /Le fichier est vide/],
      [
        'a binary',
        { name: 'adherents.csv', content: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0]) },
        /binaire/,
      ],
      [
        'a file over IMPORT_MAX_MB',
        { name: 'gros.csv', content: Buffer.from(`Nom;Prénom\n${'Martin;Claire\n'.repeat(90_000)}`) },
        /limité à 1 Mo/,
      ],
      [
        'a file with no recognisable header',
        { name: 'sans-titres.csv', content: Buffer.from('Martin;Claire;Lyon\nDurand;Paul;Paris\n') },
        /aucune colonne reconnue/,
      ],
      [
        'an .ods',
        {
          name: 'liste.ods',
          content: Buffer.concat([
            Buffer.from([0x50, 0x4b, 0x03, 0x04]),
            Buffer.from('\0'.repeat(26) + 'mimetypeapplication/vnd.oasis.opendocument.spreadsheet'),
          ]),
        },
        /\.ods/,
      ],
    ])('%s', async (_what, file, message) => {
      const res = await upload('members', file);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      await nothingWritten();
    });

    it('an unknown kind, or no file', async () => {
      const res = await upload('volunteers', 'galette-adherents.csv');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/Type d’import : « volunteers » inconnu/);
      const none = await app.admin('post', '/back-office/imports').field('kind', 'members');
      expect(none.status).toBe(400);
      expect(none.body.error.message).toMatch(/joignez le fichier/);
      await nothingWritten();
    });
  });

  describe('rights: secretary members; treasurer contributions, donors, donations; president all', () => {
    it.each([
      ['asso-secretary', 'members', 201],
      ['asso-secretary', 'contributions', 403],
      ['asso-secretary', 'donors', 403],
      ['asso-treasurer', 'members', 403],
      ['asso-treasurer', 'contributions', 201],
      ['asso-treasurer', 'donations', 201],
      ['asso-volunteer-manager', 'members', 403],
      ['asso-communication', 'members', 403],
      ['asso-partnerships', 'donations', 403],
    ] as Array<[RoleCode, string, number]>)('%s imports %s: %s', async (role, kind, status) => {
      const file =
        kind === 'members' ? 'galette-adherents.csv' : kind === 'contributions' ? 'galette-contributions.csv' : 'donateurs-dons.csv';
      const before = await count(BATCH);
      const res = await upload(kind, file, role);
      expect(res.status).toBe(status);
      expect(await count(BATCH)).toBe(before + (status === 201 ? 1 : 0));
      if (status === 403) expect(res.body.error.message).toMatch(/pas le droit d’importer/);
    });

    it('each role lists only the imports of its kinds, and cannot read or commit another kind\u2019s', async () => {
      const secretary = await app.admin('get', '/back-office/imports', await loginAs(app, 'asso-secretary')).expect(200);
      expect(secretary.body.kinds.map((k: Json) => k.kind)).toEqual(['members']);
      expect(new Set(secretary.body.imports.map((i: Json) => i.kind))).toEqual(new Set(['members']));
      const treasurer = await app.admin('get', '/back-office/imports', await loginAs(app, 'asso-treasurer')).expect(200);
      expect(treasurer.body.kinds.map((k: Json) => k.kind)).toEqual(['contributions', 'donors', 'donations']);
      const none = await app.admin('get', '/back-office/imports', await loginAs(app, 'asso-communication')).expect(200);
      expect(none.body).toMatchObject({ kinds: [], imports: [] });
      const members = secretary.body.imports[0].id;
      expect((await app.admin('get', `/back-office/imports/${members}`, await loginAs(app, 'asso-treasurer'))).status).toBe(403);
      expect((await commit(members, { skipErrors: true }, 'asso-treasurer')).status).toBe(403);
      expect(await count(MEMBER)).toBe(0);
      expect((await app.http().get('/back-office/imports')).status).toBe(401);
    });
  });

  describe('Galette members, then their contributions', () => {
    let id: string;

    it('recognises the Galette export and shows what each row would do, with the errors named by row and column', async () => {
      const res = await upload('members', 'galette-adherents.csv', 'asso-secretary');
      expect(res.status).toBe(201);
      id = res.body.id;
      expect(res.body.detected).toMatchObject({ source: 'galette', encoding: 'utf-8', separator: ';', sheet: null });
      const mapping = Object.fromEntries(res.body.mapping.map((m: Json) => [m.header, m.target]));
      // trailing spaces in the headers are gone
      expect(mapping).toMatchObject({
        Nom: 'lastName',
        Prénom: 'firstName',
        Courriel: 'email',
        'Numéro adhérent': 'memberNumber',
        "Date d'échéance": null,
      });
      expect(res.body.mapping.find((m: Json) => m.header === 'Nom').samples).toEqual(['DUPONT', 'MARTIN', 'LEROY']);
      expect(res.body.preview).toMatchObject({ create: 4, update: 0, unchanged: 0 });
      expect(res.body.preview.errors).toEqual([
        {
          row: 4,
          column: 'Courriel',
          message: expect.stringMatching(/^« famille\.martin@example\.org » est déjà sur la ligne 3 : .*adresse partagée/),
        },
        { row: 6, column: 'Courriel', message: expect.stringMatching(/est déjà sur la ligne 2 : même personne en double/) },
      ]);
      expect(await count(MEMBER)).toBe(0);
    });

    it('refuses the whole file while rows are in error, unless they are skipped; the skipped rows are recorded', async () => {
      const refused = await commit(id, {}, 'asso-secretary');
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/^Import refusé : 2 lignes sont en erreur \(ligne 4, colonne « Courriel »/);
      expect(await count(MEMBER)).toBe(0);

      const done = await commit(id, { skipErrors: true }, 'asso-secretary');
      expect(done.status).toBe(200);
      expect(done.body).toEqual({ created: 4, updated: 0, unchanged: 0, skipped: 2 });
      const dupont = await member({ memberNumber: 1 });
      expect(dupont).toMatchObject({
        lastName: 'DUPONT',
        firstName: 'Marie',
        email: 'marie.dupont@example.org',
        gender: 'female',
        country: 'France',
        phone: '04 78 00 00 01',
      });
      expect(dupont.address).toBe('12 rue des Lilas, Appartement 3');
      expect(await member({ memberNumber: 2 })).toMatchObject({ lastName: 'MARTIN', firstName: 'Claire', country: 'France' });
      expect(await member({ memberNumber: 4 })).toMatchObject({ lastName: 'LEROY', country: 'Belgique', postalCode: '1050', email: null });
      expect(await member({ memberNumber: 5 })).toMatchObject({ email: 'luc.bernard@example.org', gender: 'undisclosed' });
      expect(await count(MEMBER, { lastName: 'MARTIN', firstName: 'Paul' })).toBe(0);

      const list = await app.admin('get', '/back-office/imports', await loginAs(app, 'asso-secretary')).expect(200);
      const recorded = list.body.imports.find((i: Json) => i.id === id);
      expect(recorded).toMatchObject({
        state: 'committed',
        fileName: 'galette-adherents.csv',
        source: 'galette',
        counts: { created: 4, skipped: 2 },
      });
      expect(recorded.committedBy).toMatch(/asso-secretary@test\.local/);
      expect(recorded.skipped.map((s: Json) => s.row)).toEqual([4, 6]);
      expect((await commit(id, { skipErrors: true }, 'asso-secretary')).status).toBe(400);
    });

    it('opened again, the import shows its preview: counts, samples of each column, its rows page by page or by result', async () => {
      const token = await loginAs(app, 'asso-secretary');
      const open = async (query = '') => (await app.admin('get', `/back-office/imports/${id}${query}`, token).expect(200)).body;
      const whole = await open();
      expect(whole).toMatchObject({ state: 'committed', fileName: 'galette-adherents.csv', preview: { create: 4, errorRows: 2 } });
      expect(whole.preview.rowsTotal).toBe(whole.preview.create + whole.preview.update + whole.preview.errorRows);
      expect(whole.preview.rows).toHaveLength(whole.preview.rowsTotal);
      const second = (await open('?pageSize=1&page=2')).preview;
      expect(second.rows).toEqual([whole.preview.rows[1]]);
      expect(second.rowsTotal).toBe(whole.preview.rowsTotal);
      const inError = (await open('?status=error')).preview.rows;
      expect(inError.map((r: Json) => [r.row, r.status])).toEqual([
        [4, 'error'],
        [6, 'error'],
      ]);
      const lastName = whole.mapping.find((m: Json) => m.target === 'lastName');
      expect(lastName.samples).toContain('DUPONT');
      expect(lastName.samples.length).toBeLessThanOrEqual(3);
    });

    it('opened again, an import shows the samples the upload showed, for a column filled only far down too', async () => {
      const lines = ['Nom;Prénom;Ville'];
      for (let i = 1; i <= 250; i++)
        lines.push(`Clairsemé${i};Anne;${i === 230 ? 'Lyon' : i === 240 ? ' Lyon ' : i === 245 ? 'Grenoble' : ''}`);
      const uploaded = await upload('members', { name: 'clairseme.csv', content: Buffer.from(lines.join('\n')) });
      expect(uploaded.status).toBe(201);
      const opened = (
        await app.admin('get', `/back-office/imports/${uploaded.body.id}`, await loginAs(app, 'strapi-super-admin')).expect(200)
      ).body;
      expect(opened.mapping.map((m: Json) => m.samples)).toEqual(uploaded.body.mapping.map((m: Json) => m.samples));
      expect(opened.mapping.find((m: Json) => m.header === 'Ville').samples).toEqual(['Lyon', 'Grenoble']);
      expect(opened.preview.rowsTotal).toBe(uploaded.body.preview.rowsTotal);
    });

    it('the report lists every row with its result, as a CSV for spreadsheets', async () => {
      const res = await app
        .admin('get', `/back-office/imports/${id}/report`, await loginAs(app, 'asso-secretary'))
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/csv/);
      const rows = parse(res.body.toString('utf8'), { bom: true, delimiter: ';' });
      expect(rows[0]).toEqual(['Ligne', 'Résultat', 'Fiche', 'Détail']);
      expect(rows.find((r: string[]) => r[0] === '4')).toEqual([
        '4',
        'Ignorée (erreur)',
        'MARTIN Paul',
        expect.stringMatching(/colonne « Courriel »/),
      ]);
    });

    it('importing the same file again creates nothing', async () => {
      const again = await upload('members', 'galette-adherents.csv', 'asso-secretary');
      expect(again.body.preview).toMatchObject({ create: 0, update: 0, unchanged: 4 });
      const done = await commit(again.body.id, { skipErrors: true }, 'asso-secretary');
      expect(done.body).toEqual({ created: 0, updated: 0, unchanged: 4, skipped: 2 });
      expect(await count(MEMBER)).toBe(4);
    });

    it('a changed file updates, shows old → new, and is undone while untouched', async () => {
      const text = fs.readFileSync(fixture('galette-adherents.csv'), 'utf8').replace('"1050";"Bruxelles"', '"1000";"Bruxelles-Ville"');
      const res = await upload('members', { name: 'galette-modifie.csv', content: Buffer.from(text) }, 'asso-secretary');
      expect(res.body.preview).toMatchObject({ create: 0, update: 1, unchanged: 3 });
      const row = res.body.preview.rows.find((r: Json) => r.status === 'update');
      expect(row).toMatchObject({ row: 5, label: 'LEROY Jean' });
      expect(row.changes).toEqual([
        { field: 'postalCode', label: 'Code postal', from: '1050', to: '1000' },
        { field: 'city', label: 'Ville', from: 'Bruxelles', to: 'Bruxelles-Ville' },
      ]);
      expect((await commit(res.body.id, { skipErrors: true }, 'asso-secretary')).body).toMatchObject({ created: 0, updated: 1 });
      expect(await member({ memberNumber: 4 })).toMatchObject({ city: 'Bruxelles-Ville' });
      const undone = await undo(res.body.id, 'asso-secretary');
      expect(undone.status).toBe(200);
      expect(undone.body).toEqual({ deleted: 0, restored: 1 });
      expect(await member({ memberNumber: 4 })).toMatchObject({ city: 'Bruxelles', postalCode: '1050' });
      expect((await undo(res.body.id, 'asso-secretary')).body.error.message).toMatch(/déjà été annulé/);
    });

    let contributionsId: string;
    it('contributions are linked to their members by name, and the write pipeline keeps duesPaidUntil', async () => {
      const res = await upload('contributions', 'galette-contributions.csv', 'asso-treasurer');
      expect(res.status).toBe(201);
      contributionsId = res.body.id;
      expect(res.body.detected.source).toBe('galette');
      expect(res.body.preview).toMatchObject({ create: 4, update: 0, unchanged: 0 });
      expect(res.body.preview.errors).toEqual([{ row: 6, column: 'Montant', message: "« vingt » n'est pas un nombre" }]);
      const done = await commit(contributionsId, { skipErrors: true }, 'asso-treasurer');
      expect(done.body).toEqual({ created: 4, updated: 0, unchanged: 0, skipped: 1 });
      const dupont = await member({ memberNumber: 1 });
      expect(String(dupont.duesPaidUntil).slice(0, 10)).toBe('2026-09-14');
      const leroy = await app.strapi.db.query(CONTRIBUTION).findOne({ where: { member: { memberNumber: 4 } } });
      expect(Number(leroy.amount)).toBe(1234.5);
      expect(leroy.paymentMethod).toBe('transfer');
      const again = await upload('contributions', 'galette-contributions.csv', 'asso-treasurer');
      expect(again.body.preview).toMatchObject({ create: 0, update: 0, unchanged: 4 });
    });

    it('undo is refused once a record was changed since, and nothing is undone', async () => {
      const first = (await app.admin('get', '/back-office/imports', await loginAs(app, 'asso-secretary'))).body.imports.find(
        (i: Json) => i.id === id
      );
      expect(first.state).toBe('committed');
      const bernard = await member({ memberNumber: 5 });
      await docs(MEMBER).update({ documentId: bernard.documentId, data: { city: 'Lyon' } });
      const refused = await undo(id, 'asso-secretary');
      expect(refused.status).toBe(400);
      // Leroy (row 5) was changed by the later import and its undo; Bernard (row 7) by hand
      expect(refused.body.error.message).toMatch(
        /^Annulation impossible : 2 fiches ont été modifiées ou supprimées depuis l’import \(lignes 5, 7\)\. Rien n’a été annulé\./
      );
      expect(await count(MEMBER)).toBe(4);
    });

    it('undoing the contributions deletes them and duesPaidUntil follows', async () => {
      const res = await undo(contributionsId, 'asso-treasurer');
      expect(res.body).toEqual({ deleted: 4, restored: 0 });
      expect(await count(CONTRIBUTION)).toBe(0);
      expect((await member({ memberNumber: 1 })).duesPaidUntil).toBeNull();
    });
  });

  describe('Paheko, HelloAsso, Excel and LibreOffice files', () => {
    it('Paheko: « Nom & prénom » split by the rule shown; activities linked by member number', async () => {
      const res = await upload('members', 'paheko-membres.csv');
      expect(res.body.detected).toMatchObject({ source: 'paheko', separator: ',' });
      expect(res.body.notes.join(' ')).toMatch(/les mots écrits en MAJUSCULES forment le nom/);
      expect(res.body.preview).toMatchObject({ create: 3, errors: [] });
      expect((await commit(res.body.id)).body).toMatchObject({ created: 3 });
      expect(await member({ memberNumber: 101 })).toMatchObject({
        lastName: 'Durand',
        firstName: 'Sophie',
        newsletterOptIn: true,
        country: 'France',
      });
      expect(await member({ memberNumber: 102 })).toMatchObject({ lastName: 'LEFEBVRE', firstName: 'Jean-Pierre', newsletterOptIn: false });
      expect(await member({ memberNumber: 103 })).toMatchObject({ lastName: 'de La Fontaine', firstName: 'Jean' });

      const activities = await upload('contributions', 'paheko-activites.csv');
      expect(activities.body.detected.source).toBe('paheko');
      expect(activities.body.preview).toMatchObject({ create: 2 });
      expect(activities.body.preview.errors).toEqual([
        { row: 4, column: 'Numéro de membre', message: expect.stringMatching(/^aucun adhérent ne correspond à n° 999/) },
      ]);
      expect((await commit(activities.body.id, { skipErrors: true })).body).toMatchObject({ created: 2, skipped: 1 });
      expect(String((await member({ memberNumber: 101 })).duesPaidUntil).slice(0, 10)).toBe('2025-12-31');
    });

    it('HelloAsso: the member is the « adhérent », refunded orders and future birth dates are errors; contributions by order reference', async () => {
      const res = await upload('members', 'helloasso-adhesions.csv');
      expect(res.body.detected).toMatchObject({ source: 'helloasso', encoding: 'utf-8', separator: ';' });
      expect(res.body.preview).toMatchObject({ create: 2 });
      expect(res.body.preview.errors).toEqual([
        { row: 4, column: 'Statut de la commande', message: 'commande « Remboursé » : seules les commandes validées sont importées' },
        { row: 5, column: 'Date de naissance', message: "« 12/12/2031 » est dans le futur : ce n'est pas une date de naissance" },
      ]);
      await commit(res.body.id, { skipErrors: true });
      expect(await member({ lastName: 'Garcia', firstName: 'Inès' })).toMatchObject({
        email: 'ines.garcia@example.org',
        phone: '06 12 34 56 78',
        city: 'Villeurbanne',
      });
      // the child's membership was paid by his mother: her e-mail is not his
      expect(await member({ lastName: 'Garcia', firstName: 'Hugo' })).toMatchObject({ email: null });

      const dues = await upload('contributions', 'helloasso-adhesions.csv', 'asso-treasurer');
      expect(dues.body.preview).toMatchObject({ create: 2 });
      expect((await commit(dues.body.id, { skipErrors: true }, 'asso-treasurer')).body).toMatchObject({ created: 2, skipped: 2 });
      const hugo = await app.strapi.db
        .query(CONTRIBUTION)
        .findOne({ where: { reference: '12345679' }, populate: { member: true, membershipType: true } });
      expect(hugo).toMatchObject({
        paymentMethod: 'helloasso',
        member: { firstName: 'Hugo' },
        membershipType: { name: 'Adhésion enfant' },
      });
      expect(Number(hugo.amount)).toBe(10);
      expect((await upload('contributions', 'helloasso-adhesions.csv', 'asso-treasurer')).body.preview).toMatchObject({
        create: 0,
        unchanged: 2,
      });
    });

    it('a CSV saved by French Excel (Windows-1252): accents read, crosses and Oui/Non, a formula kept as text', async () => {
      const res = await upload('members', 'excel-windows-1252.csv');
      expect(res.body.detected).toMatchObject({ source: 'generic', encoding: 'windows-1252', separator: ';' });
      const ignored = res.body.mapping.filter((m: Json) => !m.target).map((m: Json) => m.header);
      expect(ignored).toEqual(['Cotisation réglée']);
      expect(res.body.preview).toMatchObject({ create: 4, errors: [] });
      await commit(res.body.id);
      expect(await member({ email: 'helene.lefevre@example.org' })).toMatchObject({
        lastName: 'Lefèvre',
        firstName: 'Hélène',
        isVolunteer: true,
        imageRights: true,
      });
      expect(await member({ lastName: 'Çelik' })).toMatchObject({ firstName: 'Zoé', isVolunteer: false, imageRights: false });
      expect(await member({ firstName: 'Formule' })).toMatchObject({ lastName: '=1+1' });
      expect(await member({ firstName: 'Œuvre' })).toMatchObject({ birthDate: '1982-03-05', isVolunteer: true });
    });

    it('an .xlsx made by a library: the sheet chosen, dates as dates, a formula in an amount is an error', async () => {
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet('Notes').addRow(['Rien à importer ici']);
      const sheet = wb.addWorksheet('Donateurs');
      sheet.addRow(['Nom', 'Prénom', 'Raison sociale', 'E-mail', 'Ville']);
      sheet.addRow(['Blanc', 'Odile', null, 'odile.blanc@example.org', 'Lyon']);
      sheet.addRow([null, null, 'Garage Central', { text: 'garage@example.org', hyperlink: 'mailto:garage@example.org' }, 'Vienne']);
      const content = Buffer.from(await wb.xlsx.writeBuffer());
      const first = await upload('donors', { name: 'donateurs.xlsx', content });
      expect(first.status).toBe(400);
      expect(first.body.error.message).toMatch(/aucune colonne reconnue/);
      const res = await upload('donors', { name: 'donateurs.xlsx', content }, 'asso-treasurer', { sheet: 'Donateurs' });
      expect(res.status).toBe(201);
      expect(res.body.detected).toMatchObject({ sheet: 'Donateurs', sheets: ['Notes', 'Donateurs'], encoding: null });
      expect(res.body.preview).toMatchObject({ create: 2, errors: [] });
      await commit(res.body.id, {}, 'asso-treasurer');
      expect(await app.strapi.db.query('api::donor.donor').findOne({ where: { companyName: 'Garage Central' } })).toMatchObject({
        kind: 'company',
        email: 'garage@example.org',
      });

      const gifts = new ExcelJS.Workbook();
      const ws = gifts.addWorksheet('Dons');
      ws.addRow(['E-mail', 'Montant', 'Date du don']);
      ws.addRow(['odile.blanc@example.org', 40, new Date(Date.UTC(2025, 4, 2))]);
      ws.addRow(['odile.blanc@example.org', { formula: 'B2*2', result: 80 }, new Date(Date.UTC(2025, 5, 2))]);
      const donations = await upload(
        'donations',
        { name: 'dons.xlsx', content: Buffer.from(await gifts.xlsx.writeBuffer()) },
        'asso-treasurer'
      );
      expect(donations.body.preview).toMatchObject({ create: 1 });
      expect(donations.body.preview.errors).toEqual([{ row: 3, column: 'Montant', message: "« =B2*2 » n'est pas un nombre" }]);
    });

    it('an .xlsx saved by LibreOffice headless', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asso-import-lo-'));
      try {
        execFileSync(
          'soffice',
          [
            `-env:UserInstallation=file://${dir}/profile`,
            '--headless',
            '--norestore',
            '--infilter=CSV:44,34,76,1',
            '--convert-to',
            'xlsx',
            '--outdir',
            dir,
            fixture('libreoffice-source.csv'),
          ],
          { stdio: 'ignore', timeout: 120_000 }
        );
        const content = fs.readFileSync(path.join(dir, 'libreoffice-source.xlsx'));
        const res = await upload('members', { name: 'liste-libreoffice.xlsx', content });
        expect(res.status).toBe(201);
        expect(res.body.detected).toMatchObject({ sheet: expect.any(String), encoding: null });
        expect(res.body.preview).toMatchObject({ create: 2, errors: [] });
        await commit(res.body.id);
        expect(await member({ email: 'aurore.petitjean@example.org' })).toMatchObject({
          lastName: 'Petitjean',
          birthDate: '1991-08-17',
          newsletterOptIn: true,
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, 180_000);
  });

  describe('mapping and conflicts', () => {
    it('the mapping can be changed; an unknown field is refused', async () => {
      const res = await upload('members', {
        name: 'liste.csv',
        content: Buffer.from('Nom;Prénom;Remarque libre\nVidal;Rose;Aime le jardinage\n'),
      });
      expect(res.body.mapping.map((m: Json) => m.target)).toEqual(['lastName', 'firstName', null]);
      const bad = await app
        .admin('put', `/back-office/imports/${res.body.id}/mapping`)
        .send({ mapping: [{ column: 2, target: 'salary' }] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/champ « salary » inconnu/);
      const ok = await app.admin('put', `/back-office/imports/${res.body.id}/mapping`).send({ mapping: { 'Remarque libre': 'notes' } });
      expect(ok.status).toBe(200);
      expect(ok.body.mapping[2].target).toBe('notes');
      expect(ok.body.preview.rows[0]).toMatchObject({ status: 'create', label: 'Vidal Rose' });
      await commit(res.body.id);
      expect(await member({ lastName: 'Vidal' })).toMatchObject({ notes: 'Aime le jardinage' });
    });

    it('a row matching two records is an error, never a guess', async () => {
      await docs(MEMBER).create({ data: { lastName: 'Roche', firstName: 'Yves' } });
      await docs(MEMBER).create({ data: { lastName: 'Roché', firstName: 'yves' } });
      const res = await upload('members', { name: 'roche.csv', content: Buffer.from('Nom;Prénom;Ville\nROCHE;Yves;Lyon\n') });
      expect(res.body.preview.errors).toEqual([
        {
          row: 2,
          column: 'Nom',
          message: expect.stringMatching(/correspond à 2 fiches .* ajoutez le n° d’adhérent, l’e-mail ou la date de naissance/),
        },
      ]);
      expect((await commit(res.body.id)).status).toBe(400);
    });

    it('a value over the field\u2019s length is an error of its row, and the whole file is refused', async () => {
      const before = await count(MEMBER);
      const long = 'x'.repeat(130);
      const res = await upload('members', {
        name: 'long.csv',
        content: Buffer.from(`Nom;Prénom;Ville\nNouveau;Un;Lyon\nNouveau;Deux;${long}\n`),
      });
      expect(res.body.preview.errors).toEqual([{ row: 3, column: 'Ville', message: expect.stringMatching(/120 caractères au maximum/) }]);
      expect((await commit(res.body.id)).status).toBe(400);
      expect(await count(MEMBER)).toBe(before);
    });
  });

  it('donors then donations from one file: donations linked by e-mail or company, re-import creates nothing', async () => {
    const donors = await upload('donors', 'donateurs-dons.csv', 'asso-treasurer');
    expect(donors.body.preview).toMatchObject({ create: 3 });
    expect(donors.body.preview.errors).toEqual([
      { row: 4, column: 'E-mail', message: 'même donateur que la ligne 2 : une seule ligne par donateur' },
    ]);
    await commit(donors.body.id, { skipErrors: true }, 'asso-treasurer');
    const gifts = await upload('donations', 'donateurs-dons.csv', 'asso-treasurer');
    expect(gifts.body.preview).toMatchObject({ create: 3 });
    expect(gifts.body.preview.errors).toEqual([{ row: 5, column: 'Montant', message: "« abc » n'est pas un nombre" }]);
    expect((await commit(gifts.body.id, { skipErrors: true }, 'asso-treasurer')).body).toMatchObject({ created: 3, skipped: 1 });
    const bakery = await app.strapi.db
      .query('api::donation.donation')
      .findOne({ where: { reference: 'DON-2025-002' }, populate: { donor: true } });
    expect(bakery).toMatchObject({ method: 'transfer', donor: { companyName: 'Boulangerie du Parc' } });
    expect((await upload('donations', 'donateurs-dons.csv', 'asso-treasurer')).body.preview).toMatchObject({ create: 0, unchanged: 3 });
  });
  it('npm run import: --dry-run shows the preview and writes nothing; then imports, recorded for the page', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asso-import-cli-'));
    const file = path.join(dir, 'benevoles.csv');
    fs.writeFileSync(file, 'Nom;Prénom;Courriel;Bénévole\nSerre;Yann;yann.serre@example.org;X\nSerre;Yann;yann.serre@example.org;X\n');
    try {
      const batches = await count(BATCH);
      const lines: string[] = [];
      expect(await runImportCli(app.strapi, ['--kind', 'members', file, '--dry-run'], (l) => lines.push(l))).toBe(1);
      expect(lines.join('\n')).toMatch(/Aperçu : 1 création\(s\), 0 mise\(s\) à jour, 0 inchangée\(s\), 1 ligne\(s\) en erreur/);
      expect(lines.join('\n')).toMatch(/ligne 3, colonne « Courriel »/);
      expect(lines.join('\n')).toMatch(/rien n’a été écrit/);
      expect(await count(MEMBER, { lastName: 'Serre' })).toBe(0);
      expect(await count(BATCH)).toBe(batches);
      const refused: string[] = [];
      expect(await runImportCli(app.strapi, ['--kind', 'members', file], (l) => refused.push(l))).toBe(1);
      expect(refused.join('\n')).toMatch(/Import refusé : 1 ligne est en erreur/);
      expect(await count(MEMBER, { lastName: 'Serre' })).toBe(0);
      expect(await runImportCli(app.strapi, ['--kind', 'members', file, '--skip-errors'], () => undefined)).toBe(0);
      expect(await member({ lastName: 'Serre' })).toMatchObject({ firstName: 'Yann', isVolunteer: true });
      const listed = (await app.admin('get', '/back-office/imports')).body.imports[0];
      expect(listed).toMatchObject({ fileName: 'benevoles.csv', state: 'committed', counts: { created: 1, skipped: 1 } });
      expect(listed.committedBy).toMatch(/^ligne de commande/);
      expect(await runImportCli(app.strapi, ['--kind', 'volunteers', file], () => undefined)).toBe(1);
      expect(await runImportCli(app.strapi, ['--kind', 'members'], () => undefined)).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
