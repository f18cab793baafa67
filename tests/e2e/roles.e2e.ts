import { Browser } from 'playwright-core';
import { launch, login, shot, BASE_URL } from './browser';

/**
 * Each demo role logs into the built admin panel and sees, in the content manager, exactly the
 * collections of its column in the access table (README « Rôles et droits »).
 */
const PASSWORDS: Record<string, string> = {};

const COLLECTIONS: Record<string, { email: string; password: string; sees: string[] }> = {
  tresoriere: {
    email: 'tresoriere@demo.local',
    password: 'Demo-Tresoriere-2026',
    sees: ['Adhérent', 'Type d’adhésion', 'Cotisation', 'Mission / événement', 'Partenaire', 'Subvention', 'Donateur', 'Don', 'Document interne', 'Pôle', 'Compétence'],
  },
  secretaire: {
    email: 'secretaire@demo.local',
    password: 'Demo-Secretaire-2026',
    sees: ['Adhérent', 'Type d’adhésion', 'Cotisation', 'Mission / événement', 'Participation', 'Partenaire', 'Subvention', 'Article', 'Document interne', 'Pôle', 'Compétence'],
  },
  benevoles: {
    email: 'benevoles@demo.local',
    password: 'Demo-Benevoles-2026',
    sees: ['Adhérent', 'Type d’adhésion', 'Cotisation', 'Mission / événement', 'Participation', 'Partenaire', 'Document interne', 'Pôle', 'Compétence'],
  },
  communication: {
    email: 'communication@demo.local',
    password: 'Demo-Communication-2026',
    sees: ['Mission / événement', 'Partenaire', 'Article', 'Lettre d’information', 'Abonné', 'Document interne', 'Pôle', 'Compétence'],
  },
  partenariats: {
    email: 'partenariats@demo.local',
    password: 'Demo-Partenariats-2026',
    sees: ['Mission / événement', 'Partenaire', 'Subvention', 'Donateur', 'Don', 'Document interne', 'Pôle', 'Compétence'],
  },
};
void PASSWORDS;

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
