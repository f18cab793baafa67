import type { Response } from 'supertest';
import crypto from 'crypto';
import fs from 'fs';
import http from 'http';
import path from 'path';
import sharp from 'sharp';
import { startStrapi, TestApp, DB_CLIENT, loginAdmin } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import type { Saved, UploadedFile } from '../helpers/types';

/**
 * The media library respects the per-file condition "files of confidential documents" on every
 * route taking file or folder ids (bulk move, bulk delete with folders, bulk update, folder move,
 * and the single-file routes), with a French 403 and nothing changed; and a confidential file is
 * never reachable by its /uploads address: its readers get a signed back-office link, bound to
 * their session and re-checked against their current rights.
 */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Title (PV secret) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const DOCUMENT = 'api::document.document';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
/** A request sent with its path exactly as written (no URL normalisation by the client). */
const raw = (app: TestApp, method: 'GET' | 'HEAD', rawPath: string, headers: Record<string, string> = {}) =>
  new Promise<RawResponse>((resolve, reject) => {
    const { port } = app.strapi.server.httpServer.address();
    const req = http.request({ host: '127.0.0.1', port, method, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });

describe(`media library and confidential files (${DB_CLIENT})`, () => {
  let app: TestApp;
  let png: Buffer;
  const files = () => app.strapi.db.query('plugin::upload.file');
  const folders = () => app.strapi.db.query('plugin::upload.folder');
  const uploadsDir = () => path.join(process.env.PUBLIC_DIR!, 'uploads');
  const upload = async (name: string, content: Buffer, folder?: number) => {
    const req = app.admin('post', '/upload').attach('files', content, { filename: name, contentType: 'application/octet-stream' });
    if (folder) req.field('fileInfo', JSON.stringify({ name, folder }));
    const res = await req;
    expect([name, res.status]).toEqual([name, 201]);
    return res.body[0];
  };
  const folder = async (name: string, parent: number | null = null) => {
    const res = await app.admin('post', '/upload/folders').send({ name, parent });
    expect(res.status).toBe(201);
    return res.body.data;
  };
  const attach = async (title: string, file: number, confidential: boolean | null) => {
    const doc = await app.strapi
      .documents(DOCUMENT)
      .create({ data: { title, category: 'minutes', confidential: confidential ?? false, file } });
    // a document saved without the flag (older rows, an import): treated as confidential
    if (confidential === null) await app.strapi.db.query(DOCUMENT).update({ where: { id: doc.id }, data: { confidential: null } });
    return doc;
  };
  const state = async (id: number) => {
    const file = await files().findOne({ where: { id }, populate: ['folder'] });
    return (
      file && {
        name: file.name,
        folder: file.folder?.id ?? null,
        folderPath: file.folderPath,
        onDisk: fs.existsSync(path.join(uploadsDir(), `${file.hash}${file.ext}`)),
      }
    );
  };
  const expectRefused = (res: Response, label: string) => {
    expect([label, res.status]).toEqual([label, 403]);
    expect(res.body.error.name).toBe('PolicyError');
    expect(res.body.error.message).toMatch(/^Médiathèque : votre rôle ne peut pas modifier/);
    expect(JSON.stringify(res.body)).not.toMatch(/pv-secret|plan-secret|sans-drapeau|\/uploads\//);
  };

  let dossiers: Saved; // folder "Bureau"
  let archives: Saved; // sub-folder "Bureau/Archives", holds a confidential file
  let secretPdf: UploadedFile;
  let secretImage: UploadedFile;
  let unflagged: UploadedFile;
  let openFile: UploadedFile;
  let openInFolder: UploadedFile;
  let secretDoc: Saved;
  let openDoc: Saved;

  beforeAll(async () => {
    app = await startStrapi();
    png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 90, g: 10, b: 10 } } })
      .png()
      .toBuffer();
    dossiers = await folder('Bureau');
    archives = await folder('Archives', dossiers.id);
    secretPdf = await upload('pv-secret.pdf', PDF, archives.id);
    secretImage = await upload('plan-secret.png', png);
    unflagged = await upload('sans-drapeau.pdf', PDF);
    openFile = await upload('compte-rendu.pdf', PDF);
    openInFolder = await upload('affiche.png', png, dossiers.id);
    secretDoc = await attach('PV du bureau', secretPdf.id, true);
    await attach('Plan de financement', secretImage.id, true);
    await attach('Ancien document', unflagged.id, null);
    openDoc = await attach('Compte rendu', openFile.id, false);
  }, 300_000);
  afterAll(() => app?.stop());

  describe('per-file conditions on the media library routes', () => {
    it('bulk move refuses any file the role may not see, directly or inside a folder, and moves nothing', async () => {
      const token = await loginAs(app, 'asso-communication');
      const before = await Promise.all([secretPdf, secretImage, unflagged, openFile, openInFolder].map((f) => state(f.id)));
      const foldersBefore = await folders().findMany({ populate: ['parent'], orderBy: { id: 'asc' } });
      for (const [label, body] of [
        ['a confidential file', { fileIds: [secretImage.id], folderIds: [], destinationFolderId: dossiers.id }],
        ['an unflagged document’s file', { fileIds: [unflagged.id], folderIds: [], destinationFolderId: dossiers.id }],
        ['mixed with a visible one', { fileIds: [openFile.id, secretImage.id], folderIds: [], destinationFolderId: dossiers.id }],
        ['a folder holding one (in a sub-folder)', { fileIds: [], folderIds: [dossiers.id], destinationFolderId: null }],
        ['the sub-folder itself', { fileIds: [openFile.id], folderIds: [archives.id], destinationFolderId: null }],
      ] as const) {
        expectRefused(await app.admin('post', '/upload/actions/bulk-move', token).send(body), label);
      }
      expect(await Promise.all([secretPdf, secretImage, unflagged, openFile, openInFolder].map((f) => state(f.id)))).toEqual(before);
      expect(await folders().findMany({ populate: ['parent'], orderBy: { id: 'asc' } })).toEqual(foldersBefore);
      // what the role may see still moves
      const ok = await app
        .admin('post', '/upload/actions/bulk-move', token)
        .send({ fileIds: [openFile.id], folderIds: [], destinationFolderId: dossiers.id });
      expect(ok.status).toBe(200);
      expect((await state(openFile.id))!.folder).toBe(dossiers.id);
      await app
        .admin('post', '/upload/actions/bulk-move')
        .send({ fileIds: [openFile.id], folderIds: [], destinationFolderId: null })
        .expect(200);
    });

    it('bulk delete (files and folders) refuses any file the role may not see, and deletes nothing', async () => {
      const token = await loginAs(app, 'asso-communication');
      const spare = await upload('a-supprimer.pdf', PDF);
      const before = await Promise.all([secretPdf, secretImage, unflagged, openFile, openInFolder, spare].map((f) => state(f.id)));
      for (const [label, body] of [
        ['a confidential file', { fileIds: [secretImage.id], folderIds: [] }],
        ['an unflagged document’s file', { fileIds: [unflagged.id], folderIds: [] }],
        ['mixed with a visible one', { fileIds: [spare.id, secretImage.id], folderIds: [] }],
        ['a folder holding one (in a sub-folder)', { fileIds: [spare.id], folderIds: [dossiers.id] }],
        ['the sub-folder itself', { fileIds: [], folderIds: [archives.id] }],
      ] as const) {
        expectRefused(await app.admin('post', '/upload/actions/bulk-delete', token).send(body), label);
      }
      expect(await Promise.all([secretPdf, secretImage, unflagged, openFile, openInFolder, spare].map((f) => state(f.id)))).toEqual(before);
      expect(await folders().count({ where: { id: { $in: [dossiers.id, archives.id] } } })).toBe(2);
      // what the role may see is still deleted
      const ok = await app.admin('post', '/upload/actions/bulk-delete', token).send({ fileIds: [spare.id], folderIds: [] });
      expect(ok.status).toBe(200);
      expect(await state(spare.id)).toBeNull();
    });

    it('bulk update, folder moves and the single-file routes refuse too, changing nothing', async () => {
      const token = await loginAs(app, 'asso-communication');
      const before = await Promise.all([secretPdf, secretImage, openFile].map((f) => state(f.id)));
      expectRefused(
        await app.admin('post', '/upload/actions/bulk-update', token).send({
          updates: [
            { id: openFile.id, fileInfo: { name: 'renomme.pdf' } },
            { id: secretImage.id, fileInfo: { name: 'renomme.png' } },
          ],
        }),
        'bulk update'
      );
      const other = await folder('Communication');
      expectRefused(
        await app.admin('put', `/upload/folders/${dossiers.id}`, token).send({ name: 'Bureau', parent: other.id }),
        'folder move'
      );
      expect((await folders().findOne({ where: { id: dossiers.id }, populate: ['parent'] })).parent).toBeNull();
      // a rename (the dialog sends the unchanged parent) is not a move
      const renamed = await app.admin('put', `/upload/folders/${dossiers.id}`, token).send({ name: 'Bureau (2026)', parent: null });
      expect(renamed.status).toBe(200);
      // Strapi's own checks on one file, for the record
      expect((await app.admin('get', `/upload/files/${secretImage.id}`, token)).status).toBe(403);
      expect((await app.admin('put', `/upload/files/${secretImage.id}`, token).send({ fileInfo: { name: 'x.png' } })).status).toBe(403);
      expect((await app.admin('delete', `/upload/files/${secretImage.id}`, token)).status).toBe(403);
      expect(
        (
          await app
            .admin('post', `/upload?id=${secretImage.id}`, token)
            .attach('files', png, { filename: 'x.png', contentType: 'image/png' })
        ).status
      ).toBe(403);
      expect(
        (
          await app
            .admin('post', `/upload/files/${secretImage.id}/replace`, token)
            .attach('files', png, { filename: 'x.png', contentType: 'image/png' })
        ).status
      ).toBe(403);
      expect(await Promise.all([secretPdf, secretImage, openFile].map((f) => state(f.id)))).toEqual(before);
      // the super admin, without conditions, still does everything
      const all = await app
        .admin('post', '/upload/actions/bulk-update')
        .send({ updates: [{ id: secretImage.id, fileInfo: { alternativeText: 'Plan' } }] });
      expect(all.status).toBe(200);
    });
  });

  describe('confidential files by URL', () => {
    it('are never served under /uploads, whatever the spelling, the format or the method', async () => {
      const names = [secretPdf.url, secretImage.url, secretImage.formats.thumbnail.url, secretImage.formats.small.url, unflagged.url].map(
        (u: string) => u.replace('/uploads/', '')
      );
      for (const name of names) {
        for (const url of [
          `/uploads/${name}`,
          `/uploads//${name}`,
          `/%75ploads/${name}`,
          `/robots.txt/../uploads/${name}`,
          `/uploads/${name.replace(/\./g, '%2E')}`,
        ]) {
          for (const method of ['GET', 'HEAD'] as const) {
            const res = await raw(app, method, url);
            expect([method, url, res.status]).toEqual([method, url, 404]);
          }
          expect((await raw(app, 'GET', url, { Range: 'bytes=0-3' })).status).toBe(404);
        }
      }
      // the files are still there, and the others are served as before
      expect(fs.existsSync(path.join(uploadsDir(), secretPdf.url.replace('/uploads/', '')))).toBe(true);
      expect((await raw(app, 'GET', openFile.url)).status).toBe(200);
      expect((await raw(app, 'GET', openInFolder.formats.thumbnail.url)).status).toBe(200);
    });

    it('follow the document: made confidential, the file disappears from /uploads; made public again, it comes back', async () => {
      await app.strapi.documents(DOCUMENT).update({ documentId: openDoc.documentId, data: { confidential: true } });
      expect((await raw(app, 'GET', openFile.url)).status).toBe(404);
      await app.strapi.documents(DOCUMENT).update({ documentId: openDoc.documentId, data: { confidential: false } });
      expect((await raw(app, 'GET', openFile.url)).status).toBe(200);
      // the same from the document form: the answer already carries the signed link
      const secretary = await loginAs(app, 'asso-secretary');
      const saved = await app
        .admin('put', `/content-manager/collection-types/${DOCUMENT}/${openDoc.documentId}`, secretary)
        .send({ confidential: true });
      expect(saved.status).toBe(200);
      expect(saved.body.data.file.url).toMatch(/^\/back-office\/files\//);
      expect((await raw(app, 'GET', saved.body.data.file.url)).status).toBe(200);
      expect((await raw(app, 'GET', openFile.url)).status).toBe(404);
      const reopened = await app
        .admin('put', `/content-manager/collection-types/${DOCUMENT}/${openDoc.documentId}`, secretary)
        .send({ confidential: false });
      expect(reopened.body.data.file.url).toBe(openFile.url);
      expect((await raw(app, 'GET', openFile.url)).status).toBe(200);
    });

    it('reach their readers through a signed back-office link (media library, document form), hardened like /uploads', async () => {
      for (const role of ['asso-secretary', 'asso-treasurer', 'strapi-super-admin'] as const) {
        const token = await loginAs(app, role);
        const one = await app.admin('get', `/upload/files/${secretPdf.id}`, token);
        expect([role, one.status]).toEqual([role, 200]);
        expect(one.body.url).toMatch(/^\/back-office\/files\/\d+\?format=original&token=/);
        expect(one.body.isUrlSigned).toBe(true);
        const res = await raw(app, 'GET', one.body.url);
        expect([role, res.status]).toEqual([role, 200]);
        expect(res.body.equals(PDF)).toBe(true);
        expect(res.headers['content-type']).toBe('application/pdf');
        expect(res.headers['content-disposition']).toMatch(/^attachment; filename="pv-secret\.pdf"/);
        expect(res.headers['content-security-policy']).toMatch(/sandbox/);
        expect(res.headers['x-content-type-options']).toBe('nosniff');

        // the list: confidential files signed, the others keep their public address
        const list = await app.admin('get', '/upload/files?pageSize=100', token);
        const byId = new Map<number, UploadedFile>(list.body.results.map((f: UploadedFile) => [f.id, f]));
        const image = byId.get(secretImage.id);
        expect(image.url).toMatch(/^\/back-office\/files\//);
        const thumb = await raw(app, 'GET', image.formats.thumbnail.url);
        expect([role, thumb.status, thumb.headers['content-type']]).toEqual([role, 200, 'image/png']);
        expect(byId.get(openFile.id).url).toBe(openFile.url);

        // the document form shows the file the same way
        const form = await app.admin('get', `/content-manager/collection-types/${DOCUMENT}/${secretDoc.documentId}`, token);
        expect(form.status).toBe(200);
        expect(form.body.data.file.url).toMatch(/^\/back-office\/files\//);
        expect((await raw(app, 'GET', form.body.data.file.url)).status).toBe(200);
      }
      // roles that may not read the file get no link at all
      const communication = await loginAs(app, 'asso-communication');
      const list = await app.admin('get', '/upload/files?pageSize=100', communication);
      expect(JSON.stringify(list.body)).not.toMatch(/back-office\/files|pv-secret|plan-secret/);
    });

    it('refuse links that are forged, altered, expired, or whose session or rights are gone', async () => {
      const secretary = await loginAs(app, 'asso-secretary');
      const url: string = (await app.admin('get', `/upload/files/${secretImage.id}`, secretary)).body.url;
      const thumbnail: string = (await app.admin('get', `/upload/files/${secretImage.id}`, secretary)).body.formats.thumbnail.url;
      expect((await raw(app, 'GET', url)).status).toBe(200);
      const token = new URL(url, 'http://x').searchParams.get('token')!;
      const [body] = token.split('.');
      const claim = JSON.parse(Buffer.from(body, 'base64url').toString());
      const key = crypto
        .createHmac('sha256', String(app.strapi.config.get('admin.auth.secret')))
        .update('asso-back-office:private-file-url')
        .digest();
      const sign = (c: object) => {
        const b = Buffer.from(JSON.stringify(c)).toString('base64url');
        return `${b}.${crypto.createHmac('sha256', key).update(b).digest('base64url')}`;
      };
      const forged = (c: { f?: unknown; k?: unknown }) => `/back-office/files/${c.f}?format=${c.k}&token=${sign(c)}`;
      for (const [label, bad] of [
        ['no token', `/back-office/files/${secretImage.id}`],
        ['another file id', url.replace(`/files/${secretImage.id}?`, `/files/${secretPdf.id}?`)],
        ['another format', url.replace('format=original', 'format=thumbnail')],
        ['a thumbnail link for the original', thumbnail.replace('format=thumbnail', 'format=original')],
        ['an altered claim', url.replace(body, Buffer.from(JSON.stringify({ ...claim, f: secretPdf.id })).toString('base64url'))],
        [
          'a signature from another key',
          `/back-office/files/${secretPdf.id}?format=original&token=${body}.${crypto.createHmac('sha256', 'autre').update(body).digest('base64url')}`,
        ],
        ['an expired link', forged({ ...claim, e: Math.floor(Date.now() / 1000) - 1 })],
        ['a made-up session', forged({ ...claim, s: 'session-inventee' })],
      ] as const) {
        const res = await raw(app, 'GET', bad);
        expect([label, res.status]).toEqual([label, 403]);
        expect(res.body.toString()).not.toContain('%PDF');
      }

      // a bureau member whose role changes, or whose account is deactivated, loses the link at once
      const roleService = app.strapi.service('admin::role');
      const [secretaryRole, communicationRole] = [
        await roleService.findOne({ code: 'asso-secretary' }),
        await roleService.findOne({ code: 'asso-communication' }),
      ];
      const user = await app.strapi.service('admin::user').create({
        email: 'passage@test.local',
        firstname: 'Passage',
        lastname: 'Test',
        password: 'Bureau-Test-2026',
        roles: [secretaryRole.id],
        isActive: true,
      });
      const own = await loginAdmin(app.strapi.server.httpServer, 'passage@test.local', 'Bureau-Test-2026');
      const link: string = (await app.admin('get', `/upload/files/${secretPdf.id}`, own)).body.url;
      expect((await raw(app, 'GET', link)).status).toBe(200);
      await app.strapi.db.query('admin::user').update({ where: { id: user.id }, data: { roles: [communicationRole.id] } });
      expect((await raw(app, 'GET', link)).status).toBe(403);
      await app.strapi.db.query('admin::user').update({ where: { id: user.id }, data: { roles: [secretaryRole.id] } });
      expect((await raw(app, 'GET', link)).status).toBe(200);
      await app.strapi.db.query('admin::user').update({ where: { id: user.id }, data: { isActive: false } });
      expect((await raw(app, 'GET', link)).status).toBe(403);
      await app.strapi.db.query('admin::user').update({ where: { id: user.id }, data: { isActive: true } });
      expect((await raw(app, 'GET', link)).status).toBe(200);
      // and logging out closes the session the link was bound to
      await app.admin('post', '/admin/logout', own).send({}).expect(200);
      expect((await raw(app, 'GET', link)).status).toBe(403);
    });
  });
});
