import fs from 'fs';
import path from 'path';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import { flat, pdftotext } from '../outputs/pdf-tools';
import { download } from '../exports/helpers';
import { ASSOCIATION, configureReceipts, donation, donor, ISSUE_YEAR, RECEIPT, uploadImage } from './helpers';
import type { Json } from '../helpers/types';

const FILE = 'plugin::upload.file';

/**
 * The rendered PDF of a receipt is stored when it is issued (and its cancelled version when it is
 * cancelled, the original kept): downloads and e-mails carry those bytes, whatever changes later.
 * The files are confidential: not under /uploads, not in the content API, not in the media library
 * of a role that may not read them, never deleted. A storage failure consumes no number and leaves
 * no file behind.
 */
describe(`tax receipts: stored PDFs (${DB_CLIENT})`, () => {
  let app: TestApp;
  let uploadsDir: string;
  const pdf = (documentId: string, token?: string, query = '') => download(app, `/back-office/receipts/${documentId}/pdf${query}`, token);
  const receiptRow = (documentId: string) =>
    app.strapi.db.query(RECEIPT).findOne({ where: { documentId }, populate: { pdf: true, cancelledPdf: true } });
  const uploadsOnDisk = () => new Set(fs.readdirSync(uploadsDir));

  beforeAll(async () => {
    app = await startStrapi();
    uploadsDir = path.join(app.strapi.dirs.static.public, 'uploads');
    await configureReceipts(app);
  }, 300_000);
  afterAll(() => app?.stop());

  const issueOne = async (lastName: string, data: Json = {}) => {
    const d = await donor(app, { lastName });
    const g = await donation(app, d.documentId, { amount: 80, ...data });
    const res = await app.admin('post', '/back-office/receipts/generate').send({ donation: g.documentId });
    expect(res.status).toBe(201);
    return res.body[0] as { documentId: string; number: string };
  };

  it('serves the PDF stored at issue, byte for byte, after the association’s settings and logo change; cancelling stores a second version and keeps the first', async () => {
    const issued = await issueOne('Stocké');
    const row = await receiptRow(issued.documentId);
    expect(row.pdf).toMatchObject({ ext: '.pdf', mime: 'application/pdf' });
    const onDisk = fs.readFileSync(path.join(uploadsDir, `${row.pdf.hash}${row.pdf.ext}`));

    const first = await pdf(issued.documentId);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/pdf');
    expect(Buffer.compare(first.body, onDisk)).toBe(0);
    expect(flat(pdftotext(first.body))).toContain('Solidarités Rhône Ensemble');

    // the association changes its name, signatory and logo: the receipt does not change
    const association = await app.strapi.documents(ASSOCIATION).findFirst();
    await app.strapi.documents(ASSOCIATION).update({
      documentId: association!.documentId,
      data: { name: 'Autre Nom Association', receiptSignatoryName: 'Jean Autre', logo: await uploadImage(app, 'nouveau-logo.png') },
    });
    const again = await pdf(issued.documentId);
    expect(Buffer.compare(again.body, first.body)).toBe(0);
    expect(flat(pdftotext(again.body))).not.toContain('Autre Nom Association');

    // cancelled: the cancelled version is served, the original is kept, byte for byte
    const cancel = await app.admin('post', `/back-office/receipts/${issued.documentId}/cancel`).send({ reason: 'Erreur de montant' });
    expect(cancel.status).toBe(200);
    const cancelledRow = await receiptRow(issued.documentId);
    expect(cancelledRow.cancelledPdf?.id).toBeTruthy();
    expect(cancelledRow.pdf.id).toBe(row.pdf.id);
    const cancelled = await pdf(issued.documentId);
    expect(cancelled.headers['content-disposition']).toContain(`recu-fiscal-${issued.number}-annule.pdf`);
    const text = flat(pdftotext(cancelled.body));
    expect(text).toContain('ANNULÉ');
    expect(text).toContain('Erreur de montant');
    const original = await pdf(issued.documentId, undefined, '?version=original');
    expect(Buffer.compare(original.body, first.body)).toBe(0);
    // and once more, unchanged
    expect(Buffer.compare((await pdf(issued.documentId)).body, cancelled.body)).toBe(0);
  });

  it('keeps the PDF away from anyone else: not under /uploads, not in the content API, not in another role’s media library, never deleted', async () => {
    const issued = await issueOne('Confidentiel');
    const { pdf: file } = await receiptRow(issued.documentId);
    const anonymous = app.http();

    // the public folder, in any spelling
    for (const url of [
      `/uploads/${file.hash}${file.ext}`,
      `/UPLOADS/${file.hash}${file.ext}`,
      `/uploads/${file.hash.toUpperCase()}${file.ext}`,
    ]) {
      const res = await anonymous.get(url);
      expect(res.status).toBe(404);
    }
    // the receipts' route without an admin, and the content API
    expect((await anonymous.get(`/back-office/receipts/${issued.documentId}/pdf`)).status).toBe(401);
    for (const url of [`/api/upload/files/${file.id}`, '/api/upload/files', `/api/receipts/${issued.documentId}`, '/api/receipts']) {
      const res = await anonymous.get(url);
      expect([401, 403, 404]).toContain(res.status);
      expect(JSON.stringify(res.body ?? {})).not.toContain(file.hash);
    }

    // another role of the bureau: no receipt, no file
    const communication = await loginAs(app, 'asso-communication');
    expect((await pdf(issued.documentId, communication)).status).toBe(403);
    const one = await app.admin('get', `/upload/files/${file.id}`, communication);
    expect([403, 404]).toContain(one.status);
    const list = await app.admin('get', '/upload/files?pageSize=100', communication);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(file.hash);
    // the partnerships manager reads company receipts only
    const partnerships = await loginAs(app, 'asso-partnerships');
    expect((await pdf(issued.documentId, partnerships)).status).toBe(403);
    // the secretary reads confidential documents, not tax receipts: not in her media library either
    const secretary = await loginAs(app, 'asso-secretary');
    expect((await pdf(issued.documentId, secretary)).status).toBe(403);
    expect([403, 404]).toContain((await app.admin('get', `/upload/files/${file.id}`, secretary)).status);
    expect(JSON.stringify((await app.admin('get', '/upload/files?pageSize=100', secretary)).body)).not.toContain(file.hash);
    // the treasurer finds it in the media library, behind a signed link only
    const treasurer = await loginAs(app, 'asso-treasurer');
    const seen = await app.admin('get', `/upload/files/${file.id}`, treasurer);
    expect(seen.status).toBe(200);
    expect(seen.body.url).toMatch(/^\/back-office\/files\//);
    const signed = await anonymous.get(seen.body.url);
    expect(signed.status).toBe(200);
    expect(Buffer.compare(Buffer.from(signed.body), fs.readFileSync(path.join(uploadsDir, `${file.hash}${file.ext}`)))).toBe(0);

    // never deleted nor replaced, even by the super admin
    const del = await app.admin('delete', `/upload/files/${file.id}`);
    expect(del.status).toBe(403);
    const bulk = await app.admin('post', '/upload/actions/bulk-delete').send({ fileIds: [file.id], folderIds: [] });
    expect(bulk.status).toBe(403);
    expect(await app.strapi.db.query(FILE).findOne({ where: { id: file.id } })).toBeTruthy();
    expect(fs.existsSync(path.join(uploadsDir, `${file.hash}${file.ext}`))).toBe(true);
  });

  it('a storage failure consumes no number and leaves no file: the whole batch rolls back', async () => {
    // sizes of a one-gift receipt and of a summary of many gifts, to fail on the second only
    const small = await receiptRow((await issueOne('Mesure')).documentId);
    const year = 2023;
    const big = await donor(app, { lastName: 'Zola' });
    for (let i = 1; i <= 60; i++)
      await donation(app, big.documentId, {
        amount: 10 + i,
        receivedAt: `${year}-0${1 + (i % 9)}-${String(1 + (i % 27)).padStart(2, '0')}`,
      });
    const tiny = await donor(app, { lastName: 'Abel' });
    await donation(app, tiny.documentId, { amount: 80, receivedAt: `${year}-05-05` });

    const numberBefore = (
      await app.strapi.db.query(RECEIPT).findMany({ where: { numberYear: ISSUE_YEAR }, orderBy: { sequence: 'desc' }, limit: 1 })
    )[0];
    const receiptsBefore = await app.strapi.db.query(RECEIPT).count();
    const filesBefore = await app.strapi.db.query(FILE).count();
    const diskBefore = uploadsOnDisk();

    // Abel's receipt (first in alphabetical order) is stored, then Zola's is refused by the upload limit
    const limit = app.strapi.config.get('plugin::upload.sizeLimit');
    app.strapi.config.set('plugin::upload.sizeLimit', Math.round(small.pdf.size * 1024) + 1500);
    let abel;
    try {
      const failed = await app.admin('post', '/back-office/receipts/generate').send({ year, mode: 'annual' });
      expect(failed.status).toBe(413);
      expect(await app.strapi.db.query(RECEIPT).count()).toBe(receiptsBefore);
      expect(await app.strapi.db.query(FILE).count()).toBe(filesBefore);
      expect([...uploadsOnDisk()].filter((f) => !diskBefore.has(f))).toEqual([]);
      // Abel's PDF alone fits under the limit: it had been stored (then removed) before Zola's failed
      abel = await app.admin('post', '/back-office/receipts/generate').send({ year, donor: tiny.documentId, mode: 'annual' });
      expect(abel.status).toBe(201);
    } finally {
      app.strapi.config.set('plugin::upload.sizeLimit', limit);
    }
    const zola = await app.admin('post', '/back-office/receipts/generate').send({ year, mode: 'annual' });
    expect(zola.status).toBe(201);
    // no number was consumed by the failure: no gap
    expect([abel.body[0].number, zola.body[0].number]).toEqual([
      `${ISSUE_YEAR}-${String(numberBefore.sequence + 1).padStart(5, '0')}`,
      `${ISSUE_YEAR}-${String(numberBefore.sequence + 2).padStart(5, '0')}`,
    ]);
    expect(zola.body[0].donor.name).toMatch(/^Zola/);
  });
});
