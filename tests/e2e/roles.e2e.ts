import { Browser } from 'playwright-core';
import { launch, login, shot, BASE_URL } from './browser';
import { BACK_OFFICE_RIGHTS } from '../../src/back-office/access/roles';
import { ACTIONS } from '../../src/contract/permissions';

/**
 * Each demo role logs into the built admin panel and sees, in the main menu and in the content
 * manager, exactly the entries of its column in the access table (README « Rôles et droits »).
 */
const COLLECTIONS: Record<string, { code: string; email: string; password: string; sees: string[]; menu: string[] }> = {
  president: {
    code: 'strapi-super-admin',
    email: 'president@demo.local',
    password: 'Demo-President-2026',
    sees: [
      'Adhérent',
      'Type d’adhésion',
      'Cotisation',
      'Mission / événement',
      'Participation',
      'Partenaire',
      'Subvention',
      'Donateur',
      'Don',
      'Article',
      'Lettre d’information',
      'Abonné',
      'Document interne',
      'Pôle',
      'Compétence',
      'Compte de trésorerie',
      'Catégorie comptable',
      'Écriture',
      'Exercice clos',
      'Relevé bancaire',
      'Ligne de relevé bancaire',
    ],
    menu: [
      'Tableau de bord',
      'Cotisations',
      'Trouver des bénévoles',
      'Calendrier',
      'Exports',
      'Sauvegardes',
      'Médiathèque',
      'HelloAsso',
      'Rapprochement bancaire',
    ],
  },
  tresoriere: {
    code: 'asso-treasurer',
    email: 'tresoriere@demo.local',
    password: 'Demo-Tresoriere-2026',
    sees: [
      'Adhérent',
      'Type d’adhésion',
      'Cotisation',
      'Mission / événement',
      'Partenaire',
      'Subvention',
      'Donateur',
      'Don',
      'Document interne',
      'Pôle',
      'Compétence',
      'Compte de trésorerie',
      'Catégorie comptable',
      'Écriture',
      'Exercice clos',
      'Relevé bancaire',
      'Ligne de relevé bancaire',
    ],
    menu: [
      'Tableau de bord',
      'Cotisations',
      'Trouver des bénévoles',
      'Calendrier',
      'Exports',
      'Médiathèque',
      'HelloAsso',
      'Rapprochement bancaire',
    ],
  },
  secretaire: {
    code: 'asso-secretary',
    email: 'secretaire@demo.local',
    password: 'Demo-Secretaire-2026',
    sees: [
      'Adhérent',
      'Type d’adhésion',
      'Cotisation',
      'Mission / événement',
      'Participation',
      'Partenaire',
      'Subvention',
      'Article',
      'Document interne',
      'Pôle',
      'Compétence',
    ],
    menu: ['Tableau de bord', 'Cotisations', 'Trouver des bénévoles', 'Calendrier', 'Exports', 'Médiathèque'],
  },
  benevoles: {
    code: 'asso-volunteer-manager',
    email: 'benevoles@demo.local',
    password: 'Demo-Benevoles-2026',
    sees: [
      'Adhérent',
      'Type d’adhésion',
      'Cotisation',
      'Mission / événement',
      'Participation',
      'Partenaire',
      'Document interne',
      'Pôle',
      'Compétence',
    ],
    menu: ['Tableau de bord', 'Cotisations', 'Trouver des bénévoles', 'Calendrier', 'Exports', 'Médiathèque'],
  },
  communication: {
    code: 'asso-communication',
    email: 'communication@demo.local',
    password: 'Demo-Communication-2026',
    sees: ['Mission / événement', 'Partenaire', 'Article', 'Lettre d’information', 'Abonné', 'Document interne', 'Pôle', 'Compétence'],
    menu: ['Tableau de bord', 'Calendrier', 'Exports', 'Médiathèque'],
  },
  partenariats: {
    code: 'asso-partnerships',
    email: 'partenariats@demo.local',
    password: 'Demo-Partenariats-2026',
    sees: ['Mission / événement', 'Partenaire', 'Subvention', 'Donateur', 'Don', 'Document interne', 'Pôle', 'Compétence'],
    menu: ['Tableau de bord', 'Calendrier', 'Exports', 'Médiathèque'],
  },
};

const MENU = [
  'Tableau de bord',
  'Cotisations',
  'Trouver des bénévoles',
  'Calendrier',
  'Exports',
  'Sauvegardes',
  'Médiathèque',
  'HelloAsso',
  'Rapprochement bancaire',
];

const ALL = [
  'Adhérent',
  'Type d’adhésion',
  'Cotisation',
  'Mission / événement',
  'Participation',
  'Partenaire',
  'Subvention',
  'Donateur',
  'Don',
  'Article',
  'Lettre d’information',
  'Abonné',
  'Document interne',
  'Pôle',
  'Compétence',
  'Compte de trésorerie',
  'Catégorie comptable',
  'Écriture',
  'Exercice clos',
  'Relevé bancaire',
  'Ligne de relevé bancaire',
];

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
      const menu = (await page.locator('nav a[aria-label]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).map(
        (t) => t.trim()
      );
      expect(menu).toContain('Gestion du contenu');
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

      // the back-office's buttons that depend on a right: shown to the roles that hold it, and only to them
      const holds = (action: string) => role.code === 'strapi-super-admin' || (BACK_OFFICE_RIGHTS[action] as string[]).includes(role.code);
      await page.goto(`${BASE_URL()}/admin/exports`);
      await page.getByRole('heading', { name: 'Missions et événements', exact: true }).waitFor({ timeout: 60_000 });
      await page.waitForLoadState('networkidle');
      const report = page.getByRole('heading', { name: 'Bilan financier de l’exercice' });
      expect({ role: name, report: await report.count() }).toEqual({ role: name, report: holds(ACTIONS.reportsRead) ? 1 : 0 });

      await page.goto(`${BASE_URL()}/admin/calendrier`);
      const feeds = page.getByTestId('calendar-feeds');
      await feeds.waitFor({ timeout: 60_000 });
      await page.waitForLoadState('networkidle');
      const feedButton = feeds.getByRole('button', { name: /Créer l’adresse secrète|Régénérer l’adresse/ });
      // shown once the page knows the role's rights and the feed's state (two requests of their own)
      if (holds(ACTIONS.calendarFeed)) await feedButton.waitFor({ timeout: 30_000 });
      expect({ role: name, feedButton: await feedButton.count() }).toEqual({ role: name, feedButton: holds(ACTIONS.calendarFeed) ? 1 : 0 });
      await context.close();
    });
  }
});
