import fs from 'fs';
import { parse } from 'csv-parse/sync';
import { Browser } from 'playwright-core';
import { adminToken, BASE_URL, DEMO, launch, login, shot } from './browser';

/** The treasurer opens the dashboard (charts with the demo numbers) and downloads the members CSV. */
describe('treasurer', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  it('sees the dashboard with the demo numbers and its charts', async () => {
    const token = await adminToken(DEMO.treasurer);
    const year = new Date().getFullYear();
    const stats: {
      members: { total: number; new: number };
      volunteers: { active: number };
      missions: { done: number };
    } = await (await fetch(`${BASE_URL()}/back-office/stats?year=${year}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(stats.members.total).toBeGreaterThan(100);

    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR', acceptDownloads: true });
    const page = await context.newPage();
    await login(page, DEMO.treasurer.email, DEMO.treasurer.password);
    await page.getByRole('link', { name: 'Tableau de bord' }).first().click();
    await page.locator('[data-testid="dashboard"][aria-busy="false"]').waitFor({ timeout: 60_000 });
    // the year selector shows the year on display
    expect(await page.getByRole('combobox', { name: 'Année' }).innerText()).toContain(String(year));
    const digits = async (testId: string) => (await page.getByTestId(testId).innerText()).replace(/\D/g, '');
    expect(await digits('kpi-members-total')).toBe(String(stats.members.total));
    expect(await digits('kpi-members-new')).toBe(String(stats.members.new));
    expect(await digits('kpi-volunteers-active')).toBe(String(stats.volunteers.active));
    expect(await digits('kpi-missions-done')).toBe(String(stats.missions.done));
    for (const chart of [
      'chart-members-over-time',
      'chart-new-members',
      'chart-age-groups',
      'chart-professions',
      'chart-money',
      'chart-participation',
    ]) {
      const svg = page.getByTestId(chart).locator('svg.recharts-surface').first();
      await svg.waitFor({ timeout: 30_000 });
      expect(await page.getByTestId(chart).locator('svg.recharts-surface path, svg.recharts-surface rect').count()).toBeGreaterThan(0);
    }
    // no menu tooltip (the clicked link keeps the focus) over the year selector in the picture
    await page.mouse.move(1200, 600);
    await page.keyboard.press('Escape');
    await shot(page, 'tresoriere-tableau-de-bord');

    await page.getByRole('link', { name: 'Exports' }).first().click();
    const card = page
      .locator('div')
      .filter({ has: page.getByRole('heading', { name: 'Adhérents', exact: true }) })
      .last();
    await card.waitFor({ timeout: 30_000 });
    await shot(page, 'tresoriere-exports');
    // the financial report of the fiscal year, in its three formats (the treasurer holds « Télécharger le bilan financier »)
    const report = page
      .locator('div')
      .filter({ has: page.getByRole('heading', { name: 'Bilan financier de l’exercice' }) })
      .last();
    await report.waitFor({ timeout: 30_000 });
    for (const format of ['PDF', 'CSV', 'Excel (.xlsx)'])
      await report.getByRole('button', { name: format, exact: true }).waitFor({ timeout: 30_000 });
    const [pdf] = await Promise.all([page.waitForEvent('download'), report.getByRole('button', { name: 'PDF', exact: true }).click()]);
    expect(pdf.suggestedFilename()).toMatch(/^bilan-financier-\d{4}\.pdf$/);
    expect(
      fs
        .readFileSync((await pdf.path())!)
        .subarray(0, 5)
        .toString()
    ).toBe('%PDF-');
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: /Télécharger/ }).click()]);
    const file = await download.path();
    const raw = fs.readFileSync(file!, 'utf8');
    expect(raw.charCodeAt(0)).toBe(0xfeff);
    const rows = parse(raw.slice(1), { delimiter: ';', columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(stats.members.total);
    expect(Object.keys(rows[0])).toEqual(expect.arrayContaining(['Nom', 'Prénom']));
    await context.close();
  });
});
