import type { Response } from 'supertest';
import type { IssuedReceipt } from '../../src/back-office/receipts/issue';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { startSmtp, TestSmtp, recipient } from '../helpers/smtp';
import { flat, pdftotext } from '../outputs/pdf-tools';
import { configureReceipts, donation, donor, GIFT_YEAR, ISSUE_YEAR, RECEIPT } from './helpers';
import type { Json } from '../helpers/types';

/**
 * E-mailing the receipts of a year through a real SMTP server: PDF attached, resumed after the
 * server refuses some mails without sending anything twice, cancelled receipts not sent, donors
 * without e-mail listed for printing.
 */
const DELIVERY = 'api::receipt-delivery.receipt-delivery';

/** A supertest parser that keeps the body as bytes (a PDF). */
const binary = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe(`tax receipts by e-mail (${DB_CLIENT})`, () => {
  let app: TestApp;
  let smtp: TestSmtp;
  const status = () => app.admin('get', `/back-office/receipts/send?year=${ISSUE_YEAR}`);
  const send = async () => {
    const res = await app.admin('post', '/back-office/receipts/send').send({ year: ISSUE_YEAR });
    expect(res.status).toBe(202);
    for (let i = 0; i < 200; i++) {
      const s = await status();
      if (!s.body.running) return s.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('envoi toujours en cours');
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startStrapi({ env: { ...smtp.env, NEWSLETTER_RATE_PER_MINUTE: '6000', NEWSLETTER_BATCH_SIZE: '2' } });
    await configureReceipts(app);
    for (const [lastName, email] of [
      ['Alpha', 'alpha@exemple.org'],
      ['Bravo', 'bravo@exemple.org'],
      ['Charlie', 'charlie@exemple.org'],
      ['Delta', null],
      ['Echo', 'echo@exemple.org'],
    ]) {
      const d = await donor(app, { lastName, email });
      await donation(app, d.documentId, { amount: 42 });
    }
    const res = await app.admin('post', '/back-office/receipts/generate').send({ year: GIFT_YEAR, mode: 'annual' });
    expect(res.status).toBe(201);
    expect(res.body).toHaveLength(5);
    // a cancelled receipt is not sent
    const echo = (res.body as IssuedReceipt[]).find((r) => r.donor.name.startsWith('Echo'));
    expect((await app.admin('post', `/back-office/receipts/${echo.documentId}/cancel`).send({ reason: 'Doublon de saisie' })).status).toBe(
      200
    );
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });

  it('sends each receipt once with its PDF, resumes after an SMTP failure without duplicates, and lists donors without e-mail', async () => {
    smtp.clear();
    smtp.failNext(2); // the SMTP server refuses the first two mails (temporary failure)
    const first = await send();
    expect(first).toMatchObject({ receipts: 4, sent: 1, failed: 2, pending: 0 });
    expect(first.withoutEmail.map((r: Json) => r.donorName)).toEqual(['Delta Anne']);
    expect(smtp.messages).toHaveLength(1);

    const second = await send(); // resuming = sending again
    expect(second).toMatchObject({ receipts: 4, sent: 3, failed: 0, pending: 0 });
    const third = await send(); // nothing left: nothing sent
    expect(third).toMatchObject({ sent: 3 });
    const addresses = smtp.messages.map(recipient).sort();
    expect(addresses).toEqual(['alpha@exemple.org', 'bravo@exemple.org', 'charlie@exemple.org']);

    const [alpha] = smtp.to('alpha@exemple.org');
    const receipt = await app.strapi.db.query(RECEIPT).findOne({ where: { donorEmail: 'alpha@exemple.org' } });
    expect(alpha.subject).toBe(`Votre reçu fiscal n° ${receipt.number} — Solidarités Rhône Ensemble`);
    expect(flat(alpha.text as string)).toContain('42,00 €');
    expect(alpha.attachments).toHaveLength(1);
    expect(alpha.attachments[0]).toMatchObject({ filename: `recu-fiscal-${receipt.number}.pdf`, contentType: 'application/pdf' });
    const text = flat(pdftotext(alpha.attachments[0].content));
    expect(text).toContain(`Reçu fiscal n° ${receipt.number}`);
    expect(text).toContain('Nom : Alpha');
    expect(receipt.sentAt).toBeTruthy();
    // one delivery record per receipt (the engine of every mass mailing), sent once
    const records = await app.strapi.db.query(DELIVERY).findMany({ where: { receipt: { id: receipt.id } } });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'sent', email: 'alpha@exemple.org' });
    // the attachment is the stored PDF, byte for byte
    const download = await app.admin('get', `/back-office/receipts/${receipt.documentId}/pdf`).buffer(true).parse(binary);
    expect(Buffer.compare(download.body, alpha.attachments[0].content)).toBe(0);
    // the cancelled one never left
    expect(smtp.to('echo@exemple.org')).toHaveLength(0);
  });

  it('a receipt claimed but never confirmed (stop during the SMTP exchange) is not sent again', async () => {
    const d = await donor(app, { lastName: 'Foxtrot', email: 'foxtrot@exemple.org' });
    const g = await donation(app, d.documentId, { amount: 10 });
    const res = await app.admin('post', '/back-office/receipts/generate').send({ donation: g.documentId });
    const receipt = await app.strapi.db.query(RECEIPT).findOne({ where: { documentId: res.body[0].documentId } });
    // as left by a process stopped after handing the mail to the server
    await app.strapi.db.query(DELIVERY).create({
      data: {
        receipt: receipt.id,
        year: ISSUE_YEAR,
        deliveryKey: `${ISSUE_YEAR}:receipt-${receipt.id}`,
        email: 'foxtrot@exemple.org',
        status: 'pending',
        attemptedAt: new Date(),
        attempts: 1,
      },
    });
    smtp.clear();
    const after = await send();
    expect(smtp.messages).toHaveLength(0);
    expect(after).toMatchObject({ failed: 1 });
    const record = await app.strapi.db.query(DELIVERY).findOne({ where: { receipt: { id: receipt.id } } });
    expect(record.error).toMatch(/interrompu/);
    expect(await app.strapi.db.query(DELIVERY).count({ where: { receipt: { id: receipt.id } } })).toBe(1);
  });
});
