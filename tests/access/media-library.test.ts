import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { loginAs, BUREAU_ROLES, RoleCode } from '../helpers/roles';
import type { Json } from '../helpers/types';

/**
 * Media library, through the routes the admin panel calls: every role reads and uploads,
 * only the communication officer and the super admin delete; and the file of a confidential
 * document stays out of the media library of the roles that may not read the document (a
 * permission condition: list, view, delete).
 */
const ROLES: RoleCode[] = [...BUREAU_ROLES, 'strapi-super-admin'];
const DELETERS: RoleCode[] = ['asso-communication', 'strapi-super-admin'];
const CONFIDENTIAL_READERS: RoleCode[] = ['asso-treasurer', 'asso-secretary', 'strapi-super-admin'];

describe(`media library rights (${DB_CLIENT})`, () => {
  let app: TestApp;
  const files = () => app.strapi.db.query('plugin::upload.file');
  const upload = (name: string, token?: string) =>
    app.admin('post', '/upload', token).attach('files', Buffer.from(`contenu de ${name}`), { filename: name, contentType: 'text/plain' });
  const uploadId = async (name: string) => {
    const res = await upload(name);
    expect(res.status).toBe(201);
    return res.body[0].id as number;
  };
  const listed = async (token: string, query = '') => {
    const res = await app.admin('get', `/upload/files?pageSize=100${query}`, token);
    expect(res.status).toBe(200);
    return res.body.results.map((f: Json) => f.id) as number[];
  };

  let secretFile: number;
  let openFile: number;

  beforeAll(async () => {
    app = await startStrapi();
    secretFile = await uploadId('pv-confidentiel.txt');
    openFile = await uploadId('compte-rendu.txt');
    await app.strapi
      .documents('api::document.document')
      .create({ data: { title: 'PV confidentiel', category: 'minutes', confidential: true, file: secretFile } });
    await app.strapi
      .documents('api::document.document')
      .create({ data: { title: 'Compte rendu', category: 'minutes', confidential: false, file: openFile } });
  }, 300_000); // a boot can be slow on a busy machine
  afterAll(() => app?.stop());

  it.each(ROLES)('%s reads and uploads; deletes only if communication or super admin', async (role) => {
    const token = await loginAs(app, role);
    const mine = await upload(`fichier-${role}.txt`, token);
    expect(mine.status).toBe(201);
    const mineId = mine.body[0].id;
    expect(await listed(token)).toEqual(expect.arrayContaining([mineId, openFile]));
    expect((await app.admin('get', `/upload/files/${openFile}`, token)).status).toBe(200);

    const victim = await uploadId(`a-supprimer-${role}.txt`);
    const removed = await app.admin('delete', `/upload/files/${victim}`, token);
    const mayDelete = DELETERS.includes(role);
    expect(removed.status).toBe(mayDelete ? 200 : 403);
    expect(await files().count({ where: { id: victim } })).toBe(mayDelete ? 0 : 1);
    // nor through the bulk action of the media library
    const bulk = await app.admin('post', '/upload/actions/bulk-delete', token).send({ fileIds: [mineId], folderIds: [] });
    expect(bulk.status).toBe(mayDelete ? 200 : 403);
    expect(await files().count({ where: { id: mineId } })).toBe(mayDelete ? 0 : 1);
  });

  it.each(ROLES)('%s sees the file of a confidential document only if it may read the document', async (role) => {
    const token = await loginAs(app, role);
    const sees = CONFIDENTIAL_READERS.includes(role);
    const ids = await listed(token);
    expect(ids).toContain(openFile);
    expect(ids.includes(secretFile)).toBe(sees);
    // searching by name does not find it either
    expect(await listed(token, '&_q=confidentiel')).toEqual(sees ? [secretFile] : []);
    const one = await app.admin('get', `/upload/files/${secretFile}`, token);
    expect(one.status).toBe(sees ? 200 : 403);
    expect(JSON.stringify(one.body)).toEqual(
      sees ? expect.stringContaining('pv-confidentiel') : expect.not.stringContaining('pv-confidentiel')
    );
    if (role === 'asso-communication') {
      // may delete files, but not one it cannot see
      expect((await app.admin('delete', `/upload/files/${secretFile}`, token)).status).toBe(403);
      expect((await app.admin('put', `/upload/files/${secretFile}`, token).send({ fileInfo: { name: 'renomme.txt' } })).status).toBe(403);
      expect(await files().findOne({ where: { id: secretFile } })).toMatchObject({ name: 'pv-confidentiel.txt' });
    }
  });

  it('a file attached to a confidential document as it is uploaded is hidden at once, and follows the document', async () => {
    const doc = await app.strapi
      .documents('api::document.document')
      .create({ data: { title: 'Bilan moral', category: 'minutes', confidential: true } });
    const row = await app.strapi.db.query('api::document.document').findOne({ where: { documentId: doc.documentId } });
    const attached = await app
      .admin('post', '/upload')
      .field('ref', 'api::document.document')
      .field('refId', String(row.id))
      .field('field', 'file')
      .attach('files', Buffer.from('bilan moral'), { filename: 'bilan-moral.txt', contentType: 'text/plain' });
    expect(attached.status).toBe(201);
    const fileId = attached.body[0].id as number;
    const communication = await loginAs(app, 'asso-communication');
    expect(await listed(communication)).not.toContain(fileId);
    expect((await app.admin('get', `/upload/files/${fileId}`, communication)).status).toBe(403);
    // the document made public: its file shows; confidential again: hidden again
    await app.strapi.documents('api::document.document').update({ documentId: doc.documentId, data: { confidential: false } });
    expect(await listed(communication)).toContain(fileId);
    await app.strapi.documents('api::document.document').update({ documentId: doc.documentId, data: { confidential: true } });
    expect(await listed(communication)).not.toContain(fileId);
    // the document removed: its file is an ordinary file of the media library
    await app.strapi.documents('api::document.document').delete({ documentId: doc.documentId });
    expect(await listed(communication)).toContain(fileId);
  });

  it('tens of thousands of tax receipts do not break the media library of the roles that may not see them', async () => {
    // 70,000 receipts' PDFs, written straight into the tables (issuing them would take hours): more
    // than either database accepts as bound values in one query
    const knex = app.strapi.db.connection;
    const join = 'files_related_mph';
    const first = (await files().count()) + 1_000_000;
    const rows = Array.from({ length: 70_000 }, (_, i) => i + first);
    const now = new Date();
    await knex.batchInsert(
      'files',
      rows.map((id) => ({
        id,
        name: `recu-${id}.pdf`,
        hash: `recu_${id}`,
        ext: '.pdf',
        mime: 'application/pdf',
        size: 1,
        url: `/uploads/recu_${id}.pdf`,
        provider: 'local',
        folder_path: '/',
        confidential: DB_CLIENT === 'postgres' ? true : 1,
        tax_receipt: DB_CLIENT === 'postgres' ? true : 1,
        created_at: DB_CLIENT === 'postgres' ? now : now.getTime(),
        updated_at: DB_CLIENT === 'postgres' ? now : now.getTime(),
      })),
      400
    );
    await knex.batchInsert(
      join,
      rows.map((id) => ({ file_id: id, related_id: id, related_type: 'api::receipt.receipt', field: 'pdf', order: 1 })),
      400
    );
    for (const role of ['asso-communication', 'asso-secretary'] as RoleCode[]) {
      const ids = await listed(await loginAs(app, role));
      expect(ids).toContain(openFile);
      expect(ids.filter((id) => id >= first)).toEqual([]);
    }
    const treasurer = await app.admin('get', '/upload/files?pageSize=10', await loginAs(app, 'asso-treasurer'));
    expect(treasurer.status).toBe(200);
    expect(treasurer.body.pagination.total).toBeGreaterThan(70_000);
  }, 120_000);
});
