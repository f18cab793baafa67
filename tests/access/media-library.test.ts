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
});
