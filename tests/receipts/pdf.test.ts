import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { download } from '../exports/helpers';
import { drawnText, expectEmbeddedFontsOnly, flat, pdfjsText, pdftotext } from '../outputs/pdf-tools';
import { configureReceipts, donation, donor, GIFT_YEAR, ISSUE_YEAR } from './helpers';
import type { Json } from '../helpers/types';

/**
 * The receipt's PDF read back by poppler's pdftotext (and pdf.js): every mention the law asks for,
 * the amount in figures and in French words for awkward amounts, Unicode names, embedded fonts; the
 * merged PDF of a year for printing.
 */
describe(`tax receipt PDF (${DB_CLIENT})`, () => {
  let app: TestApp;
  const textOf = async (documentId: string) => {
    const res = await download(app, `/back-office/receipts/${documentId}/pdf`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expectEmbeddedFontsOnly(res.body);
    return { text: flat(pdftotext(res.body)), pdf: res.body as Buffer };
  };
  const single = async (amount: number | string, donorData: Json = {}, giftData: Json = {}) => {
    const d = await donor(app, donorData);
    const g = await donation(app, d.documentId, { amount, ...giftData });
    const res = await app.admin('post', '/back-office/receipts/generate').send({ donation: g.documentId, mode: 'single' });
    expect(res.status).toBe(201);
    return res.body[0];
  };

  beforeAll(async () => {
    app = await startStrapi();
    await configureReceipts(app);
  }, 300_000);
  afterAll(() => app?.stop());

  it.each([
    ['0.01', '0,01 €', 'un centime'],
    ['80', '80,00 €', 'quatre-vingts euros'],
    ['71', '71,00 €', 'soixante et onze euros'],
    ['1000000', '1 000 000,00 €', 'un million d’euros'],
    ['21.21', '21,21 €', 'vingt et un euros et vingt et un centimes'],
    ['1234.56', '1 234,56 €', 'mille deux cent trente-quatre euros et cinquante-six centimes'],
    ['280.80', '280,80 €', 'deux cent quatre-vingts euros et quatre-vingts centimes'],
  ])('amount %s: in figures (%s) and in French words (%s)', async (amount, figures, words) => {
    const receipt = await single(amount);
    const { text } = await textOf(receipt.documentId);
    expect(text).toContain(`*** ${figures} ***`);
    expect(text).toContain(`Somme en toutes lettres : ${words}`);
    expect(text).not.toMatch(new RegExp(`${words} \\S*euro`)); // nothing after the words but the end of the sentence
  });

  it('carries every mention of an individual’s receipt, with Unicode names as typed', async () => {
    const receipt = await single(
      '150',
      { lastName: 'Żółć-Øre', firstName: 'Łukasz Ζωή Анна', address: '12 rue d’Île-de-Ré', postalCode: '69007', city: 'Lyon' },
      { method: 'cheque', receivedAt: `${GIFT_YEAR}-05-04` }
    );
    const { text, pdf } = await textOf(receipt.documentId);
    for (const mention of [
      `Reçu fiscal n° ${ISSUE_YEAR}-`,
      'Cerfa n° 11580*05',
      // the organisation
      'Nom ou dénomination : Solidarités Rhône Ensemble',
      'N° SIREN : 812345678',
      'N° RNA : W691234567',
      'Adresse : 3 place Bellecour, 69002 Lyon',
      'Objet : Aide alimentaire et accompagnement des personnes isolées',
      '☒ Œuvre ou organisme d’intérêt général',
      // the donor
      'Nom : Żółć-Øre',
      'Prénoms : Łukasz Ζωή Анна',
      'Adresse : 12 rue d’Île-de-Ré, 69007 Lyon',
      // the gift
      '*** 150,00 € ***',
      'Somme en toutes lettres : cent cinquante euros',
      `Date du versement ou du don : 04/05/${GIFT_YEAR}`,
      'ouvrent droit à la réduction d’impôt prévue à l’article 200 du code général des impôts',
      '☒ Déclaration de don manuel',
      '☐ Acte authentique',
      '☒ Numéraire',
      '☒ Chèque',
      '☐ Remise d’espèces',
      // date, signatory
      'Fait à Lyon, le',
      'Claire Martin, Trésorière',
    ]) {
      expect(text).toContain(mention);
    }
    expect(text).not.toContain('238 bis du code général des impôts');
    expect(text).not.toContain('ANNULÉ');
    // a second reader agrees on the names
    expect(flat((await pdfjsText(pdf)).text)).toContain('Żółć-Øre');
  });

  it('prints names and a cancellation reason outside the Latin alphabet exactly as typed (Vietnamese, Greek)', async () => {
    // receipts are drawn with a reduced font (Latin and French typography); these characters are not in it
    for (const [lastName, firstName] of [
      ['Nguyễn', 'Thị Ánh'],
      ['Παπαδοπούλου', 'Ελένη'],
      ['Lefèvre-Łoś', 'Zoé Ștefania'],
    ]) {
      const receipt = await single('40', { lastName, firstName });
      const { text, pdf } = await textOf(receipt.documentId);
      expect(text).toContain(`Nom : ${lastName}`);
      expect(text).toContain(`Prénoms : ${firstName}`);
      expect(flat((await pdfjsText(pdf)).text)).toContain(lastName);
      // the characters drawn, read through the font's Unicode map: the name itself, nothing else
      const drawn = drawnText(pdf);
      expect(drawn).toContain(lastName);
      expect(drawn).toContain(firstName);
      expect(drawn.join('')).not.toContain('\ufffd');
    }
    const latin = await single('25', { lastName: 'Martin', firstName: 'Paul' });
    const reason = 'Nom mal orthographié : Μαρτίν, Đặng';
    const cancelled = await app.admin('post', `/back-office/receipts/${latin.documentId}/cancel`).send({ reason });
    expect(cancelled.status).toBe(200);
    const { text, pdf } = await textOf(latin.documentId);
    expect(text).toContain(`motif : ${reason}`);
    expect(drawnText(pdf).join('')).toContain('Μαρτίν, Đặng');
  });

  it('a company’s receipt: article 238 bis, legal form and SIREN; an annual summary lists each gift; in-kind and waived expenses', async () => {
    const company = await donor(app, {
      kind: 'company',
      companyName: 'Société Générale des Crêpes',
      legalForm: 'SAS',
      siren: '552120222',
      lastName: null,
      firstName: null,
    });
    await donation(app, company.documentId, { amount: 100, receivedAt: `${GIFT_YEAR}-02-01`, method: 'transfer' });
    await donation(app, company.documentId, {
      amount: 250.5,
      receivedAt: `${GIFT_YEAR}-09-01`,
      nature: 'in_kind',
      method: 'other',
      description: 'Deux ordinateurs portables',
    });
    const res = await app
      .admin('post', '/back-office/receipts/generate')
      .send({ year: GIFT_YEAR, donor: company.documentId, mode: 'annual' });
    expect(res.status).toBe(201);
    const { text } = await textOf(res.body[0].documentId);
    for (const mention of [
      'Cerfa n° 16216',
      'Dénomination : Société Générale des Crêpes',
      'Forme juridique : SAS',
      'N° SIREN : 552120222',
      'article 238 bis du code général des impôts',
      'Reçu récapitulatif des dons de la période',
      `Période : du 01/01/${GIFT_YEAR} au 31/12/${GIFT_YEAR}`,
      `01/02/${GIFT_YEAR} — 100,00 € — Numéraire — Virement`,
      `01/09/${GIFT_YEAR} — 250,50 € — En nature`,
      '☒ Autres (don en nature)',
      'Description et valeur : Deux ordinateurs portables — 250,50 €',
      '☒ Virement, prélèvement, carte bancaire',
      '*** 350,50 € ***',
      'trois cent cinquante euros et cinquante centimes',
    ]) {
      expect(text).toContain(mention);
    }
    expect(text).not.toContain('article 200');
  });

  it('prints every receipt of the year in one PDF, those without e-mail apart', async () => {
    const withMail = await single('12', { lastName: 'Avecmail', email: 'avec@exemple.org' });
    const all = await download(app, `/back-office/receipts/print?year=${ISSUE_YEAR}`);
    expect(all.status).toBe(200);
    const text = flat(pdftotext(all.body));
    expect(text).toContain(`Reçu fiscal n° ${withMail.number}`);
    const count = (await app.admin('get', `/back-office/receipts/declaration?year=${ISSUE_YEAR}`)).body.count;
    expect((text.match(/Reçu fiscal n° \d{4}-\d{5}/g) ?? []).length).toBe(count);
    const withoutEmail = flat(pdftotext((await download(app, `/back-office/receipts/print?year=${ISSUE_YEAR}&withoutEmail=1`)).body));
    expect(withoutEmail).not.toContain(`Reçu fiscal n° ${withMail.number}`);
    expect((withoutEmail.match(/Reçu fiscal n° \d{4}-\d{5}/g) ?? []).length).toBe(count - 1);
  });
});
