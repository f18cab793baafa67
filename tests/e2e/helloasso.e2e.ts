import { Browser } from 'playwright-core';
import { adminToken, BASE_URL, DEMO, launch, login, shot } from './browser';

/**
 * The « HelloAsso » page: the treasurer finds it in the menu and, on a server without the
 * HELLOASSO_… settings (the browser tests' server), reads what to give to whoever installs it;
 * a role without the right (the secretary) has no menu link and no page.
 */
const SETTINGS = [
  'HELLOASSO_CLIENT_ID',
  'HELLOASSO_CLIENT_SECRET',
  'HELLOASSO_ORGANIZATION_SLUG',
  'HELLOASSO_API_URL',
  'HELLOASSO_OAUTH_URL',
];

describe('HelloAsso page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  it('the treasurer sees the page, not configured yet, with the settings to give and nothing to check', async () => {
    const token = await adminToken(DEMO.treasurer);
    const status = (await (
      await fetch(`${BASE_URL()}/back-office/helloasso/status`, { headers: { Authorization: `Bearer ${token}` } })
    ).json()) as { configured: boolean };
    expect(status.configured).toBe(false);

    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR' });
    const page = await context.newPage();
    await login(page, DEMO.treasurer.email, DEMO.treasurer.password);
    const link = page.locator('nav a[aria-label="HelloAsso"]');
    await link.waitFor({ timeout: 60_000 });
    await link.click();
    const connection = page.getByTestId('helloasso-connection');
    await connection.waitFor({ timeout: 60_000 });
    await connection.getByText('HelloAsso n’est pas encore configuré.').waitFor();
    const text = await connection.innerText();
    for (const setting of SETTINGS) expect(text).toContain(setting);
    expect(await page.getByTestId('helloasso-sync').isDisabled()).toBe(true);
    await page.getByTestId('helloasso-reviews').getByText('Rien à vérifier.').waitFor({ timeout: 30_000 });
    await page.getByText('Aucune synchronisation pour l’instant.').waitFor();
    // the forms come from HelloAsso: not shown while it is not configured
    expect(await page.getByTestId('helloasso-forms').count()).toBe(0);
    await shot(page, 'tresoriere-helloasso-non-configure');
    await context.close();
  });

  it('a role without the right has no menu link and no page', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' });
    const page = await context.newPage();
    await login(page, DEMO.secretary.email, DEMO.secretary.password);
    // the menu is complete once the permission checks are done (network idle)
    await page.locator('nav a[aria-label="Tableau de bord"]').waitFor({ timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    expect(await page.locator('nav a[aria-label="HelloAsso"]').count()).toBe(0);
    await page.goto(`${BASE_URL()}/admin/helloasso`);
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('helloasso-page').count()).toBe(0);
    const token = await adminToken(DEMO.secretary);
    const res = await fetch(`${BASE_URL()}/back-office/helloasso/status`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    await context.close();
  });
});
