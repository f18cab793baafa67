import type { Response } from 'supertest';
import path from 'path';
import { startStrapi, TestApp, DB_CLIENT, cm } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import { DEFAULT_CATEGORIES, ensureDefaultBooks } from '../../src/back-office/books/defaults';
import type { Json } from '../helpers/types';

/**
 * The books' first slice (src/back-office/books/): the default chart of accounts, the write rules of an
 * entry as the treasurer meets them in the content manager (a French 400 naming the field, nothing
 * written), transfers, balances at a date, the closing of a fiscal year on every write path, rights.
 * Runs on SQLite and PostgreSQL.
 */
const ENTRY = 'api::ledger-entry.ledger-entry';
const ACCOUNT = 'api::cash-account.cash-account';
const CATEGORY = 'api::ledger-category.ledger-category';
const FISCAL_YEAR = 'api::fiscal-year.fiscal-year';

/** An 8×8 PNG: the photo of a receipt. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGNQcGjAihiGlgQAygM4AbBvOSMAAAAASUVORK5CYII=', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe(`books (${DB_CLIENT})`, () => {
  let app: TestApp;
  let treasurer: string;
  const category: Record<string, string> = {};
  let bank: string;
  let cashBox: string;
  const link = (documentId: string) => ({ connect: [{ documentId }] });
  const count = () => app.strapi.db.query(ENTRY).count();
  const upload = async (bytes: Buffer, filename: string, contentType: string) => {
    const res = await app.admin('post', '/upload').attach('files', bytes, { filename, contentType });
    expect(res.status).toBe(201);
    return res.body[0].id as number;
  };
  /** An entry as the content manager sends it, with sensible values for what the test does not say. */
  const entry = (data: Json = {}) => ({
    date: '2024-03-10',
    label: 'Achat de fournitures',
    amount: 42.5,
    direction: 'expense',
    category: link(category['606']),
    cashAccount: link(bank),
    paymentMethod: 'card',
    ...data,
  });
  const post = (data: Json, token = treasurer) => app.admin('post', cm(ENTRY), token).send(data);
  const created = async (data: Json) => {
    const res = await post(entry(data));
    expect({ status: res.status, body: res.status === 201 ? null : res.body }).toEqual({ status: 201, body: null });
    return res.body.data.documentId as string;
  };
  /** The refusal a person sees: 400, French, the field named, its label first. */
  const expectRefused = (res: Response, field: string, message: RegExp) => {
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual([field]);
    expect(res.body.error.message).toMatch(message);
  };

  beforeAll(async () => {
    app = await startStrapi();
    treasurer = await loginAs(app, 'asso-treasurer');
    for (const c of await app.strapi.db.query(CATEGORY).findMany({})) category[c.number] = c.documentId;
    const account = async (name: string, kind: string, extra: Json = {}) => {
      const res = await app.admin('post', cm(ACCOUNT), treasurer).send({ name, kind, ...extra });
      expect(res.status).toBe(201);
      return res.body.data.documentId as string;
    };
    bank = await account('Banque Populaire', 'bank', {
      iban: 'fr76 3000 6000 0112 3456 7890 189',
      openingBalances: [{ fiscalYear: 2024, amount: 1000 }],
    });
    cashBox = await account('Caisse', 'cash', { openingBalances: [{ fiscalYear: 2024, amount: 50.5 }] });
  }, 300_000);
  afterAll(() => app?.stop());

  it('starts with the chart of accounts a treasurer knows and a current account, once', async () => {
    const categories = await app.strapi.db.query(CATEGORY).findMany({ orderBy: { number: 'asc' } });
    expect(categories.map((c: Json) => [c.number, c.kind])).toEqual(
      [...DEFAULT_CATEGORIES].sort((a, b) => a.number.localeCompare(b.number)).map((c) => [c.number, c.kind])
    );
    expect(categories.find((c: Json) => c.number === '756')).toMatchObject({
      name: 'Cotisations',
      displayName: '756 Cotisations',
      kind: 'income',
      active: true,
    });
    expect((await app.strapi.db.query(ACCOUNT).findMany({ where: { name: 'Compte courant' } })).length).toBe(1);
    // an entry's payment methods are a contribution's
    expect(app.strapi.getModel(ENTRY).attributes.paymentMethod.enum).toEqual(
      app.strapi.getModel('api::contribution.contribution').attributes.paymentMethod.enum
    );
    // a second start adds nothing
    expect(await ensureDefaultBooks(app.strapi)).toBe(false);
    expect(await app.strapi.db.query(CATEGORY).count()).toBe(DEFAULT_CATEGORIES.length);
    // the IBAN as the bank prints it, kept without spaces
    expect((await app.strapi.db.query(ACCOUNT).findOne({ where: { documentId: bank } })).iban).toBe('FR7630006000011234567890189');
  });

  it('shows the books in French in the content manager: labels, categories as « 606 Achats », entries newest first', async () => {
    const missing: string[] = [];
    for (const uid of [ENTRY, ACCOUNT, CATEGORY, FISCAL_YEAR]) {
      const model = app.strapi.getModel(uid);
      const res = await app.admin('get', `/content-manager/content-types/${uid}/configuration`, treasurer);
      expect(res.status).toBe(200);
      for (const field of Object.keys(model.attributes).filter((f) => !['createdBy', 'updatedBy'].includes(f))) {
        if (res.body.data.contentType.metadatas[field]?.edit?.label === field) missing.push(`${uid}.${field}`);
      }
    }
    expect(missing).toEqual([]);
    const entries = (await app.admin('get', `/content-manager/content-types/${ENTRY}/configuration`, treasurer)).body.data.contentType;
    expect(entries.metadatas.category.edit).toMatchObject({ label: 'Catégorie', mainField: 'displayName' });
    expect(entries.settings).toMatchObject({ defaultSortBy: 'date', defaultSortOrder: 'DESC' });
    const categories = (await app.admin('get', `/content-manager/content-types/${CATEGORY}/configuration`, treasurer)).body.data
      .contentType;
    expect(categories.metadatas.displayName.edit.editable).toBe(false);
  });

  it('refuses each bad entry with a French 400 naming the field, and writes nothing', async () => {
    const text = await upload(Buffer.from('pas une facture'), 'notes.txt', 'text/plain');
    const cases: Array<[string, Json, string, RegExp]> = [
      ['zero amount', { amount: 0 }, 'amount', /^Montant \(€\) : doit être supérieur à 0\. .*« Dépense »/],
      ['negative amount', { amount: -20 }, 'amount', /^Montant \(€\) : doit être supérieur à 0/],
      ['three decimals', { amount: 12.345 }, 'amount', /^Montant \(€\) : /],
      ['no category', { category: undefined }, 'category', /^Catégorie : obligatoire pour une dépense/],
      ['income in an expense category', { direction: 'income' }, 'category', /^Catégorie : « 606 Achats.* » est une catégorie de dépenses/],
      [
        'transfer with a category',
        { direction: 'transfer', toCashAccount: link(cashBox) },
        'category',
        /^Catégorie : un virement entre comptes n’a pas de catégorie/,
      ],
      [
        'transfer without destination',
        { direction: 'transfer', category: undefined },
        'toCashAccount',
        /^Vers le compte \(virement\) : obligatoire/,
      ],
      [
        'transfer to the same account',
        { direction: 'transfer', category: undefined, toCashAccount: link(bank) },
        'toCashAccount',
        /doit être différent/,
      ],
      ['destination on an expense', { toCashAccount: link(cashBox) }, 'toCashAccount', /seulement pour un virement/],
      ['no account', { cashAccount: undefined }, 'cashAccount', /^Compte : ce champ est obligatoire/],
      [
        'voucher that is not an image nor a PDF',
        { voucher: text },
        'voucher',
        /^Justificatif : « notes\.txt » n’est ni une image ni un PDF/,
      ],
      ['150 € without voucher', { amount: 150 }, 'voucher', /^Justificatif : obligatoire à partir de 150,00\s€/],
      ['no date', { date: undefined }, 'date', /^Date : /],
    ];
    const before = await count();
    const wrong: string[] = [];
    for (const [what, change, field, message] of cases) {
      const data: Json = entry(change);
      for (const key of Object.keys(data)) if (data[key] === undefined) delete data[key];
      const res = await post(data);
      const got = `${res.status} ${JSON.stringify(res.body?.error?.details?.errors?.[0]?.path)} ${res.body?.error?.message}`;
      if (res.status !== 400 || res.body.error.details.errors?.[0]?.path?.[0] !== field || !message.test(res.body.error.message))
        wrong.push(`${what}: ${got}`);
    }
    expect(wrong).toEqual([]);
    expect(await count()).toBe(before);
  });

  it('accepts a photo or a PDF as the voucher, and small amounts without one', async () => {
    const photo = await upload(PNG, 'ticket-caisse.png', 'image/png');
    const invoice = await upload(PDF, 'facture-maif.pdf', 'application/pdf');
    await created({ label: 'Assurance MAIF', amount: 312.4, category: link(category['616']), voucher: invoice, paymentMethod: 'transfer' });
    await created({ label: 'Achat de fournitures', amount: 150, voucher: photo });
    await created({ label: 'Timbres', amount: 149.99, category: link(category['626']) });
    // removing the voucher of a large expense is refused too
    const id = await created({ label: 'Location de la salle', amount: 200, category: link(category['613']), voucher: photo });
    expectRefused(await app.admin('put', cm(ENTRY, id), treasurer).send({ voucher: null }), 'voucher', /^Justificatif : obligatoire/);
    // a transfer between the association's own accounts needs no voucher
    await created({
      label: 'Dépôt d’espèces',
      amount: 300,
      direction: 'transfer',
      category: undefined,
      toCashAccount: link(cashBox),
      paymentMethod: 'cash',
    });
  });

  it('a transfer moves money between two accounts and leaves the total unchanged', async () => {
    const at = async (date: string) =>
      (await app.admin('get', `/back-office/books/balances?date=${date}`, treasurer).expect(200)).body.data;
    const before = await at('2024-05-31');
    await created({
      date: '2024-06-01',
      label: 'Retrait pour la caisse',
      amount: 80,
      direction: 'transfer',
      category: undefined,
      toCashAccount: link(cashBox),
    });
    const after = await at('2024-06-01');
    const of = (data: { accounts: Array<{ documentId: string; balance: number }> }, id: string) =>
      data.accounts.find((a) => a.documentId === id).balance;
    expect(of(after, bank) - of(before, bank)).toBe(-8000);
    expect(of(after, cashBox) - of(before, cashBox)).toBe(8000);
    expect(after.total).toBe(before.total);
  });

  it('gives each account its balance at a date: opening balance + incomes − expenses ± transfers, in cents', async () => {
    const shop = (
      await app
        .admin('post', cm(ACCOUNT), treasurer)
        .send({ name: 'HelloAsso', kind: 'helloasso', openingBalances: [{ fiscalYear: 2025, amount: 10 }] })
    ).body.data.documentId;
    const fair = { cashAccount: link(shop), category: link(category['706']), direction: 'income' };
    await created({ ...fair, date: '2024-12-31', label: 'Billetterie 2024 (avant le solde d’ouverture)', amount: 99 });
    await created({ ...fair, date: '2025-01-01', label: 'Billetterie de la fête', amount: 120.1 });
    await created({ ...fair, date: '2025-02-15', label: 'Billetterie du loto', amount: 45.3 });
    await created({ cashAccount: link(shop), date: '2025-02-20', label: 'Commission', amount: 0.7, category: link(category['627']) });
    await created({
      cashAccount: link(shop),
      date: '2025-03-01',
      label: 'Virement vers la banque',
      amount: 100,
      direction: 'transfer',
      category: undefined,
      toCashAccount: link(bank),
    });
    const balance = async (date: string) => {
      const res = await app.admin('get', `/back-office/books/balances?date=${date}`, treasurer).expect(200);
      return res.body.data.accounts.find((a: Json) => a.documentId === shop);
    };
    // 2024: no opening balance yet, from the first entry
    expect(await balance('2024-12-31')).toMatchObject({ openingYear: null, opening: 0, income: 9900, balance: 9900 });
    // 2025: its opening balance, then only 2025's entries
    expect(await balance('2025-01-31')).toMatchObject({ openingYear: 2025, opening: 1000, income: 12010, expense: 0, balance: 13010 });
    expect(await balance('2025-03-01')).toMatchObject({ income: 16540, expense: 70, transfersOut: 10000, transfersIn: 0, balance: 7470 });
    const res = await app.admin('get', '/back-office/books/balances?date=2025-02-30', treasurer);
    expectRefused(res, 'date', /^Date : « 2025-02-30 » n’est pas une date valide/);
  });

  describe('closing a fiscal year', () => {
    let closedEntry: string;
    let openEntry: string;
    const close = (year: number | string, token = treasurer) => app.admin('post', `/back-office/books/fiscal-years/${year}/close`, token);

    beforeAll(async () => {
      closedEntry = await created({ date: '2023-11-05', label: 'Loyer de la salle', amount: 90, category: link(category['613']) });
      openEntry = await created({ date: '2024-02-05', label: 'Frais bancaires', amount: 6.5, category: link(category['627']) });
      await app
        .admin('put', cm(ACCOUNT, cashBox), treasurer)
        .send({
          openingBalances: [
            { fiscalYear: 2023, amount: 20 },
            { fiscalYear: 2024, amount: 50.5 },
          ],
        })
        .expect(200);
    });

    it('closes once (409 the second time), for the treasurer and the president', async () => {
      const res = await close(2023);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        year: 2023,
        first: '2023-01-01',
        last: '2023-12-31',
        closedBy: expect.stringContaining('asso-treasurer@test.local'),
      });
      const again = await close(2023, app.adminToken);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toBe('L’exercice 2023 (du 01/01/2023 au 31/12/2023) est déjà clos.');
      expect(await app.strapi.db.query(FISCAL_YEAR).count()).toBe(1);
      expect((await close('20x3')).status).toBe(400);
      // the president (super admin) closes too
      expect((await close(2022, app.adminToken)).status).toBe(200);
    });

    it('records what the year held when it was closed, and never closes a year that has not ended', async () => {
      const thisYear = Number(new Date().toISOString().slice(0, 4)) + 1;
      expectRefused(await close(thisYear), 'year', /^Exercice : L’exercice \d{4} \(du .*\) n’est pas terminé/);
      expect(await app.strapi.db.query(FISCAL_YEAR).count({ where: { year: thisYear } })).toBe(0);
      // the 2023 closing above: the rent of 90 € and nothing else
      const closed2023 = (await close(2023)).body; // 409, the record stays as it was
      expect(closed2023.error.message).toMatch(/est déjà clos/);
      const record = await app.strapi.db.query(FISCAL_YEAR).findOne({ where: { year: 2023 } });
      expect({ entries: record.entryCount, income: Number(record.income), expense: Number(record.expense) }).toEqual({
        entries: 1,
        income: 0,
        expense: 90,
      });
      // what is sent for them is ignored: they are counted
      const forged = await app.admin('post', cm(FISCAL_YEAR), app.adminToken).send({ year: 2017, entryCount: 99, income: 1000000 });
      expect(forged.status).toBe(201);
      expect(await app.strapi.db.query(FISCAL_YEAR).findOne({ where: { year: 2017 } })).toMatchObject({ entryCount: 0, income: 0 });
    });

    it('lets no entry into a year while it is being closed: the closing counts exactly the entries the year keeps', async () => {
      const day = (i: number) => `2018-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
      const write = (i: number) => post(entry({ date: day(i), label: `Achat n° ${i}`, amount: 10 + i }));
      const answers = await Promise.all([
        ...Array.from({ length: 12 }, (_, i) => write(i)),
        close(2018),
        ...Array.from({ length: 12 }, (_, i) => write(12 + i)),
      ]);
      const closing = answers[12];
      expect(closing.status).toBe(200);
      const writes = answers.filter((_, i) => i !== 12);
      // each entry either got in before the closing, or was refused for it: nothing else
      for (const res of writes) {
        if (res.status !== 201) expectRefused(res, 'date', /est clos : on n’y ajoute plus d’écriture/);
      }
      const kept = writes.filter((res) => res.status === 201);
      const record = await app.strapi.db.query(FISCAL_YEAR).findOne({ where: { year: 2018 } });
      const stored = await app.strapi.db
        .query(ENTRY)
        .findMany({ where: { date: { $between: ['2018-01-01', '2018-12-31'] } }, select: ['amount'] });
      expect(stored).toHaveLength(kept.length);
      const cents = stored.reduce((sum: number, e: { amount: string | number }) => sum + Math.round(Number(e.amount) * 100), 0);
      expect({ entries: record.entryCount, expense: Math.round(Number(record.expense) * 100) }).toEqual({
        entries: stored.length,
        expense: cents,
      });
      // and after it, none comes in
      expectRefused(await write(99), 'date', /est clos/);
    });

    it('refuses to create, change or delete an entry of a closed year in the content manager', async () => {
      const stored = await app.strapi.db.query(ENTRY).findOne({ where: { documentId: closedEntry } });
      const before = await count();
      expectRefused(
        await post(entry({ date: '2023-12-31' })),
        'date',
        /^Date : l’exercice 2023 \(du 01\/01\/2023 au 31\/12\/2023\) est clos/
      );
      expectRefused(await app.admin('put', cm(ENTRY, closedEntry), treasurer).send({ amount: 91 }), 'date', /ne peut plus être modifiée/);
      expectRefused(
        await app.admin('put', cm(ENTRY, closedEntry), treasurer).send({ date: '2024-01-02' }),
        'date',
        /ne peut plus être modifiée/
      );
      expectRefused(await app.admin('put', cm(ENTRY, openEntry), treasurer).send({ date: '2023-06-30' }), 'date', /est clos/);
      expectRefused(await app.admin('delete', cm(ENTRY, closedEntry), app.adminToken), 'date', /ne peut plus être supprimée/);
      expect(await count()).toBe(before);
      expect(await app.strapi.db.query(ENTRY).findOne({ where: { documentId: closedEntry } })).toEqual(stored);
      expect((await app.strapi.db.query(ENTRY).findOne({ where: { documentId: openEntry } })).date).toBe('2024-02-05');
      // the closed year's opening balance is part of its accounts too
      const res = await app.admin('put', cm(ACCOUNT, cashBox), treasurer).send({
        openingBalances: [
          { fiscalYear: 2023, amount: 25 },
          { fiscalYear: 2024, amount: 50.5 },
        ],
      });
      expectRefused(res, 'openingBalances', /l’exercice 2023 .* est clos : son solde d’ouverture ne change plus/);
      // an open year's entry still changes, and its correction goes in the open year
      await app.admin('put', cm(ENTRY, openEntry), treasurer).send({ amount: 7 }).expect(200);
      await created({
        date: '2024-01-15',
        label: 'Correction : loyer de novembre 2023 compté deux fois',
        amount: 90,
        direction: 'income',
        category: link(category['758']),
      });
    });

    it('refuses them through the Document Service and the bulk writes of the imports as well', async () => {
      const docs = app.strapi.documents(ENTRY);
      await expect(docs.update({ documentId: closedEntry, data: { label: 'Loyer (modifié)' } })).rejects.toThrow(
        /ne peut plus être modifiée/
      );
      await expect(docs.delete({ documentId: closedEntry })).rejects.toThrow(/ne peut plus être supprimée/);
      await expect(
        docs.create({
          data: { date: '2023-03-01', label: 'Oubli', amount: 10, direction: 'expense', category: category['606'], cashAccount: bank },
        })
      ).rejects.toThrow(/est clos/);
      // the content API, with a full-access token (an integration)
      const token = (await app.strapi.service('admin::api-token').create({ name: 'compta', type: 'full-access', lifespan: null }))
        .accessKey;
      const api = (method: 'post' | 'put' | 'delete', url: string) => app.http()[method](url).set('Authorization', `Bearer ${token}`);
      const forgotten = {
        date: '2023-05-01',
        label: 'Oubli',
        amount: 10,
        direction: 'expense',
        category: category['606'],
        cashAccount: bank,
      };
      expectRefused(await api('post', '/api/ledger-entries').send({ data: forgotten }), 'date', /est clos/);
      expectRefused(
        await api('put', `/api/ledger-entries/${closedEntry}`).send({ data: { amount: 1 } }),
        'date',
        /ne peut plus être modifiée/
      );
      expectRefused(await api('delete', `/api/ledger-entries/${closedEntry}`), 'date', /ne peut plus être supprimée/);
      // createMany / deleteMany (src/back-office/rules/many.ts), the module instance the running server uses
      const { createMany, deleteMany } = require(path.join(process.env.TEST_DIST_DIR!, 'src/back-office/rules/many'));
      const before = await count();
      const good = {
        date: '2024-04-01',
        label: 'Cotisation',
        amount: 20,
        direction: 'income',
        category: { documentId: category['756'] },
        cashAccount: { documentId: bank },
      };
      await expect(createMany(app.strapi, ENTRY, [good, { ...good, date: '2023-04-01' }])).rejects.toThrow(/l’exercice 2023 .* est clos/);
      await expect(deleteMany(app.strapi, ENTRY, [openEntry, closedEntry])).rejects.toThrow(/ne peut plus être supprimée/);
      expect(await count()).toBe(before);
      expect(await app.strapi.db.query(ENTRY).findOne({ where: { documentId: openEntry } })).not.toBeNull();
      // the record of the closing never changes
      const year = await app.strapi.db.query(FISCAL_YEAR).findOne({ where: { year: 2023 } });
      expect((await app.admin('delete', cm(FISCAL_YEAR, year.documentId), app.adminToken)).status).toBe(409);
      expect((await app.admin('put', cm(FISCAL_YEAR, year.documentId), app.adminToken).send({ year: 2019 })).status).toBe(409);
      expect(await app.strapi.db.query(FISCAL_YEAR).findOne({ where: { year: 2023 } })).toEqual(year);
    });
  });

  it('keeps a category and an account while entries use them', async () => {
    const inUse = await app.admin('delete', cm(CATEGORY, category['613']), treasurer);
    expectRefused(inUse, 'entries', /^Écritures : suppression impossible : \d+ écritures l’utilisent\. Décochez plutôt « Active »/);
    expectRefused(await app.admin('put', cm(CATEGORY, category['613'])).send({ kind: 'income' }), 'kind', /son sens ne change plus/);
    expect((await app.admin('delete', cm(ACCOUNT, cashBox), treasurer)).status).toBe(400);
    // an unused category goes; an inactive one is not offered for new entries
    await app.admin('put', cm(CATEGORY, category['64']), treasurer).send({ active: false }).expect(200);
    expectRefused(await post(entry({ category: link(category['64']) })), 'category', /n’est plus utilisée/);
    expectRefused(
      await app.admin('post', cm(CATEGORY), treasurer).send({ number: '6O6', name: 'Achats', kind: 'expense' }),
      'number',
      /des chiffres seulement/
    );
  });

  it('is kept by the treasurer and the president only: other roles get 403', async () => {
    for (const role of ['asso-secretary', 'asso-partnerships', 'asso-volunteer-manager'] as const) {
      const token = await loginAs(app, role);
      expect((await app.admin('get', '/back-office/books/balances', token)).status).toBe(403);
      expect((await close(2021, token)).status).toBe(403);
      expect((await post(entry(), token)).status).toBe(403);
      expect((await app.admin('get', cm(ENTRY), token)).status).toBe(403);
    }
    expect(await app.strapi.db.query(FISCAL_YEAR).findOne({ where: { year: 2021 } })).toBeNull();
    expect((await app.admin('get', '/back-office/books/balances', app.adminToken)).status).toBe(200);
    expect((await app.admin('get', cm(ENTRY), treasurer)).status).toBe(200);
  });

  const close = (year: number, token: string) => app.admin('post', `/back-office/books/fiscal-years/${year}/close`, token);
});
