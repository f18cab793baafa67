import { Browser } from 'playwright-core';
import { launch, login, shot, BASE_URL } from './browser';

/**
 * Each demo role logs into the built admin panel and sees, in the main menu and in the content
 * manager, exactly the entries of its column in the access table (README « Rôles et droits »).
 */
const COLLECTIONS: Record<string, { email: string; password: string; sees: string[]; menu: string[] }> = {
  president: {
    email: 'president@demo.local',
    password: 'Demo-President-2026',
    sees: ['Adhérent', 'Type d’adhésion', 'Cotisation', 'Mission / événement', 'Participation', 'Partenaire', 'Subvention', 'Donateur', 'Don', 'Article', 'Lettre d’information', 'Abonné', 'Document interne', 'Pôle', 'Compétence'],
    menu: ['Tableau de bord', 'Cotisations', 'Trouver des bénévoles', 'Calendrier', 'Exports', 'Sauvegardes', 'Médiathèque'],
  },
  tresoriere: {
    email: 'tresoriere@demo.local',
    password: 'Demo-Tresoriere-2026',
    sees: ['Adhérent', 'Type d’adhésion', 'Cotisation', 'Mission / événement', 'Partenaire', 'Subvention', 'Donateur', 'Don', 'Document interne', 'Pôle', 'Compétence'],
    menu: ['Tableau de bord', 'Cotisations', 'Trouver des bénévoles', 'Calendrier', 'Exports', 'Médiathèque'],
  },
  secretaire: {
    email: 'secretaire@demo.local',
    password: 'Demo-Secretaire-2026',
    sees: ['Adhérent', 'Type d’adhésion', 'Cotisation', 'Mission / événement', 'Participation', 'Partenaire', 'Subvention', 'Article', 'Document interne', 'Pôle', 'Compétence'],
    menu: ['Tableau de bord', 'Cotisations', 'Trouver des bénévoles', 'Calendrier', 'Exports', 'Médiathèque'],
  },
  benevoles: {
    email: 'benevoles@demo.local',
    password: 'Demo-Benevoles-2026',
    sees: ['Adhérent', 'Type d’adhésion', 'Cotisation', 'Mission / événement', 'Participation', 'Partenaire', 'Document interne', 'Pôle', 'Compétence'],
    menu: ['Tableau de bord', 'Cotisations', 'Trouver des bénévoles', 'Calendrier', 'Exports', 'Médiathèque'],
  },
  communication: {
    email: 'communication@demo.local',
    password: 'Demo-Communication-2026',
    sees: ['Mission / événement', 'Partenaire', 'Article', 'Lettre d’information', 'Abonné', 'Document interne', 'Pôle', 'Compétence'],
    menu: ['Tableau de bord', 'Calendrier', 'Exports', 'Médiathèque'],
  },
  partenariats: {
    email: 'partenariats@demo.local',
    password: 'Demo-Partenariats-2026',
    sees: ['Mission / événement', 'Partenaire', 'Subvention', 'Donateur', 'Don', 'Document interne', 'Pôle', 'Compétence'],
    menu: ['Tableau de bord', 'Calendrier', 'Exports', 'Médiathèque'],
  },
};

const MENU = ['Tableau de bord', 'Cotisations', 'Trouver des bénévoles', 'Calendrier', 'Exports', 'Sauvegardes', 'Médiathèque'];

const ALL = ['Adhérent', 'Type d’adhésion', 'Cotisation', 'Mission / événement', 'Participation', 'Partenaire', 'Subvention', 'Donateur', 'Don', 'Article', 'Lettre d’information', 'Abonné', 'Document interne', 'Pôle', 'Compétence'];

describe('each bureau role sees its own collections', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  for (const [name, role] of Object.entries(COLLECTIONS)) {
    it(`${name}`, async () => {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' });
      const page = await context.newPage();
      await login(page, role.email, role.password);
      // the main menu (left bar): links carry their label in aria-label; every role has the dashboard,
      // and the menu is complete once the permission checks are done (network idle)
      await page.locator('nav a[aria-label="Tableau de bord"]').waitFor({ timeout: 60_000 });
      await page.waitForLoadState('networkidle');
      const menu = (await page.locator('nav a[aria-label]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).map((t) => t.trim());
      expect(menu).toContain('Content Manager');
      for (const entry of MENU) {
        if (role.menu.includes(entry)) expect(menu).toContain(entry);
        else expect(menu).not.toContain(entry);
      }
      await page.goto(`${BASE_URL()}/admin/content-manager`);
      const nav = page.locator('nav[aria-label], nav').filter({ hasText: 'Types de collections' }).first();
      await nav.waitFor({ timeout: 60_000 });
      const links = (await nav.locator('a').allInnerTexts()).map((t) => t.trim());
      await shot(page, `contenu-${name}`);
      for (const collection of ALL) {
        if (role.sees.includes(collection)) expect(links).toContain(collection);
        else expect(links).not.toContain(collection);
      }
      await context.close();
    });
  }
});
