import type { Response } from 'supertest';
import fs from 'fs';
import http from 'http';
import path from 'path';
import zlib from 'zlib';
import sharp from 'sharp';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import type { UploadedFile } from '../helpers/types';

/**
 * Uploaded files never run as code in the admin panel's origin. A stored file's extension is one of
 * an allow-list and agrees with the content detected from its bytes, on every way in (admin upload,
 * multi-file upload, replacement, content API, the upload service itself); and whatever lies in the
 * uploads folder is served with a type of that list only (never a page, a script, an SVG, XML),
 * nosniff, a sandbox policy, and as a download unless it is an image — however the path is spelled.
 */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==', 'base64');
const HTML = Buffer.from('<html><body><script>fetch("/admin/users")</script></body></html>');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const CFB = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(2000, 0)]);
/** A one-entry ZIP archive (stored), the container of OpenDocument and Office 2007+ files. */
const zip = (name: string, content: string) => {
  const data = Buffer.from(content);
  const fileName = Buffer.from(name);
  const crc = zlib.crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + fileName.length, 12);
  end.writeUInt32LE(30 + fileName.length + data.length, 16);
  return Buffer.concat([local, fileName, data, central, fileName, end]);
};

const FORBIDDEN_TYPES = /html|javascript|ecmascript|svg|xml|xhtml/i;

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
/** A request sent with its path exactly as written (a URL parser would resolve `..` and `%2e`). */
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

