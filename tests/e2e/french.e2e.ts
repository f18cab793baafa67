import { Browser, BrowserContext, Page } from 'playwright-core';
import { adminToken, BASE_URL, DEMO, launch, login, navigate, settle, shot, trackRequests } from './browser';
import { ENUMS } from '../../src/contract/labels';

/**
 * The panel in French as each bureau role sees it: every page of the role (home, its back-office
 * pages, the list and the edit view of each collection it reads) shows no raw value of an enumeration
 * (`cheque`, `waitlisted`, `opted_in_members`…) and none of Strapi's English words the bureau used to
 * meet; lists show dates as jj/mm/aaaa, amounts with €, years as 2027, yes/no as Oui/Non; the edit
 * forms and the filters choose among French names; the home page puts the association first; the
 * roles screen lists the bureau's roles only.
 */

/** Every raw value of the schemas' enumerations, except those that are also ordinary French words. */
const FRENCH_WORDS = new Set(['mission', 'association', 'absent', 'minutes', 'donations', 'contributions']);
const RAW_VALUES = [
  ...new Set(Object.values(ENUMS).flatMap((fields) => Object.values(fields).flatMap((table) => Object.keys(table)))),
].filter((v) => !FRENCH_WORDS.has(v));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// not after a dot: a file's extension (« CA-releve.csv ») is not an enumeration's value
const RAW = new RegExp(`(^|[^\\p{L}\\p{N}_·.-])(${RAW_VALUES.map(escape).join('|')})(?=$|[^\\p{L}\\p{N}_·-])`, 'u');

/** What the bureau met in English (or misspelt) on Strapi's own screens. */
const ENGLISH = [
  'Add Widget',
  'Create a relation',
  'Forbidden',
  'entrées trouvée',
  'Last edited entries',
  'Last published entries',
  'Project statistics',
  'Paramètre Globaux',
  'aministration',
  'Content Manager',
  'Untitled',
];

const ROLES = [
  { name: 'president', account: DEMO.president },
  { name: 'tresoriere', account: DEMO.treasurer },
  { name: 'secretaire', account: DEMO.secretary },
  { name: 'benevoles', account: DEMO.volunteers },
  { name: 'communication', account: DEMO.communication },
  { name: 'partenariats', account: DEMO.partnerships },
];

const BACK_OFFICE_PAGES: Record<string, string> = {
  'Tableau de bord': '/admin/tableau-de-bord',
  Cotisations: '/admin/cotisations',
  'Trouver des bénévoles': '/admin/benevoles',
  Calendrier: '/admin/calendrier',
  Exports: '/admin/exports',
  Sauvegardes: '/admin/sauvegardes',
  Médiathèque: '/admin/plugins/upload',
  HelloAsso: '/admin/helloasso',
  'Rapprochement bancaire': '/admin/rapprochement-bancaire',
};

/** The raw values and English words a page shows, with a few characters around each for the report. */
const problemsOf = (where: string, text: string) => {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    // an address or a file path (https://api.helloasso.com/v5, docs/helloasso.md) is not a label
    const m = RAW.exec(line.replace(/\S*\/\S*/g, ' '));
    if (m) found.push(`${where} : valeur brute « ${m[2]} » dans « ${line.trim().slice(0, 120)} »`);
    for (const word of ENGLISH) if (line.includes(word)) found.push(`${where} : « ${word} » dans « ${line.trim().slice(0, 120)} »`);
  }
  return found;
};

