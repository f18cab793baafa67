import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { startStrapi, TestApp, cm, DB_CLIENT } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import { flat, pdftotext } from '../outputs/pdf-tools';
import { download } from '../exports/helpers';
import { ASSOCIATION, configureReceipts, DONATION, donation, donor, GIFT_YEAR, ISSUE_YEAR, RECEIPT, storedReceipts } from './helpers';
import type { Json } from '../helpers/types';
import type { IssuedReceipt } from '../../src/back-office/receipts/issue';
import type { previewOf } from '../../src/back-office/receipts/plan';

/** The preview's answer (receipts/plan.ts). */
type Preview = ReturnType<typeof previewOf>;

/**
 * Tax receipts: refused without the settings; preview = what is issued, with every exclusion and
 * its reason; numbers YYYY-NNNNN gap-free and unique under two simultaneous bulk generations; a
 * donation in at most one live receipt; never edited nor deleted on any path; cancel keeps the
 * number and marks the PDF; a replacement references the receipt it replaces; the declaration's
 * two numbers; rights.
 */
describe(`tax receipts (${DB_CLIENT})`, () => {
  let app: TestApp;
  const ids: Record<string, string> = {};
  const generate = (body: Json, token?: string) => app.admin('post', '/back-office/receipts/generate', token).send(body);
  const preview = (body: Json, token?: string) => app.admin('post', '/back-office/receipts/preview', token).send(body);
  const pdfOf = async (documentId: string, token?: string) => {
    const res = await download(app, `/back-office/receipts/${documentId}/pdf`, token);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    return flat(pdftotext(res.body));
  };

  beforeAll(async () => {
    app = await startStrapi();
  }, 300_000);
  afterAll(() => app?.stop());

  it('refuses to issue anything until the association says it may and fills in every mention, naming what is missing', async () => {
    const d = await donor(app);
    await donation(app, d.documentId);
    await app.strapi.documents(ASSOCIATION).create({ data: { name: 'Solidarités Rhône Ensemble', receiptsEnabled: false } });
    const off = await generate({ year: GIFT_YEAR, mode: 'annual' });
    expect(off.status).toBe(400);
    expect(off.body.error.message).toMatch(/Peut émettre des reçus fiscaux/);

    const association = await app.strapi.documents(ASSOCIATION).findFirst();
    await app.strapi.documents(ASSOCIATION).update({ documentId: association.documentId, data: { receiptsEnabled: true } });
    const missing = await preview({ year: GIFT_YEAR, mode: 'annual' });
    expect(missing.status).toBe(400);
    for (const label of [
      'N° SIREN ou N° RNA',
      'Adresse',
      'Objet',
      'catégorie de l’organisme',
      'nom du signataire',
      'qualité du signataire',
      'image de la signature',
    ]) {
      expect(missing.body.error.message).toContain(label);
    }
    expect(await app.strapi.db.query(RECEIPT).count()).toBe(0);
    await configureReceipts(app);
  });

  it('previews exactly what a bulk generation issues, and leaves out each ineligible gift with its reason', async () => {
    const ok = await donor(app, { lastName: 'Bernard', firstName: 'Louise', email: 'louise@exemple.org' });
    await donation(app, ok.documentId, { amount: 30, receivedAt: `${GIFT_YEAR}-02-01` });
    await donation(app, ok.documentId, { amount: 45.5, receivedAt: `${GIFT_YEAR}-11-20`, method: 'transfer' });
    await donation(app, ok.documentId, { amount: 99, receivedAt: `${GIFT_YEAR + 1}-01-05` }); // next year: not in this one
    ids.louise = ok.documentId;

    const excludedDonor = await donor(app, { lastName: 'Exclus', firstName: 'Marc' });
    await donation(app, excludedDonor.documentId, { amount: 11, method: 'helloasso', receiptedElsewhere: true });
    await donation(app, excludedDonor.documentId, { amount: 12, refunded: true });
    await donation(app, excludedDonor.documentId, { amount: 13, nature: 'in_kind', description: null });
    await donation(app, excludedDonor.documentId, { amount: 14, nature: 'waived_expenses', description: 'Trajets' });
    const noAddress = await donor(app, { lastName: 'Sansadresse', firstName: 'Léa', address: null });
    await donation(app, noAddress.documentId, { amount: 15 });
    const noName = await donor(app, { lastName: 'Prénommanquant', firstName: null });
    await donation(app, noName.documentId, { amount: 16 });
    // a membership fee is a contribution, never a donation: it never reaches a receipt
    const member = await app.strapi.documents('api::member.member').create({ data: { firstName: 'Louise', lastName: 'Bernard' } });
    await app.strapi
      .documents('api::contribution.contribution')
      .create({ data: { member: member.documentId, amount: 25, paidAt: `${GIFT_YEAR}-03-01`, paymentMethod: 'cheque' } });

    const company = await donor(app, {
      kind: 'company',
      companyName: 'Boulangerie du Parc',
      legalForm: 'SARL',
      siren: '401234567',
      lastName: null,
      firstName: null,
      fiscalYearEndMonth: 6,
    });
    await donation(app, company.documentId, { amount: 500, receivedAt: `${GIFT_YEAR - 1}-09-10`, method: 'transfer' }); // financial year July–June
    await donation(app, company.documentId, { amount: 250, receivedAt: `${GIFT_YEAR}-06-30`, method: 'transfer' });
    await donation(app, company.documentId, { amount: 999, receivedAt: `${GIFT_YEAR}-07-01`, method: 'transfer' }); // next financial year
    ids.company = company.documentId;

    const res = await preview({ year: GIFT_YEAR, mode: 'annual' });
    expect(res.status).toBe(200);
    const byName = Object.fromEntries((res.body as Preview).receipts.map((r) => [r.donor.name, r]));
    expect(byName['Bernard Louise']).toMatchObject({
      donations: 2,
      total: '75.50',
      periodStart: `${GIFT_YEAR}-01-01`,
      periodEnd: `${GIFT_YEAR}-12-31`,
    });
    expect(byName['Boulangerie du Parc']).toMatchObject({
      donations: 2,
      total: '750.00',
      periodStart: `${GIFT_YEAR - 1}-07-01`,
      periodEnd: `${GIFT_YEAR}-06-30`,
    });
    expect(Object.keys(byName)).not.toContain('Exclus Marc');
    const reasons = (res.body as Preview).excluded.map((e) => `${e.donor?.name} ${e.donation?.amount} ${e.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Exclus Marc 11\.00 Reçu fiscal déjà émis par HelloAsso/),
        expect.stringMatching(/^Exclus Marc 12\.00 Don remboursé/),
        expect.stringMatching(/^Exclus Marc 13\.00 Don en nature sans description/),
        expect.stringMatching(
          /^Exclus Marc 14\.00 Abandon de frais sans la renonciation signée au remboursement ni les justificatifs des frais/
        ),
        expect.stringMatching(/^Sansadresse Léa 15\.00 Adresse du donateur incomplète \(adresse\)/),
        expect.stringMatching(/^Prénommanquant 16\.00 Identité du donateur incomplète : prénom/),
      ])
    );
    // the first test's donor (50 €) is also there: count and total add up
    const sum = (res.body as Preview).receipts.reduce((s, r) => s + Math.round(Number(r.total) * 100), 0);
    expect(Math.round(Number(res.body.total) * 100)).toBe(sum);
    expect(res.body.count).toBe(res.body.receipts.length);
    expect(await app.strapi.db.query(RECEIPT).count()).toBe(0); // a preview issues nothing
    ids.previewCount = String(res.body.count);
  });

  it('two simultaneous bulk generations issue each receipt once, numbered YYYY-NNNNN without gap', async () => {
    // enough receipts for the two runs to overlap
    for (let i = 0; i < 25; i++) {
      const d = await donor(app, { lastName: `Foule${String(i).padStart(2, '0')}` });
      await donation(app, d.documentId, { amount: 10 + i });
    }
    const expected = Number(ids.previewCount) + 25;
    const [a, b] = await Promise.all([generate({ year: GIFT_YEAR, mode: 'annual' }), generate({ year: GIFT_YEAR, mode: 'annual' })]);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    const created: IssuedReceipt[] = [...a.body, ...b.body];
    expect(created).toHaveLength(expected);
    const receipts = await storedReceipts(app);
    expect(receipts).toHaveLength(expected);
    expect(receipts.map((r) => r.number)).toEqual(
      receipts.map((_: unknown, i: number) => `${ISSUE_YEAR}-${String(i + 1).padStart(5, '0')}`)
    );
    expect(new Set(created.map((r) => r.number)).size).toBe(created.length);
    // each donation in one receipt
    const covered = receipts.flatMap((r) => r.donations.map((d) => d.documentId));
    expect(new Set(covered).size).toBe(covered.length);
    const louise = receipts.find((r) => r.donorName === 'Bernard Louise');
    expect(louise).toMatchObject({ mode: 'annual', donorKind: 'individual', donorEmail: 'louise@exemple.org', cancelled: false });
    expect(Number(louise.total)).toBe(75.5);
    ids.louiseReceipt = louise.documentId;
    ids.companyReceipt = receipts.find((r) => r.donorKind === 'company').documentId;

    // generating again issues nothing: every eligible donation is covered
    const again = await generate({ year: GIFT_YEAR, mode: 'annual' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual([]);
  });

  it('a donation is never in two live receipts: a single receipt for a covered donation is a 409 naming the receipt', async () => {
    const [covered] = await app.strapi.db.query(DONATION).findMany({ where: { donor: { documentId: ids.louise }, amount: 30 } });
    const res = await generate({ donation: covered.documentId, mode: 'single' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(`${ISSUE_YEAR}-`);
    const count = await app.strapi.db.query(RECEIPT).count();
    // one donation, one receipt: issued once, then refused
    const d = await donor(app, { lastName: 'Unique', firstName: 'Paul' });
    const gift = await donation(app, d.documentId, { amount: 20 });
    const [first, second] = await Promise.all([generate({ donation: gift.documentId }), generate({ donation: gift.documentId })]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    expect(await app.strapi.db.query(RECEIPT).count()).toBe(count + 1);
    ids.single = (first.status === 201 ? first : second).body[0].documentId;
  });

  it('a receipt is never edited nor deleted: content manager, Document Service and content API all refuse, nothing changes', async () => {
    const before = await app.strapi.db.query(RECEIPT).findOne({ where: { documentId: ids.louiseReceipt } });
    const update = await app.admin('put', cm(RECEIPT, ids.louiseReceipt)).send({ total: 1, donorName: 'Falsifié' });
    expect(update.status).toBe(403);
    expect(update.body.error.message).toMatch(/jamais modifié ni supprimé/);
    const del = await app.admin('delete', cm(RECEIPT, ids.louiseReceipt));
    expect(del.status).toBe(403);
    const create = await app
      .admin('post', cm(RECEIPT))
      .send({ number: `${ISSUE_YEAR}-99999`, numberYear: ISSUE_YEAR, sequence: 99999, total: 10 });
    // refused (by the content manager's own checks, or by the guard when every field is there)
    expect([400, 403]).toContain(create.status);
    await expect(app.strapi.documents(RECEIPT).update({ documentId: ids.louiseReceipt, data: { total: 2 } })).rejects.toThrow(
      /jamais modifié/
    );
    await expect(app.strapi.documents(RECEIPT).delete({ documentId: ids.louiseReceipt })).rejects.toThrow(/jamais modifié/);
    const token = (await app.strapi.service('admin::api-token').create({ name: 'intégration', type: 'full-access', lifespan: null }))
      .accessKey;
    for (const [method, url] of [
      ['get', '/api/receipts'],
      ['put', `/api/receipts/${ids.louiseReceipt}`],
      ['delete', `/api/receipts/${ids.louiseReceipt}`],
      ['post', '/api/receipts'],
    ] as const) {
      const res = await app
        .http()
        [method](url)
        .set('Authorization', `Bearer ${token}`)
        .send({ data: { total: 3 } });
      expect([404, 405]).toContain(res.status);
    }
    const after = await app.strapi.db.query(RECEIPT).findOne({ where: { documentId: ids.louiseReceipt } });
    expect(after).toEqual(before);
    expect(await app.strapi.db.query(RECEIPT).count({ where: { sequence: 99999 } })).toBe(0);
    // a donation on a receipt is never deleted either
    const [gift] = await app.strapi.db.query(DONATION).findMany({ where: { donor: { documentId: ids.louise }, amount: 30 } });
    const delGift = await app.admin('delete', cm(DONATION, gift.documentId));
    expect(delGift.status).toBe(400);
    expect(delGift.body.error.message).toContain(after.number);
    expect(await app.strapi.db.query(DONATION).count({ where: { documentId: gift.documentId } })).toBe(1);
  });

  it('cancel: reason required, the number stays used, the PDF says ANNULÉ, the donations are free again; a replacement references it', async () => {
    const noReason = await app.admin('post', `/back-office/receipts/${ids.louiseReceipt}/cancel`).send({ reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toMatch(/^Motif d’annulation/);

    const original = await pdfOf(ids.louiseReceipt);
    expect(original).not.toContain('ANNULÉ');

    const res = await app.admin('post', `/back-office/receipts/${ids.louiseReceipt}/cancel`).send({ reason: 'Adresse erronée' });
    expect(res.status).toBe(200);
    const stored = await app.strapi.db.query(RECEIPT).findOne({ where: { documentId: ids.louiseReceipt } });
    expect(stored).toMatchObject({ cancelled: true, cancelReason: 'Adresse erronée' });
    const text = await pdfOf(ids.louiseReceipt);
    expect(text).toContain('ANNULÉ');
    expect(text).toContain(`Reçu fiscal n° ${stored.number}`);
    expect(text).toContain('motif : Adresse erronée');
    expect((await app.admin('post', `/back-office/receipts/${ids.louiseReceipt}/cancel`).send({ reason: 'encore' })).status).toBe(409);

    // the next receipt takes a new number: the cancelled one is never reused
    const max = (await storedReceipts(app)).length;
    const again = await generate({ year: GIFT_YEAR, donor: ids.louise, mode: 'annual' });
    expect(again.status).toBe(201);
    expect(again.body[0].number).toBe(`${ISSUE_YEAR}-${String(max + 1).padStart(5, '0')}`);

    // replace: cancelled and reissued in one step, the new one names the old one
    const replaced = await app
      .admin('post', `/back-office/receipts/${again.body[0].documentId}/replace`)
      .send({ reason: 'Nom mal orthographié' });
    expect(replaced.status).toBe(201);
    expect(replaced.body.cancelled).toMatchObject({ number: again.body[0].number, cancelled: true });
    expect(replaced.body.replacement.number).toBe(`${ISSUE_YEAR}-${String(max + 2).padStart(5, '0')}`);
    const newText = await pdfOf(replaced.body.replacement.documentId);
    expect(newText).toContain(`Ce reçu annule et remplace le reçu n° ${again.body[0].number}`);
    const link = await app.strapi.db
      .query(RECEIPT)
      .findOne({ where: { documentId: replaced.body.replacement.documentId }, populate: { replaces: true } });
    expect(link.replaces.number).toBe(again.body[0].number);
  });

  it('the declaration counts the receipts issued in the year and their total, cancelled ones excluded (JSON, CSV, XLSX)', async () => {
    const receipts = await storedReceipts(app);
    const live = receipts.filter((r) => !r.cancelled);
    const expected = live.reduce((s, r) => s + Math.round(Number(r.total) * 100), 0);
    const res = await app.admin('get', `/back-office/receipts/declaration?year=${ISSUE_YEAR}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      year: ISSUE_YEAR,
      count: live.length,
      totalCents: expected,
      cancelled: receipts.length - live.length,
    });
    expect(receipts.length - live.length).toBe(2);
    expect((await app.admin('get', `/back-office/receipts/declaration?year=${ISSUE_YEAR - 1}`)).body).toMatchObject({
      count: 0,
      totalCents: 0,
    });

    const csv = await download(app, `/back-office/receipts/declaration?year=${ISSUE_YEAR}&format=csv`);
    expect(csv.status).toBe(200);
    const rows = parse(csv.body.toString('utf8').replace(/^\uFEFF/, ''), { columns: true, delimiter: ';' });
    expect(rows).toHaveLength(receipts.length);
    expect(rows[0]).toHaveProperty('Numéro', receipts[0].number);
    expect(rows.filter((r: Json) => r['Annulé'] === 'Oui')).toHaveLength(2);

    const xlsx = await download(app, `/back-office/receipts/declaration?year=${ISSUE_YEAR}&format=xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    const sheet = wb.worksheets[0];
    const lines: string[] = [];
    sheet.eachRow((row) => lines.push((row.values as ExcelJS.CellValue[]).slice(1).join('|')));
    expect(lines[1]).toBe(`Nombre de reçus émis (hors annulés) : ${live.length}`);
    expect(lines[2]).toContain(`${Math.floor(expected / 100)},${String(expected % 100).padStart(2, '0')} €`);
  });

  it('rights: treasurer issues and cancels; partnerships manager reads company receipts only; secretary reads none', async () => {
    const treasurer = await loginAs(app, 'asso-treasurer');
    const partnerships = await loginAs(app, 'asso-partnerships');
    const secretary = await loginAs(app, 'asso-secretary');
    const count = await app.strapi.db.query(RECEIPT).count();

    const d = await donor(app, { lastName: 'Droits', firstName: 'Inès' });
    const gift = await donation(app, d.documentId, { amount: 40 });
    for (const token of [partnerships, secretary]) {
      expect((await generate({ donation: gift.documentId }, token)).status).toBe(403);
      expect((await preview({ year: GIFT_YEAR }, token)).status).toBe(403);
      expect((await app.admin('post', `/back-office/receipts/${ids.single}/cancel`, token).send({ reason: 'x' })).status).toBe(403);
      expect((await app.admin('post', '/back-office/receipts/send', token).send({ year: ISSUE_YEAR })).status).toBe(403);
      expect((await app.admin('get', `/back-office/receipts/declaration?year=${ISSUE_YEAR}`, token)).status).toBe(403);
    }
    expect(await app.strapi.db.query(RECEIPT).count()).toBe(count);
    const issued = await generate({ donation: gift.documentId }, treasurer);
    expect(issued.status).toBe(201);
    expect((await app.admin('get', `/back-office/receipts/declaration?year=${ISSUE_YEAR}`, treasurer)).status).toBe(200);

    const list = await app.admin('get', `/back-office/receipts?year=${ISSUE_YEAR}&pageSize=200`, partnerships);
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeGreaterThan(0);
    expect(list.body.data.every((r: Json) => r.donorKind === 'company')).toBe(true);
    expect((await app.admin('get', `/back-office/receipts/${ids.companyReceipt}/pdf`, partnerships)).status).toBe(200);
    expect((await app.admin('get', `/back-office/receipts/${ids.single}/pdf`, partnerships)).status).toBe(403);
    // and the same through the content manager
    const cmList = await app.admin('get', cm(RECEIPT), partnerships);
    expect(cmList.status).toBe(200);
    expect(cmList.body.results.length).toBeGreaterThan(0);
    expect(cmList.body.results.every((r: Json) => r.donorKind === 'company')).toBe(true);
    expect((await app.admin('get', cm(RECEIPT, ids.single), partnerships)).status).toBe(403);
    expect((await app.admin('get', cm(RECEIPT, ids.companyReceipt), partnerships)).status).toBe(200);

    expect((await app.admin('get', `/back-office/receipts?year=${ISSUE_YEAR}`, secretary)).status).toBe(403);
    expect((await app.admin('get', `/back-office/receipts/${ids.single}/pdf`, secretary)).status).toBe(403);
    expect((await app.admin('get', cm(RECEIPT), secretary)).status).toBe(403);
    const all = await app.admin('get', `/back-office/receipts?year=${ISSUE_YEAR}&pageSize=200`, treasurer);
    expect(all.body.pagination.total).toBe(count + 1);
    // the treasurer reads receipts in the content manager but cannot edit them
    expect((await app.admin('put', cm(RECEIPT, ids.single), treasurer).send({ total: 1 })).status).toBe(403);
  });
});