describe(`uploaded files never run as code (${DB_CLIENT})`, () => {
  let app: TestApp;
  let png: Buffer;
  let jpeg: Buffer;
  const uploadsDir = () => path.join(process.env.PUBLIC_DIR!, 'uploads');
  const onDisk = () => fs.readdirSync(uploadsDir()).sort();
  const count = () => app.strapi.db.query('plugin::upload.file').count();
  const upload = (name: string, content: Buffer, contentType = 'application/octet-stream', token?: string) =>
    app.admin('post', '/upload', token).attach('files', content, { filename: name, contentType });
  const uploaded = async (name: string, content: Buffer, contentType?: string) => {
    const res = await upload(name, content, contentType);
    expect([name, res.status]).toEqual([name, 201]);
    return res.body[0];
  };
  /** Asserts a refusal: French 400 naming `files` (and the file), nothing in the base or on disk. */
  const expectRefused = async (send: () => PromiseLike<Response>, name: string) => {
    const [rows, files] = [await count(), onDisk()];
    const res = await send();
    expect([name, res.status]).toEqual([name, 400]);
    expect(res.body.error.name).toBe('ValidationError');
    expect(res.body.error.details.errors.map((e: { path: string[] }) => e.path)).toEqual([['files']]);
    expect(res.body.error.message).toMatch(/^Fichier/);
    // the message names the file (Strapi's own refusal only gave the generic list of types)
    expect(res.body.error.message).toContain(`« ${name.trim().slice(0, 20)}`);
    expect(await count()).toBe(rows);
    expect(onDisk()).toEqual(files);
    return res;
  };

  beforeAll(async () => {
    app = await startStrapi();
    png = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 30, b: 30 } } })
      .png()
      .toBuffer();
    jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 30, g: 200, b: 30 } } })
      .jpeg()
      .toBuffer();
  }, 300_000);
  afterAll(() => app?.stop());

  describe('what is stored', () => {
    it.each([
      'x.html',
      'x.htm',
      'X.HTML',
      'x.Html',
      'x.js',
      'x.mjs',
      'x.svg',
      'x.xml',
      'x.xhtml',
      'x.shtml',
      'x.gif.html',
      'x.gif.js',
      'x',
      'x.',
      'x.html ',
      'x.gif ',
      'x.gif.',
      'x.ｈｔｍｌ',
      'x.html\u200b',
      'x\u202elmth.gif',
      'x.php',
      'x.exe',
      'x.json',
      'x.css',
    ])('refuses GIF bytes named %j (declared application/octet-stream)', async (name) => {
      await expectRefused(() => upload(name, GIF), name);
    });

    it.each([
      ['x.txt', GIF],
      ['x.csv', GIF],
      ['x.png', GIF],
      ['x.jpg', GIF],
      ['x.pdf', GIF],
      ['x.docx', GIF],
      ['page.png', HTML],
      ['page.gif', HTML],
      ['page.jpg', HTML],
      ['page.pdf', HTML],
      ['page.doc', HTML],
      ['x.png', 'jpeg'],
      ['doc.pdf', CFB],
      ['doc.odt', PDF],
      ['x.txt', PDF],
      ['x.csv', CFB],
    ] as Array<[string, Buffer | 'jpeg']>)('refuses %s whose bytes say otherwise', async (name, content) => {
      // (the JPEG is made in beforeAll, after this table)
      const bytes = content === 'jpeg' ? jpeg : content;
      // even when the declared type matches the name
      await expectRefused(() => upload(name, bytes, 'image/png'), name);
      await expectRefused(() => upload(name, bytes), name);
    });

    it('accepts the files of the allow-list (recorded with the type of their extension), but refuses a whole multi-file request when one file is refused', async () => {
      const good: Array<[string, Buffer, string]> = [
        ['photo.png', png, 'image/png'],
        ['photo.JPG', jpeg, 'image/jpeg'],
        ['photo.jpeg', jpeg, 'image/jpeg'],
        ['anim.gif', GIF, 'image/gif'],
        ['compte-rendu.pdf', PDF, 'application/pdf'],
        ['notes.txt', Buffer.from('<script>ceci reste du texte</script>'), 'text/plain'],
        ['budget.csv', Buffer.from('poste;montant\nlocation;120\n'), 'text/csv'],
        [
          'statuts.docx',
          zip('word/document.xml', '<w:document/>'),
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        ],
        ['pv.odt', zip('mimetype', 'application/vnd.oasis.opendocument.text'), 'application/vnd.oasis.opendocument.text'],
        ['ancien.xls', CFB, 'application/vnd.ms-excel'],
      ];
      for (const [name, content, mime] of good) {
        const file = await uploaded(name, content);
        expect([name, file.mime]).toEqual([name, mime]);
      }
      const [rows, files] = [await count(), onDisk()];
      const res = await app
        .admin('post', '/upload')
        .attach('files', png, { filename: 'bonne.png', contentType: 'image/png' })
        .attach('files', GIF, { filename: 'mauvaise.html', contentType: 'application/octet-stream' })
        .attach('files', PDF, { filename: 'autre.pdf', contentType: 'application/pdf' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('mauvaise.html');
      expect(await count()).toBe(rows);
      expect(onDisk()).toEqual(files);
    });

    it('checks a replacement: its name, its bytes, and the extension the file keeps', async () => {
      const original = await uploaded('logo.png', png);
      const stored = path.join(uploadsDir(), `${original.hash}${original.ext}`);
      const bytesBefore = fs.readFileSync(stored);
      for (const [name, content] of [
        ['logo.html', GIF],
        ['logo.png', HTML],
        ['logo.gif', GIF],
        ['logo.jpg', jpeg],
        ['logo.svg', png],
      ] as Array<[string, Buffer]>) {
        for (const url of [`/upload?id=${original.id}`, `/upload/files/${original.id}/replace`]) {
          await expectRefused(
            () => app.admin('post', url).attach('files', content, { filename: name, contentType: 'application/octet-stream' }),
            name
          );
        }
        // and the service itself, whoever calls it
        const tmp = path.join(uploadsDir(), '..', `tmp-${name}`);
        fs.writeFileSync(tmp, content);
        await expect(
          app.strapi
            .plugin('upload')
            .service('upload')
            .replace(original.id, {
              data: {},
              file: { filepath: tmp, originalFilename: name, mimetype: 'image/png', size: content.length },
            })
        ).rejects.toMatchObject({ name: 'ValidationError', details: { errors: [{ path: ['files'] }] } });
        fs.rmSync(tmp);
      }
      expect(fs.readFileSync(stored).equals(bytesBefore)).toBe(true);
      expect(await app.strapi.db.query('plugin::upload.file').findOne({ where: { id: original.id } })).toMatchObject({
        name: 'logo.png',
        ext: '.png',
        mime: 'image/png',
      });
      // a real replacement of the same type still works
      const other = await sharp({ create: { width: 20, height: 20, channels: 3, background: { r: 0, g: 0, b: 0 } } })
        .png()
        .toBuffer();
      const ok = await app
        .admin('post', `/upload?id=${original.id}`)
        .attach('files', other, { filename: 'nouveau-logo.png', contentType: 'image/png' });
      expect(ok.status).toBe(200);
      expect((await sharp(fs.readFileSync(stored)).metadata()).width).toBe(20);
    });

    it('applies to a bureau role, the content API and the upload service alike', async () => {
      const token = await loginAs(app, 'asso-communication');
      await expectRefused(() => upload('x.html', GIF, 'application/octet-stream', token), 'x.html');
      await expectRefused(() => upload('x.txt', GIF, 'text/plain', token), 'x.txt');
      // the single-file upload route of the new media library
      await expectRefused(
        () => app.admin('post', '/upload/files', token).attach('files', GIF, { filename: 'x.htm', contentType: 'image/gif' }),
        'x.htm'
      );

      // the content API's upload route is closed to every caller, a full-access token included
      const fullAccess = (await app.strapi.service('admin::api-token').create({ name: 'intégration', type: 'full-access', lifespan: null }))
        .accessKey;
      for (const [name, content] of [
        ['x.html', GIF],
        ['x.csv', GIF],
        ['x.png', HTML],
        ['ok.gif', GIF],
      ] as Array<[string, Buffer]>) {
        for (const url of ['/api/upload', '/api/UPLOAD', '/api/upload/']) {
          const [rows, files] = [await count(), onDisk()];
          const res = await app
            .http()
            .post(url)
            .set('Authorization', `Bearer ${fullAccess}`)
            .attach('files', content, { filename: name, contentType: 'application/octet-stream' });
          expect([name, url, res.status]).toEqual([name, url, 403]);
          expect([await count(), onDisk()]).toEqual([rows, files]);
        }
      }

      const tmp = path.join(uploadsDir(), '..', 'tmp-service.html');
      fs.writeFileSync(tmp, GIF);
      const rows = await count();
      await expect(
        app.strapi
          .plugin('upload')
          .service('upload')
          .upload({ data: {}, files: { filepath: tmp, originalFilename: 'page.html', mimetype: 'image/gif', size: GIF.length } })
      ).rejects.toMatchObject({ name: 'ValidationError', details: { errors: [{ path: ['files'] }] } });
      await expect(
        app.strapi
          .plugin('upload')
          .service('upload')
          .upload({
            data: {},
            files: [
              { filepath: tmp, originalFilename: 'ok.gif', mimetype: 'image/gif', size: GIF.length },
              { filepath: tmp, originalFilename: 'page.gif.htm', mimetype: 'image/gif', size: GIF.length },
            ],
          })
      ).rejects.toMatchObject({ name: 'ValidationError' });
      expect(await count()).toBe(rows);
      fs.rmSync(tmp);
    });
  });

  describe('how /uploads is served', () => {
    const planted = [
      'page.html',
      'page.htm',
      'SCRIPT.JS',
      'module.mjs',
      'dessin.svg',
      'flux.xml',
      'page.xhtml',
      'sans-extension',
      'page.gif.html',
    ];
    beforeAll(() => {
      // files already on disk (older uploads, a copy by hand) with names outside the allow-list
      for (const name of planted) fs.writeFileSync(path.join(uploadsDir(), name), HTML);
      // what a case-insensitive disk (macOS, Windows) would find for /UPLOADS/... and /Uploads/PAGE.HTML
      for (const [folder, rename] of [
        ['UPLOADS', (n: string) => n],
        ['Uploads', (n: string) => n.toUpperCase()],
      ] as const) {
        fs.mkdirSync(path.join(process.env.PUBLIC_DIR!, folder), { recursive: true });
        for (const name of planted) fs.writeFileSync(path.join(process.env.PUBLIC_DIR!, folder, rename(name)), HTML);
      }
    });

    const expectHarmless = (res: RawResponse, label: string, status = 200) => {
      expect([label, res.status]).toEqual([label, status]);
      expect([label, res.headers['content-type']]).toEqual([label, 'application/octet-stream']);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toMatch(/(^|;\s*)sandbox(;|$)/);
      expect(res.headers['content-disposition']).toMatch(/^attachment/);
    };

    it.each(planted)('serves the planted %s as a download, never as a page or script', async (name) => {
      const res = await raw(app, 'GET', `/uploads/${encodeURIComponent(name)}`);
      expectHarmless(res, name);
      expect(res.body.toString()).toContain('<script>');
    });

    it.each([
      (n: string) => `/uploads/${n}`,
      (n: string) => `/uploads//${n}`,
      (n: string) => `/%75ploads/${n}`,
      (n: string) => `/%55PLOADS/../uploads/${n}`,
      (n: string) => `/uploads/%2e%2e/uploads/${n}`,
      (n: string) => `/robots.txt/../uploads/${n}`,
      (n: string) => `/x/%2E%2E/uploads/${encodeURIComponent(n).replace(/\./g, '%2e')}`,
      (n: string) => `/uploads/${n.replace(/[a-z]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)}`,
      (n: string) => `/UPLOADS/${n}`,
      (n: string) => `/Uploads/${n.toUpperCase()}`,
      (n: string) => `/uploads/./${n}`,
    ])('whatever the spelling of the path (%#): never a page', async (spell) => {
      for (const name of ['page.html', 'SCRIPT.JS', 'dessin.svg']) {
        const url = spell(name);
        for (const method of ['GET', 'HEAD'] as const) {
          const res = await raw(app, method, url);
          const label = `${method} ${url}`;
          expect([label, res.headers['content-type'] ?? '']).not.toEqual([label, expect.stringMatching(FORBIDDEN_TYPES)]);
          // served or not, the answer is never the planted page under an executable type
          if (res.status === 200) expectHarmless(res, label);
        }
      }
    });

    it('also hardens partial (Range) answers', async () => {
      const res = await raw(app, 'GET', '/uploads/page.html', { Range: 'bytes=0-10' });
      expect(res.status).toBe(206);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-security-policy']).toMatch(/sandbox/);
    });

    it('serves accepted files with the type of their extension: images shown, the rest downloaded', async () => {
      const image = await uploaded('affiche.gif', GIF);
      const photo = await uploaded('photo.jpeg', jpeg);
      const pdf = await uploaded('rapport.pdf', PDF);
      const text = await uploaded('lisez-moi.txt', Buffer.from('<html>du texte</html>'));
      const docx = await uploaded('statuts.docx', zip('word/document.xml', '<w:document/>'));
      for (const [file, type, inline] of [
        [image, 'image/gif', true],
        [photo, 'image/jpeg', true],
        [pdf, 'application/pdf', false],
        [text, 'text/plain; charset=utf-8', false],
        [docx, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', false],
      ] as Array<[UploadedFile, string, boolean]>) {
        const res = await app.http().get(file.url);
        expect([file.name, res.status, res.headers['content-type']]).toEqual([file.name, 200, type]);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['content-security-policy']).toMatch(/(^|;\s*)sandbox(;|$)/);
        expect([file.name, res.headers['content-disposition'] ?? 'inline']).toEqual([
          file.name,
          inline ? 'inline' : expect.stringMatching(/^attachment/),
        ]);
      }
      // an image's generated formats too
      const big = await uploaded(
        'grande.png',
        await sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 1, g: 2, b: 3 } } })
          .png()
          .toBuffer()
      );
      const thumb = await app.http().get(big.formats.thumbnail.url);
      expect(thumb.headers['content-type']).toBe('image/png');
      expect(thumb.headers['content-security-policy']).toMatch(/sandbox/);
      // and the rest of the site keeps its own headers
      expect((await app.http().get('/robots.txt')).headers['content-security-policy'] ?? '').not.toMatch(/sandbox/);
    });
  });
});