/** A content-manager list read through the API (the first record's documentId is what the test needs). */
const api = async (token: string, url: string) =>
  (await (await fetch(`${BASE_URL()}${url}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
    results?: Array<{ documentId: string }>;
  };

describe('the panel in French, as each role sees it', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  const open = async (account: { email: string; password: string }): Promise<[BrowserContext, Page]> => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR' });
    const page = await context.newPage();
    trackRequests(page);
    await login(page, account.email, account.password);
    return [context, page];
  };

  for (const { name, account } of ROLES) {
    it(`${name}: no raw value nor English on any of its pages`, async () => {
      const [context, page] = await open(account);
      const token = await adminToken(account);
      const problems: string[] = [];

      await page.goto(`${BASE_URL()}/admin`);
      await page.locator('nav a[aria-label="Tableau de bord"]').waitFor({ timeout: 60_000 });
      problems.push(...problemsOf('accueil', await settle(page)));
      const menu = await page.locator('nav a[aria-label]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      expect(menu).toContain('Gestion du contenu');
      // each page opened from inside the panel, as the bureau does through its menu
      for (const [entry, path] of Object.entries(BACK_OFFICE_PAGES)) {
        if (!menu.includes(entry)) continue;
        await navigate(page, path);
        problems.push(...problemsOf(entry, await settle(page)));
      }

      // every collection the role reads: its list, and the first record's edit form
      await navigate(page, '/admin/content-manager');
      const nav = page.locator('nav').filter({ hasText: 'Types de collections' }).first();
      await nav.waitFor({ timeout: 60_000 });
      const collections = await nav.locator('a[href*="collection-types/api::"]').evaluateAll((els) =>
        els.map((e) => ({
          label: (e.textContent ?? '').trim(),
          uid: decodeURIComponent(/collection-types\/([^/?]+)/.exec(e.getAttribute('href') ?? '')?.[1] ?? ''),
        }))
      );
      expect(collections.length).toBeGreaterThan(3);
      for (const { label, uid } of collections) {
        await navigate(page, `/admin/content-manager/collection-types/${uid}`);
        await page
          .getByText(/fiches? trouvées?|Aucune fiche trouvée/)
          .first()
          .waitFor({ timeout: 60_000 });
        problems.push(...problemsOf(`liste « ${label} »`, await settle(page)));
        const first = (await api(token, `/content-manager/collection-types/${uid}?page=1&pageSize=1`)).results?.[0];
        if (!first) continue;
        await navigate(page, `/admin/content-manager/collection-types/${uid}/${first.documentId}`);
        await page.locator('main form, main [role="tabpanel"], main input').first().waitFor({ timeout: 60_000 });
        problems.push(...problemsOf(`fiche « ${label} »`, await settle(page)));
      }
      await shot(page, `francais-${name}`);
      expect(problems).toEqual([]);
      await context.close();
      // every page and every collection of the role, two pages each: the president's walk is long
    }, 600_000);
  }

  it('the treasurer reads contributions in French: member and period, jj/mm/aaaa, €, payment methods, and chooses a method by its French name', async () => {
    const [context, page] = await open(DEMO.treasurer);
    await page.goto(`${BASE_URL()}/admin/content-manager/collection-types/api::contribution.contribution`);
    const rows = page.locator('tbody tr');
    await rows.first().waitFor({ timeout: 60_000 });
    const cells = (await rows.first().locator('td').allInnerTexts()).map((t) => t.trim());
    // Adhérent, Montant (€), Payée le, Fin de période, Moyen de paiement
    expect(cells).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\d+,\d{2}\s€$/), expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/)])
    );
    expect(cells.some((c) => Object.values(ENUMS['api::contribution.contribution'].paymentMethod).includes(c as never))).toBe(true);

    // the filter offers the payment methods by name, and its chip says the name
    await page.getByRole('button', { name: 'Filtres' }).click();
    await page.getByRole('combobox', { name: 'Sélectionner un champ' }).click();
    await page.getByRole('option', { name: 'Moyen de paiement' }).click();
    await page.getByRole('combobox', { name: 'Moyen de paiement' }).click();
    await page.getByRole('option', { name: 'Chèque', exact: true }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('option', { name: 'cheque', exact: true }).count()).toBe(0);
    await page.getByRole('option', { name: 'Chèque', exact: true }).click();
    await page.getByRole('button', { name: /Ajouter (un )?filtre/ }).click();
    await page
      .getByText(/Moyen de paiement .* Chèque/)
      .first()
      .waitFor({ timeout: 30_000 });
    await shot(page, 'tresoriere-cotisations-filtre');

    // a contribution's page is titled by its member and period; its form chooses « Chèque », not `cheque`
    await rows.first().click();
    await page.waitForURL(/api::contribution\.contribution\/[a-z0-9]+/, { timeout: 60_000 });
    await page
      .getByRole('heading', { name: /\(n° \d+\) — (du \d{2}\/\d{2}\/\d{4} au \d{2}\/\d{2}\/\d{4}|payée le)/ })
      .waitFor({ timeout: 60_000 });
    const method = page.getByRole('combobox', { name: /Moyen de paiement/ });
    expect(Object.values(ENUMS['api::contribution.contribution'].paymentMethod)).toContain((await method.innerText()).trim());
    await method.click();
    const options = (await page.getByRole('option').allInnerTexts()).map((t) => t.trim());
    expect(options).toEqual(expect.arrayContaining(['Espèces', 'Chèque', 'Virement', 'Carte bancaire', 'HelloAsso', 'Autre']));
    await shot(page, 'tresoriere-cotisation-formulaire');
    await page.keyboard.press('Escape');

    // the home page: the association's widgets, none of Strapi's technical ones
    await page.goto(`${BASE_URL()}/admin`);
    await page.getByText('Cotisations à renouveler').first().waitFor({ timeout: 60_000 });
    await settle(page);
    for (const strapiWidget of ['Dernières entrées éditées', 'Dernières entrées publiées', 'Profil', 'Statistiques du projet']) {
      expect({ strapiWidget, count: await page.getByRole('heading', { name: strapiWidget, exact: true }).count() }).toEqual({
        strapiWidget,
        count: 0,
      });
    }
    expect(await page.getByRole('button', { name: 'Ajouter un bloc' }).count()).toBe(1);
    await context.close();
  });

  it('the partnerships manager reads subsidies with the fiscal year as 2027 and statuses by name', async () => {
    const [context, page] = await open(DEMO.partnerships);
    await page.goto(`${BASE_URL()}/admin/content-manager/collection-types/api::subsidy.subsidy`);
    const rows = page.locator('tbody tr');
    await rows.first().waitFor({ timeout: 60_000 });
    const texts = (await rows.allInnerTexts()).join('\n');
    expect(texts).toMatch(/(^|\s)20\d{2}(\s|$)/);
    expect(texts).not.toMatch(/2\s0\d{2}/);
    expect(texts).toMatch(new RegExp(Object.values(ENUMS['api::subsidy.subsidy'].status).join('|')));
    await context.close();
  });

  it('the volunteer manager reads missions and participations by their French statuses, yes/no as Oui/Non', async () => {
    const [context, page] = await open(DEMO.volunteers);
    await page.goto(`${BASE_URL()}/admin/content-manager/collection-types/api::mission.mission`);
    await page.locator('tbody tr').first().waitFor({ timeout: 60_000 });
    const missions = (await page.locator('tbody').innerText()).split('\n').map((t) => t.trim());
    expect(missions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^(Prévue|Confirmée|Réalisée|Annulée)$/),
        expect.stringMatching(/^(Mission|Événement)$/),
      ])
    );
    await page.goto(`${BASE_URL()}/admin/content-manager/collection-types/api::member.member`);
    await page.locator('tbody tr').first().waitFor({ timeout: 60_000 });
    const members = (await page.locator('tbody').innerText()).split('\n').map((t) => t.trim());
    expect(members).toEqual(expect.arrayContaining([expect.stringMatching(/^(Oui|Non)$/)]));
    expect(members).not.toContain('true');
    await context.close();
  });

  it('the president sees the association first on the home page, Strapi\u2019s widgets after, and only the bureau\u2019s roles', async () => {
    const [context, page] = await open(DEMO.president);
    await page.goto(`${BASE_URL()}/admin`);
    await page.getByText('Cotisations à renouveler').first().waitFor({ timeout: 60_000 });
    await settle(page);
    const titles = (await page.locator('main h2, main [role="heading"]').allInnerTexts()).map((t) => t.trim().toLowerCase());
    const ours = titles.findIndex((t) => t.includes('cotisations à renouveler'));
    const strapis = titles.findIndex((t) => t.includes('dernières entrées'));
    expect(ours).toBeGreaterThanOrEqual(0);
    if (strapis >= 0) expect(ours).toBeLessThan(strapis);

    await page.goto(`${BASE_URL()}/admin/settings/roles`);
    await page.getByText('Trésorier·ère').first().waitFor({ timeout: 60_000 });
    const roles = await settle(page);
    for (const role of [
      'Trésorier·ère',
      'Secrétaire',
      'Responsable des bénévoles',
      'Chargé·e de communication',
      'Responsable des partenariats',
    ])
      expect(roles).toContain(role);
    expect(roles).not.toMatch(/\bAuthor\b|\bEditor\b/);
    expect(problemsOf('rôles', roles)).toEqual([]);
    // the back-office's own rights, under their French names
    await page.getByText('Trésorier·ère').first().click();
    await page.getByRole('tab', { name: 'Paramètres' }).click();
    await page
      .getByRole('tabpanel')
      .getByText(/^Back.office$/i)
      .first()
      .click();
    await page.getByText('Télécharger le bilan financier').first().waitFor({ timeout: 30_000 });
    await shot(page, 'president-role-droits-back-office');
    await context.close();
  });
});
