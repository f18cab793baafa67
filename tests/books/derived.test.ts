import path from 'path';
import type { Response } from 'supertest';
import { startStrapi, TestApp, DB_CLIENT, cm } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';

/**
 * The entries derived from the contributions, donations and subsidy payments (src/back-office/books/derived.ts):
 * each appears once in the books, on the account its payment method implies, follows its source, leaves
 * with it (a refund too, by a counter-entry when its year is closed), and is changed by a person only in
 * its cash account. Runs on SQLite and PostgreSQL.
 */
const ENTRY = 'api::ledger-entry.ledger-entry';
const ACCOUNT = 'api::cash-account.cash-account';
const CATEGORY = 'api::ledger-category.ledger-category';
const CONTRIBUTION = 'api::contribution.contribution';
const DONATION = 'api::donation.donation';
const SUBSIDY = 'api::subsidy.subsidy';
const MEMBER = 'api::member.member';
const DONOR = 'api::donor.donor';
const PARTNER = 'api::partner.partner';

describe(`derived entries (${DB_CLIENT})`, () => {
  let app: TestApp;
  let treasurer: string;
  let bank: string;
  let cashBox: string;
  let marie: string;
  let donor: string;
  const category: Record<string, string> = {};
  const link = (documentId: string) => ({ connect: [{ documentId }] });
  /** An account's balance, as /back-office/books/balances gives it. */
  type Balance = { documentId: string; opening: number; income: number; balance: number };
  /** The derived entries of a source, as the books show them. */
  const entriesOf = async (relation: 'contribution' | 'donation' | 'subsidy', documentId: string) =>
    app.strapi.db.query(ENTRY).findMany({
      where: { [relation]: { documentId } },
      orderBy: { id: 'asc' },
      populate: { cashAccount: true, category: true, [relation]: true },
    });
  const expectRefused = (res: Response, field: string | null, message: RegExp) => {
    expect({ status: res.status, message: res.body?.error?.message }).toEqual({ status: 400, message: expect.stringMatching(message) });
    if (field) expect(res.body.error.details.errors[0].path).toEqual([field]);
  };
  const contribution = async (data: Record<string, unknown>) => {
    const res = await app.admin('post', cm(CONTRIBUTION), treasurer).send({ member: link(marie), ...data });
    expect({ status: res.status, body: res.status === 201 ? null : res.body }).toEqual({ status: 201, body: null });
    return res.body.data.documentId as string;
  };
  const donation = async (data: Record<string, unknown>) => {
    const res = await app.admin('post', cm(DONATION)).send({ donor: link(donor), ...data });
    expect({ status: res.status, body: res.status === 201 ? null : res.body }).toEqual({ status: 201, body: null });
    return res.body.data.documentId as string;
  };

  beforeAll(async () => {
    app = await startStrapi();
    treasurer = await loginAs(app, 'asso-treasurer');
    for (const c of await app.strapi.db.query(CATEGORY).findMany({})) category[c.number] = c.documentId;
    // the current account created at first start is the main bank account; a cash box; books from 2024
    bank = (await app.strapi.db.query(ACCOUNT).findOne({ where: { kind: 'bank' } })).documentId;
    const res = await app.admin('post', cm(ACCOUNT), treasurer).send({
      name: 'Caisse',
      kind: 'cash',
      openingBalances: [{ fiscalYear: 2024, amount: 20 }],
    });
    expect(res.status).toBe(201);
    cashBox = res.body.data.documentId;
    marie = (await app.strapi.documents(MEMBER).create({ data: { firstName: 'Marie', lastName: 'Dupont' } })).documentId;
    donor = (await app.strapi.documents(DONOR).create({ data: { kind: 'individual', firstName: 'Jean', lastName: 'Martin' } })).documentId;
  }, 300_000);
  afterAll(() => app?.stop());

  it('puts a contribution, a cash donation and a subsidy payment in the books once, on the implied account', async () => {
    const c = await contribution({ amount: 30, paidAt: '2026-03-15', paymentMethod: 'cheque' });
    const [ce, ...moreC] = await entriesOf('contribution', c);
    expect(moreC).toEqual([]);
    expect(ce).toMatchObject({
      origin: 'contribution',
      date: '2026-03-15',
      label: 'Cotisation 2026 \u2013 Marie Dupont',
      direction: 'income',
      paymentMethod: 'cheque',
      cashAccount: { documentId: bank },
      category: { number: '756' },
    });
    expect(Number(ce.amount)).toBe(30);

    const d = await donation({ amount: 200, receivedAt: '2026-04-01', method: 'cash', nature: 'cash' });
    const [de, ...moreD] = await entriesOf('donation', d);
    expect(moreD).toEqual([]);
    expect(de).toMatchObject({
      origin: 'donation',
      label: 'Don \u2013 Jean Martin',
      cashAccount: { documentId: cashBox },
      category: { number: '754' },
    });
    expect(Number(de.amount)).toBe(200);

    // money that never moved: a gift in kind, expenses waived
    const inKind = await donation({
      amount: 80,
      receivedAt: '2026-04-02',
      method: 'other',
      nature: 'in_kind',
      description: 'Un vidéoprojecteur',
    });
    expect(await entriesOf('donation', inKind)).toEqual([]);

    const funder = await app.strapi.documents(PARTNER).create({ data: { name: 'Mairie de Lyon', kind: 'public_body' } });
    const s = await app
      .admin('post', cm(SUBSIDY))
      .send({ funder: link(funder.documentId), title: 'Fonctionnement 2026', status: 'granted', amountGranted: 1500 });
    expect(s.status).toBe(201);
    expect(await entriesOf('subsidy', s.body.data.documentId)).toEqual([]);
    const paid = await app
      .admin('put', cm(SUBSIDY, s.body.data.documentId))
      .send({ status: 'paid', amountReceived: 1500, receivedAt: '2026-05-02' });
    expect(paid.status).toBe(200);
    const [se, ...moreS] = await entriesOf('subsidy', s.body.data.documentId);
    expect(moreS).toEqual([]);
    expect(se).toMatchObject({
      origin: 'subsidy',
      label: 'Subvention \u2013 Fonctionnement 2026 (Mairie de Lyon)',
      date: '2026-05-02',
      cashAccount: { documentId: bank },
      category: { number: '74' },
    });
    // a contribution paid before the books start (their first opening balance, 2024) is not in them
    expect(await entriesOf('contribution', await contribution({ amount: 15, paidAt: '2023-05-01', paymentMethod: 'cash' }))).toEqual([]);
  });

  it('follows its source: changed with it, gone with it', async () => {
    const c = await contribution({ amount: 25, paidAt: '2026-06-01', paymentMethod: 'cash' });
    expect((await entriesOf('contribution', c))[0].cashAccount.documentId).toBe(cashBox);
    const changed = await app
      .admin('put', cm(CONTRIBUTION, c), treasurer)
      .send({ amount: 27.5, paidAt: '2026-06-03', paymentMethod: 'transfer' });
    expect(changed.status).toBe(200);
    const [e, ...more] = await entriesOf('contribution', c);
    expect(more).toEqual([]);
    expect({ date: e.date, amount: Number(e.amount), method: e.paymentMethod, account: e.cashAccount.documentId }).toEqual({
      date: '2026-06-03',
      amount: 27.5,
      method: 'transfer',
      account: bank,
    });
    // the member renamed: the label follows
    await app.strapi.documents(MEMBER).update({ documentId: marie, data: { lastName: 'Dupont-Moreau' } });
    expect((await entriesOf('contribution', c))[0].label).toBe('Cotisation 2026 \u2013 Marie Dupont-Moreau');
    expect((await app.admin('delete', cm(CONTRIBUTION, c), treasurer)).status).toBe(200);
    expect(await app.strapi.db.query(ENTRY).count({ where: { documentId: e.documentId } })).toBe(0);
  });

  it('lets the treasurer choose the account when none is implied, and nothing else', async () => {
    const c = await contribution({ amount: 40, paidAt: '2026-07-01', paymentMethod: 'helloasso' });
    const [e] = await entriesOf('contribution', c);
    expect(e.cashAccount).toBeNull();
    const put = (data: Record<string, unknown>) => app.admin('put', cm(ENTRY, e.documentId), treasurer).send(data);
    expectRefused(
      await put({ amount: 45 }),
      'amount',
      /^Montant \(€\) : cette écriture vient de la cotisation : seul son compte se choisit ici/
    );
    expectRefused(await put({ date: '2026-07-02' }), 'date', /modifiez la cotisation/);
    expectRefused(await put({ category: link(category['758']) }), 'category', /modifiez la cotisation/);
    expectRefused(await app.admin('delete', cm(ENTRY, e.documentId), treasurer), null, /ne se supprime pas ici/);
    // nor typed by hand
    expectRefused(
      await app.admin('post', cm(ENTRY), treasurer).send({
        date: '2026-07-01',
        label: 'Cotisation',
        amount: 40,
        direction: 'income',
        category: link(category['756']),
        cashAccount: link(bank),
        origin: 'contribution',
      }),
      'origin',
      /s’écrivent seules/
    );
    const chosen = await put({ cashAccount: link(bank) });
    expect(chosen.status).toBe(200);
    const [after] = await entriesOf('contribution', c);
    expect({ account: after.cashAccount.documentId, amount: Number(after.amount), label: after.label }).toEqual({
      account: bank,
      amount: 40,
      label: e.label,
    });
    // the account chosen stays while the contribution changes, but not its payment method
    await app.admin('put', cm(CONTRIBUTION, c), treasurer).send({ amount: 42 }).expect(200);
    expect((await entriesOf('contribution', c))[0].cashAccount.documentId).toBe(bank);
  });

  it('takes a refunded donation out of the books while its year is open', async () => {
    const d = await donation({ amount: 60, receivedAt: '2026-08-01', method: 'cheque', nature: 'cash' });
    expect(await entriesOf('donation', d)).toHaveLength(1);
    await app.admin('put', cm(DONATION, d), treasurer).send({ refunded: true }).expect(200);
    expect(await entriesOf('donation', d)).toEqual([]);
  });

  it('keeps a closed year as it was: a change refused, a refund as a counter-entry in the open year', async () => {
    const c = await contribution({ amount: 20, paidAt: '2025-06-01', paymentMethod: 'cheque' });
    const d = await donation({ amount: 70, receivedAt: '2025-06-10', method: 'transfer', nature: 'cash' });
    const [dEntry] = await entriesOf('donation', d);
    await app.admin('post', '/back-office/books/fiscal-years/2025/close', treasurer).expect(200);

    expectRefused(
      await app.admin('put', cm(CONTRIBUTION, c), treasurer).send({ amount: 22 }),
      'amount',
      /l’exercice 2025 .* est clos : le montant/
    );
    expectRefused(await app.admin('put', cm(CONTRIBUTION, c), treasurer).send({ paidAt: '2026-01-05' }), 'paidAt', /est clos : la date/);
    expectRefused(await app.admin('delete', cm(CONTRIBUTION, c), treasurer), null, /^Cette cotisation est comptée dans l’exercice 2025/);
    const stored = await app.strapi.db.query(CONTRIBUTION).findOne({ where: { documentId: c } });
    expect(Number(stored.amount)).toBe(20);
    // a change that moves no money of the closed year is fine
    await app.admin('put', cm(CONTRIBUTION, c), treasurer).send({ notes: 'Reçue à l’AG' }).expect(200);

    await app.admin('put', cm(DONATION, d), treasurer).send({ refunded: true }).expect(200);
    const [kept, counter, ...more] = await entriesOf('donation', d);
    expect(more).toEqual([]);
    expect(kept).toMatchObject({ documentId: dEntry.documentId, date: '2025-06-10', direction: 'income' });
    const { todayInParis } = require(path.join(process.env.TEST_DIST_DIR!, 'src/core/dates'));
    expect(counter).toMatchObject({
      origin: 'donation',
      direction: 'expense',
      date: todayInParis(),
      label: 'Remboursement \u2013 Don \u2013 Jean Martin',
      category: { number: '754' },
      cashAccount: { documentId: bank },
    });
    expect(Number(counter.amount)).toBe(70);
    // refunded again by a second sync: still one counter-entry
    const { syncDerivedEntries } = require(path.join(process.env.TEST_DIST_DIR!, 'src/back-office/books/derived'));
    await syncDerivedEntries(app.strapi);
    expect(await entriesOf('donation', d)).toHaveLength(2);
  });

  it('derives the entries of many contributions written together (imports), and removes them with their undoing', async () => {
    const { createMany, deleteMany } = require(path.join(process.env.TEST_DIST_DIR!, 'src/back-office/rules/many'));
    const before = await app.strapi.db.query(ENTRY).count({ where: { origin: 'contribution' } });
    const created = await createMany(app.strapi, CONTRIBUTION, [
      { member: { documentId: marie }, amount: 10, paidAt: '2026-09-01', paymentMethod: 'cash' },
      { member: { documentId: marie }, amount: 11, paidAt: '2026-09-02', paymentMethod: 'cheque' },
      { member: { documentId: marie }, amount: 12, paidAt: '2022-09-03', paymentMethod: 'cheque' },
    ]);
    const entries = await Promise.all(created.map((c: { documentId: string }) => entriesOf('contribution', c.documentId)));
    expect(
      entries.map((list) =>
        list.map((e: { amount: string; cashAccount: { documentId: string } | null }) => [
          Number(e.amount),
          e.cashAccount?.documentId ?? null,
        ])
      )
    ).toEqual([[[10, cashBox]], [[11, bank]], []]);
    await deleteMany(
      app.strapi,
      CONTRIBUTION,
      created.map((c: { documentId: string }) => c.documentId)
    );
    expect(await app.strapi.db.query(ENTRY).count({ where: { origin: 'contribution' } })).toBe(before);
  });

  it('gives the entries waiting for their account the account created later', async () => {
    const c = await contribution({ amount: 18, paidAt: '2026-11-02', paymentMethod: 'helloasso' });
    expect((await entriesOf('contribution', c))[0].cashAccount).toBeNull();
    const res = await app.admin('post', cm(ACCOUNT), treasurer).send({ name: 'Solde HelloAsso', kind: 'helloasso' });
    expect(res.status).toBe(201);
    expect((await entriesOf('contribution', c))[0].cashAccount.documentId).toBe(res.body.data.documentId);
  });

  it('counts derived entries in the balances, and the synchronisation is idempotent', async () => {
    const { syncDerivedEntries } = require(path.join(process.env.TEST_DIST_DIR!, 'src/back-office/books/derived'));
    expect(await syncDerivedEntries(app.strapi)).toEqual({ created: 0, updated: 0, removed: 0 });
    const res = await app.admin('get', '/back-office/books/balances?date=2026-12-31', treasurer);
    expect(res.status).toBe(200);
    const box = (res.body.data.accounts as Balance[]).find((a) => a.documentId === cashBox)!;
    // opening 20 € (2024) + the cash donation of 200 €
    expect({ opening: box.opening, income: box.income, balance: box.balance }).toEqual({ opening: 2000, income: 20000, balance: 22000 });
    // an entry lost by a raw delete comes back; one whose source is gone goes
    const c = await contribution({ amount: 33, paidAt: '2026-10-01', paymentMethod: 'cash' });
    const [e] = await entriesOf('contribution', c);
    await app.strapi.db.query(ENTRY).delete({ where: { id: e.id } });
    expect(await syncDerivedEntries(app.strapi)).toMatchObject({ created: 1 });
    expect(await entriesOf('contribution', c)).toHaveLength(1);
    const after = await app.admin('get', '/back-office/books/balances?date=2026-12-31', treasurer);
    expect((after.body.data.accounts as Balance[]).find((a) => a.documentId === cashBox)!.balance).toBe(22000 + 3300);
  });
});
