import crypto from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { execFileSync } from 'child_process';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { start as startS3, S3StandIn } from '../helpers/s3-stand-in';
import { loginAs } from '../helpers/roles';
import { download } from '../exports/helpers';
import { flat, pdftotext } from '../outputs/pdf-tools';
import { configureReceipts, donation, donor, PNG, RECEIPT } from '../receipts/helpers';
import type { Json } from '../helpers/types';

const DOCUMENT = 'api::document.document';
const ARTICLE = 'api::article.article';
const PARTNER = 'api::partner.partner';

/** The images drawn in a PDF (poppler's pdfimages). */
const imagesIn = (pdf: Buffer) => {
  const file = path.join(os.tmpdir(), `asso-s3-${process.pid}-${Date.now()}.pdf`);
  fs.writeFileSync(file, pdf);
  try {
    return execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').slice(2).length;
  } finally {
    fs.rmSync(file, { force: true });
  }
};

/**
 * Uploads on an S3-compatible storage (UPLOAD_PROVIDER=s3), against a local S3 server that checks
 * signatures and refuses unsigned requests like a private bucket: files land in the bucket, never on
 * the disk; the public website reads articles' images and partners' logos at the addresses the API
 * gives; a confidential document's file is only reachable through the back-office's signed address,
 * which streams it to an allowed reader and dies when it expires; deleting a file removes its
 * object; PDFs still print the association's logo and the signature read from the bucket.
 */
