import fs from 'fs';
import { Browser } from 'playwright-core';
import { adminToken, BASE_URL, DEMO, launch, login, shot } from './browser';

/**
 * The « Comptabilité » page: the treasurer reads the balances the API gives, downloads the compte de
 * résultat and a subsidy's financial report, and closes last fiscal year after the French confirmation;
 * the partnerships manager sees the subsidies' report only.
 */
describe('books page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  /** What the test reads of the API's answers: the balances' total, the closed years. */
  type Answer = { data: { total: number }; results: Array<{ year: number }> };
  const api = async (token: string, url: string) =>
    (await fetch(`${BASE_URL()}${url}`, { headers: { Authorization: `Bearer ${token}` } })).json() as Promise<Answer>;

  it('shows the balances, downloads the statements and closes a fiscal year for the treasurer', async () => {
    const token = await adminToken(DEMO.treasurer);
    const balances = (await api(token, '/back-office/books/balances')).data;
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR', acceptDownloads: true });
    const page = await context.newPage();
    await login(page, DEMO.treasurer.email, DEMO.treasurer.password);
    await page.getByRole('link', { name: 'Comptabilité' }).first().click();
    const total = page.getByTestId('books-balances-total');
    await total.waitFor({ timeout: 60_000 });
    const cents = (text: string) => Number(text.replace(/[^\d,-]/g, '').replace(',', ''));
    expect(cents(await total.innerText())).toBe(balances.total);
    await shot(page, 'tresoriere-comptabilite');

    const [statement] = await Promise.all([page.waitForEvent('download'), page.getByTestId('statement-pdf').click()]);
    expect(statement.suggestedFilename()).toMatch(/^compte-de-resultat-\d{4}\.pdf$/);
    expect(
      fs
        .readFileSync((await statement.path())!)
        .subarray(0, 5)
        .toString()
    ).toBe('%PDF-');

    await page.getByRole('combobox', { name: 'Subvention' }).click();
    await page.getByRole('option').first().click();
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('subsidy-report-xlsx').click()]);
    expect(report.suggestedFilename()).toMatch(/^compte-rendu-financier-.+\.xlsx$/);

    // closing last fiscal year: a confirmation in French first, then what the year held
    const year = new Date().getFullYear() - 1;
    await page.getByTestId('close-open').click();
    await page.getByRole('alertdialog').getByText(`Voulez-vous vraiment clôturer l’exercice ${year}\u00a0?`).waitFor({ timeout: 30_000 });
    await shot(page, 'tresoriere-cloture-confirmation');
    await page.getByTestId('close-confirm').click();
    await page.getByTestId('close-done').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('close-done').innerText()).toMatch(/écritures du 01\/01\/\d{4} au 31\/12\/\d{4}/);
    const closed = await api(await adminToken(DEMO.president), '/content-manager/collection-types/api::fiscal-year.fiscal-year');
    expect(closed.results.map((r) => r.year)).toContain(year);
    await context.close();
  });

  it('shows the partnerships manager the subsidies’ report only', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR' });
    const page = await context.newPage();
    await login(page, DEMO.partnerships.email, DEMO.partnerships.password);
    await page.getByRole('link', { name: 'Comptabilité' }).first().click();
    await page.getByTestId('books-subsidy-report').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('books-balances').count()).toBe(0);
    expect(await page.getByTestId('books-income-statement').count()).toBe(0);
    expect(await page.getByTestId('books-close').count()).toBe(0);
    await context.close();
  });
});
