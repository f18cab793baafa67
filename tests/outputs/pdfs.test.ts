import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { createReport, endToBuffer, heading, paragraph, table } from '../../src/back-office/pdf/document';
import { axisTicks } from '../../src/back-office/pdf/charts';
import { NBSP, NNBSP, formatCentsAsEuros, formatCount, formatEuros, formatPercent, fr, typo } from '../../src/back-office/pdf/typography';
import { downloadPdf, drawnText, expectEmbeddedFontsOnly, pdffonts, pdfjsText, pdftotext, words } from './pdf-tools';

/**
 * Every PDF embeds a Unicode font (DejaVu Sans, from node_modules) and writes French typography
 * the same way: names in any Latin, Greek or Cyrillic script and the usual symbols print and
 * extract as typed (read back by poppler's pdftotext and pdffonts, and by pdf.js); long tables
 * repeat their header on every page; count axes are whole numbers. SQLite and PostgreSQL.
 */
const NAMES = [
  'Atelier vélo Łódź ≥ 2 €',
  'Ζωή Παπαδοπούλου',
  'Дмитрий Иванов',
  'Œuvre d’art',
  'Zoë Ærøskøbing « Ça » ß',
  'Šárka Dvořáková',
  'İlkay Şahin',
];

describe('PDF building blocks (the ones the receipts will use too)', () => {
  const identity = {
    name: 'Les Amis de Łódź',
    rna: 'W691234567',
    siren: null,
    address: '1 rue de l’Œuvre',
    postalCode: '69001',
    city: 'Lyon',
  };

  const longTable = async () => {
    const doc = createReport(identity, { title: "Liste d'adhérents", subtitle: 'Au 31/12/2025 : tous les adhérents' });
    heading(doc, "Adhérents de l'année");
    paragraph(doc, 'Un texte à nous ; avec « guillemets » et des questions ? Oui ! À 80 %.');
    // 120 rows: the table runs over three pages
    const rows = Array.from({ length: 120 }, (_, i) => [
      `${NAMES[i % NAMES.length]} n°${i + 1}`,
      i + 1,
      formatCentsAsEuros(123456 * (i + 1)),
    ]);
    table(doc, ['Adhérent', 'Numéro', 'Cotisation'], rows);
    return endToBuffer(doc, identity);
  };

  it('embeds DejaVu Sans (regular and bold) and no standard font', async () => {
    const pdf = await longTable();
    expectEmbeddedFontsOnly(pdf);
    expect(pdffonts(pdf).map((f) => f.type)).toEqual(expect.arrayContaining(['CID TrueType']));
  });

  it('prints names in every script and the usual symbols exactly as typed (pdftotext and pdf.js)', async () => {
    const pdf = await longTable();
    const poppler = pdftotext(pdf);
    const pdfjs = (await pdfjsText(pdf)).text;
    for (const name of NAMES) {
      expect(poppler).toContain(name);
      expect(pdfjs).toContain(name);
    }
    expect(poppler).toContain('Les Amis de Łódź');
    expect(poppler).toContain('1 rue de l’Œuvre');
  });

  it('repeats the header row at the top of each page a long table runs onto', async () => {
    const pdf = await longTable();
    const { numpages } = await pdfjsText(pdf);
    expect(numpages).toBeGreaterThanOrEqual(3);
    for (let page = 2; page <= numpages; page++) {
      const lines = pdftotext(pdf, { layout: true, pages: [page, page] })
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      // the first line of the page is the header, then rows continue where the previous page stopped
      expect(lines[0].split(/\s{2,}/)).toEqual(['Adhérent', 'Numéro', 'Cotisation']);
      expect(lines[1]).toMatch(/n°\d+\s+\d+\s+[\d\s\u202f]+,\d{2}\s?€$/);
    }
    // every row printed once, in order
    const numbers = [...pdftotext(pdf).matchAll(/n°(\d+)/g)].map((m) => Number(m[1]));
    expect(numbers).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it('writes one French typography: ’, « » and non-breaking spaces before ; : ! ? %, in numbers and before €', async () => {
    // the characters drawn (text extractors turn non-breaking spaces into plain ones)
    const text = drawnText(await longTable()).join('\n');
    expect(text).toContain('Liste d’adhérents');
    expect(text).toContain(`Adhérents de l’année`);
    expect(text).toContain(`Au 31/12/2025${NBSP}: tous les adhérents`);
    expect(text).toContain(
      `Un texte à nous${NNBSP}; avec «${NBSP}guillemets${NBSP}» et des questions${NNBSP}? Oui${NNBSP}! À 80${NNBSP}%.`
    );
    expect(text).toContain(`1${NNBSP}234,56${NBSP}€`);
    expect(text).toContain(`148${NNBSP}147,20${NBSP}€`);
    expect(text).not.toContain("'");
    // the helpers themselves
    expect(typo("L'exercice : total ; reste ? oui ! « cité »")).toBe(
      `L’exercice${NBSP}: total${NNBSP}; reste${NNBSP}? oui${NNBSP}! «${NBSP}cité${NBSP}»`
    );
    expect(typo('Total: 10:30 ?year=2025')).toBe(`Total${NBSP}: 10:30 ?year=2025`);
    expect(fr`Mission « ${"L'atelier : vélo"} » d'été`).toBe(`Mission «${NBSP}L'atelier : vélo${NBSP}» d’été`);
    expect(formatCount(1234567)).toBe(`1${NNBSP}234${NNBSP}567`);
    expect(formatEuros('1234.5')).toBe(`1${NNBSP}234,50${NBSP}€`);
    expect(formatEuros(0.1 + 0.2)).toBe(`0,30${NBSP}€`);
    expect(formatCentsAsEuros(-1050)).toBe(`-10,50${NBSP}€`);
    expect(formatCentsAsEuros(null)).toBe('—');
    expect(formatPercent(0.8)).toBe(`80,0${NNBSP}%`);
  });

  it('uses whole-number axis ticks (no 0,5 nor 37,5) reaching above the highest value', () => {
    for (const [max, ticks] of [
      [0, [0, 1]],
      [1, [0, 1]],
      [2, [0, 1, 2]],
      [3, [0, 1, 2, 3]],
      [5, [0, 2, 4, 6]],
      [37, [0, 10, 20, 30, 40]],
      [50, [0, 20, 40, 60]],
      [150, [0, 50, 100, 150]],
      [100.3, [0, 50, 100, 150]],
    ] as Array<[number, number[]]>) {
      expect(axisTicks(max)).toEqual(ticks);
    }
    for (let max = 0; max <= 2000; max += 0.7) {
      const ticks = axisTicks(max);
      expect(ticks.every(Number.isInteger)).toBe(true);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(6);
    }
  });
});

describe(`PDFs of the back-office (${DB_CLIENT})`, () => {
  let app: TestApp;
  const create = (uid: string, data: Record<string, unknown>) => app.strapi.documents(uid).create({ data });

  beforeAll(async () => {
    app = await startStrapi();
    await create('api::association.association', { name: 'Œuvre d’art — Les Amis de Łódź', rna: 'W691234567' });
    // the dashboard prints cities, professions and origins as typed; small counts (axes of 0 to 2 or 3)
    const people: Array<[string, string, string, string, string, string]> = [
      ['Ζωή', 'Παπαδοπούλου', 'Θεσσαλονίκη', 'Ζωγράφος', 'Ελλάδα', '2025-01-10'],
      ['Дмитрий', 'Иванов', 'Москва', 'Инженер', 'Россия', '2025-01-20'],
      ['Agnieszka', 'Wiśniewska', 'Łódź', 'Œnologue', 'Polska', '2025-03-05'],
      ['Zoë', 'Lefèvre', 'Saint-Étienne', 'Professeur d’œnologie', 'France', '2025-03-15'],
      ['Jürgen', 'Groß', 'Łódź', 'Ingénieur ≥ 2', 'Deutschland', '2025-03-25'],
    ];
    for (const [firstName, lastName, city, profession, origin, joinedAt] of people) {
      const m = await create('api::member.member', { firstName, lastName, city, profession, origin, joinedAt });
      await create('api::contribution.contribution', { member: m.documentId, paidAt: joinedAt, amount: 12.5, paymentMethod: 'cash' });
    }
    const funder = await create('api::partner.partner', { name: 'Дмитрий Иванов', kind: 'other' });
    await create('api::subsidy.subsidy', {
      title: 'Œuvre d’art',
      funder: funder.documentId,
      fiscalYear: 2025,
      amountRequested: 1234.5,
      amountGranted: 1000,
      status: 'granted',
    });
    await create('api::mission.mission', {
      title: 'Atelier vélo Łódź ≥ 2 €',
      kind: 'mission',
      status: 'done',
      startAt: '2025-05-10T08:00:00.000Z',
      budgetPlanned: 20,
      budgetActual: 22.5,
    });
  }, 300_000);
  afterAll(() => app?.stop());

  const dashboard = () => downloadPdf(app, '/back-office/stats/report.pdf?year=2025');
  const report = () => downloadPdf(app, '/back-office/reports/financial.pdf?year=2025');

  it('embeds the Unicode font in the dashboard and the financial report, never Helvetica', async () => {
    expectEmbeddedFontsOnly(await dashboard());
    expectEmbeddedFontsOnly(await report());
  });

  it('prints every name as typed in the dashboard (cities, professions, origins) and the report (funder, subsidy, mission)', async () => {
    const checks: Array<[Buffer, string[]]> = [
      [
        await dashboard(),
        [
          'Œuvre d’art — Les Amis de Łódź',
          'Θεσσαλονίκη',
          'Москва',
          'Łódź',
          'Ζωγράφος',
          'Инженер',
          'Œnologue',
          'Professeur d’œnologie',
          'Ingénieur ≥ 2',
          'Ελλάδα',
          'Россия',
        ],
      ],
      [await report(), ['Œuvre d’art — Les Amis de Łódź', 'Дмитрий Иванов', 'Œuvre d’art', 'Atelier vélo Łódź ≥ 2 €']],
    ];
    for (const [pdf, names] of checks) {
      const poppler = pdftotext(pdf);
      const pdfjs = (await pdfjsText(pdf)).text;
      for (const name of names) {
        expect(poppler).toContain(name);
        expect(pdfjs).toContain(name);
      }
    }
  });

  it('writes the same typography in both PDFs: typographic apostrophes, non-breaking spaces in amounts', async () => {
    const texts = { dashboard: drawnText(await dashboard()), report: drawnText(await report()) };
    for (const lines of Object.values(texts)) {
      const text = lines.join('\n');
      expect(text).not.toContain("'");
      expect(text).not.toMatch(/\d[ \u00a0]\d{3}\b/); // thousands are grouped by a narrow non-breaking space
      expect(text).not.toMatch(/\d,\d{2}[ \u202f]?€/); // the euro sign follows a non-breaking space
      expect(text).toContain(`1${NNBSP}234,50${NBSP}€`);
      expect(text).not.toMatch(/[^\u00a0\u202f][:;!?%](\s|$)/); // the space before ; : ! ? % is a non-breaking one
      expect(text).not.toMatch(/«[^\u00a0]|[^\u00a0]»/);
    }
    expect(texts.dashboard).toContain('Subventions de l’exercice 2025');
    expect(texts.dashboard).toContain(`Taux de participation`);
    expect(texts.report).toContain('Subventions de l’exercice');
    expect(texts.report.join('\n')).toContain(`demandé hors brouillons${NNBSP}; accordé${NBSP}: statut`);
  });

  it('labels the count axes of the dashboard with whole numbers only', async () => {
    const pages = words(await dashboard());
    // the value axis labels are the numbers written left of the plots (x < 80 pt)
    const labels = pages
      .flat()
      .filter((w) => w.xMax < 80 && /^[\d,.\u202f]+$/.test(w.text))
      .map((w) => w.text);
    expect(labels.length).toBeGreaterThanOrEqual(12);
    expect(labels.filter((l) => !/^\d+$/.test(l.replace(/\u202f/g, '')))).toEqual([]);
    // new members by month: at most 3 (March), so 0 1 2 3 and no 0,5 / 1,5 / 2,5
    expect(labels).toEqual(expect.arrayContaining(['0', '1', '2', '3']));
  });
});