describe(`uploads on S3-compatible storage (${DB_CLIENT})`, () => {
  let app: TestApp;
  let s3: S3StandIn;
  let uploadsDir: string;
  const saved: Record<string, string | undefined> = {};

  const upload = async (name: string, bytes: Buffer, type: string, token?: string) => {
    const res = await app.admin('post', '/upload', token).attach('files', bytes, { filename: name, contentType: type });
    expect(res.status).toBe(201);
    return res.body[0] as { id: number; hash: string; ext: string; url: string; provider: string };
  };
  /** GET of an address of the app, without credentials (a visitor's browser), the body as bytes */
  const visit = (url: string) =>
    app
      .http()
      .get(url)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
  const diskFiles = () => fs.readdirSync(uploadsDir);

  beforeAll(async () => {
    s3 = await startS3({ bucket: 'asso-fichiers' });
    const env = s3.env;
    for (const name of Object.keys(env)) saved[name] = process.env[name];
    app = await startStrapi({ env });
    uploadsDir = path.join(app.strapi.dirs.static.public, 'uploads');
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
    await s3?.stop();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('stores an upload in the bucket (a large one in parts), not on the disk, and deleting the file removes its object', async () => {
    const file = await upload('affiche.png', PNG, 'image/png');
    const key = `${file.hash}${file.ext}`;
    expect(file.provider).toBe('aws-s3');
    expect(file.url).toBe(`/uploads/${key}`);
    expect(await s3.list()).toContain(key);
    expect((await s3.read(key))?.subarray(1, 4).toString()).toBe('PNG');
    expect(diskFiles()).toEqual([]);
    // the bucket is private: its own address answers nothing without a signature
    expect((await fetch(`${s3.endpoint}/${s3.bucket}/${key}`)).status).toBe(403);

    expect((await app.admin('delete', `/upload/files/${file.id}`)).status).toBe(200);
    expect(await s3.list()).not.toContain(key);
    expect((await visit(`/uploads/${key}`)).status).toBe(404);

    // a file over 5 MB is sent in several parts
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(6 * 1024 * 1024, 0x20), Buffer.from('\n%%EOF\n')]);
    const stored = await upload('rapport-annuel.pdf', big, 'application/pdf');
    expect(Buffer.compare((await s3.read(`${stored.hash}${stored.ext}`))!, big)).toBe(0);
    const served = await visit(stored.url);
    expect(served.status).toBe(200);
    expect(served.headers['content-disposition']).toMatch(/^attachment/);
    expect(served.body.length).toBe(big.length);
    expect(diskFiles()).toEqual([]);
  });

  it('gives the public website addresses that work: an article’s cover, a partner’s logo', async () => {
    const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' } });
    for (const action of ['api::article.article.find', 'api::partner.partner.find']) {
      const exists = await app.strapi.db.query('plugin::users-permissions.permission').findOne({ where: { action, role: role.id } });
      if (!exists) await app.strapi.db.query('plugin::users-permissions.permission').create({ data: { action, role: role.id } });
    }
    const cover = await upload('couverture.png', PNG, 'image/png');
    await app.strapi
      .documents(ARTICLE)
      .create({ data: { title: 'Fête de quartier', category: 'event', cover: cover.id }, status: 'published' });
    const logo = await upload('logo-mairie.png', PNG, 'image/png');
    await app.strapi.documents(PARTNER).create({ data: { name: 'Mairie', kind: 'public_body', isPublic: true, logo: logo.id } });

    const articles = await app.http().get('/api/articles').query({ populate: 'cover' });
    expect(articles.status).toBe(200);
    const coverUrl = articles.body.data.find((a: Json) => a.title === 'Fête de quartier').cover.url as string;
    const partners = await app.http().get('/api/partners').query({ populate: 'logo' });
    expect(partners.status).toBe(200);
    const logoUrl = partners.body.data.find((p: Json) => p.name === 'Mairie').logo.url as string;

    for (const url of [coverUrl, logoUrl]) {
      // a stable address under the back-office's own (the website prefixes it, as with files on disk)
      expect(url).toMatch(/^\/uploads\/[^/]+\.png$/);
      const image = await visit(url);
      expect(image.status).toBe(200);
      expect(image.headers['content-type']).toBe('image/png');
      expect(image.headers['x-content-type-options']).toBe('nosniff');
      expect(Buffer.compare(image.body, (await s3.read(url.slice('/uploads/'.length)))!)).toBe(0);
    }
    expect(diskFiles()).toEqual([]);
  });

  it('keeps a confidential document’s file behind the signed back-office address: allowed roles only, never the bucket’s, refused once expired', async () => {
    const pdfBytes = Buffer.from('%PDF-1.4\n% proces-verbal confidentiel\n%%EOF\n');
    const file = await upload('pv-bureau.pdf', pdfBytes, 'application/pdf');
    const key = `${file.hash}${file.ext}`;
    await app.strapi
      .documents(DOCUMENT)
      .create({ data: { title: 'PV du bureau', category: 'minutes', confidential: true, file: file.id } });
    expect(await s3.list()).toContain(key);

    // not from the bucket without a signature, not under /uploads
    expect((await fetch(`${s3.endpoint}/${s3.bucket}/${key}`)).status).toBe(403);
    expect((await visit(`/uploads/${key}`)).status).toBe(404);

    // a role that may not read confidential documents gets no address at all
    const volunteers = await loginAs(app, 'asso-volunteer-manager');
    const refused = await app.admin('get', `/upload/files/${file.id}`, volunteers);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain(file.hash);

    // the treasurer's media library gives the signed back-office address, which streams the object
    const treasurer = await loginAs(app, 'asso-treasurer');
    const listed = await app.admin('get', `/upload/files/${file.id}`, treasurer);
    expect(listed.status).toBe(200);
    expect(listed.body.url).toMatch(/^\/back-office\/files\//);
    expect(JSON.stringify(listed.body)).not.toContain(s3.endpoint);
    const opened = await visit(listed.body.url);
    expect(opened.status).toBe(200);
    expect(opened.headers['content-type']).toBe('application/pdf');
    expect(opened.headers['content-disposition']).toBe('attachment; filename="pv-bureau.pdf"');
    expect(opened.headers['content-security-policy']).toMatch(/sandbox/);
    expect(Buffer.compare(opened.body, pdfBytes)).toBe(0);

    // the same link, expired (its claim re-signed with the server's key and a past expiry), is refused
    const url = new URL(listed.body.url, 'http://x');
    const claim = JSON.parse(Buffer.from(url.searchParams.get('token')!.split('.')[0], 'base64url').toString());
    const serverKey = crypto
      .createHmac('sha256', String(app.strapi.config.get('admin.auth.secret')))
      .update('asso-back-office:private-file-url')
      .digest();
    const body = Buffer.from(JSON.stringify({ ...claim, e: Math.floor(Date.now() / 1000) - 1 })).toString('base64url');
    url.searchParams.set('token', `${body}.${crypto.createHmac('sha256', serverKey).update(body).digest('base64url')}`);
    const expired = await visit(`${url.pathname}${url.search}`);
    expect(expired.status).toBe(403);
    expect(expired.body.toString()).not.toContain('%PDF');
  });

  it('prints the logo and the signature read from the bucket on a tax receipt, whose PDF is stored in the bucket', async () => {
    await configureReceipts(app);
    const d = await donor(app, { lastName: 'Dubucket' });
    const g = await donation(app, d.documentId, { amount: 120 });
    const issued = await app.admin('post', '/back-office/receipts/generate').send({ donation: g.documentId });
    expect(issued.status).toBe(201);
    const row = await app.strapi.db.query(RECEIPT).findOne({ where: { documentId: issued.body[0].documentId }, populate: { pdf: true } });
    const key = `${row.pdf.hash}${row.pdf.ext}`;
    expect(row.pdf.provider).toBe('aws-s3');
    expect(await s3.list()).toContain(key);
    expect(diskFiles()).toEqual([]);

    const pdf = await download(app, `/back-office/receipts/${issued.body[0].documentId}/pdf`);
    expect(pdf.status).toBe(200);
    expect(Buffer.compare(pdf.body, (await s3.read(key))!)).toBe(0);
    expect(flat(pdftotext(pdf.body))).toContain('Solidarités Rhône Ensemble');
    // the association's logo and the signatory's signature
    expect(imagesIn(pdf.body)).toBe(2);
    // the receipt's PDF is confidential too
    expect((await visit(`/uploads/${key}`)).status).toBe(404);
  });
});
