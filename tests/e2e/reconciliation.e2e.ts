import fs from 'fs';
import os from 'os';
import path from 'path';
import iconv from 'iconv-lite';
import { Browser } from 'playwright-core';
import { adminToken, BASE_URL, DEMO, launch, login, shot } from './browser';

/**
 * The page « Rapprochement bancaire »: the treasurer imports her bank's CSV (Windows-1252, header lines)
 * for the current account, matches an operation with the entry it proposes, creates the entry of the bank
 * fees from their operation, and reads the balances; a role without the right has no menu link.
 */
describe('bank reconciliation page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  it('the treasurer imports a statement, confirms a proposal and creates the missing entry', async () => {
    const token = await adminToken(DEMO.treasurer);
    const get = async <T>(url: string) =>
      (await (await fetch(`${BASE_URL()}${url}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as T;
    const home = await get<{ accounts: Array<{ name: string; documentId: string }> }>('/back-office/books/reconciliation');
    const account = home.accounts.find((a) => a.name === 'Compte courant')!;
    expect(account).toBeTruthy();
    // the latest expense of the current account, as the bank would show it the next day
    const entries = await get<{ results: Array<{ amount: string | number; date: string; label: string }> }>(
      `/content-manager/collection-types/api::ledger-entry.ledger-entry?sort=date:DESC&pageSize=50&filters[$and][0][direction][$eq]=expense` +
        `&filters[$and][1][cashAccount][documentId][$eq]=${account.documentId}`
    );
    const expense = entries.results.find((e) => Number(e.amount) < 150 && Number(e.amount) > 0);
    if (!expense) throw new Error('aucune dépense de démonstration sur le compte courant');
    const [y, m, d] = String(expense.date).split('-');
    const today = new Date().toISOString().slice(0, 10).split('-').reverse().join('/');
    const amount = Number(expense.amount).toFixed(2).replace('.', ',');
    const csv = [
      'Téléchargement du ' + today + ';',
      '',
      'Compte courant association;',
      '',
      'Date;Libellé;Débit euros;Crédit euros;',
      `${today};"FRAIS TENUE DE COMPTE ASSOCIATION";7,80;;`,
      `${d}/${m}/${y};"PAIEMENT ${String(expense.label).toUpperCase().slice(0, 30)}";${amount};;`,
      '',
    ].join('\r\n');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releve-')), 'CA-releve.csv');
    fs.writeFileSync(file, iconv.encode(csv, 'win1252'));

    const context = await browser.newContext({ viewport: { width: 1440, height: 1100 }, locale: 'fr-FR' });
    const page = await context.newPage();
    await login(page, DEMO.treasurer.email, DEMO.treasurer.password);
    const link = page.locator('nav a[aria-label="Rapprochement bancaire"]');
    await link.waitFor({ timeout: 60_000 });
    await link.click();
    await page.getByRole('heading', { name: 'Rapprochement bancaire' }).waitFor({ timeout: 60_000 });
    await page.getByRole('combobox', { name: 'Compte' }).click();
    await page.getByRole('option', { name: 'Compte courant' }).click();
    await page.getByTestId('statement-file').setInputFiles(file);
    await page.getByRole('button', { name: 'Importer le relevé' }).click();
    await page.getByText(/Relevé lu \(Crédit Agricole\) : 2 opérations, dont 2 nouvelles/).waitFor({ timeout: 30_000 });

    // the operation of the expense: its entry is proposed, the treasurer confirms it
    const row = page.getByTestId('statement-line').filter({ hasText: 'PAIEMENT' });
    await row.getByText(String(expense.label)).first().waitFor({ timeout: 30_000 });
    await shot(page, 'rapprochement-propositions');
    await row.getByRole('button', { name: 'Rapprocher' }).first().click();
    await page.getByText('Opération rapprochée.').waitFor({ timeout: 30_000 });

    // the bank fees have no entry: created from the operation with its category
    const fees = page.getByTestId('statement-line').filter({ hasText: 'FRAIS TENUE DE COMPTE' });
    await fees.getByText('Aucune écriture de ce montant à ces dates.').waitFor({ timeout: 30_000 });
    await fees.getByRole('button', { name: 'Créer l’écriture' }).click();
    await fees.getByRole('combobox', { name: 'Catégorie' }).click();
    await page.getByRole('option', { name: '627 Services bancaires' }).click();
    await fees.getByTestId('create-entry').getByRole('button', { name: 'Créer l’écriture' }).click();
    await page.getByText('Écriture « FRAIS TENUE DE COMPTE ASSOCIATION » créée et rapprochée.').waitFor({ timeout: 30_000 });
    await page.getByText('Aucune opération dans cette liste.').waitFor({ timeout: 30_000 });
    await page
      .getByTestId('reconciliation-balances')
      .getByText(/Solde des écritures : .* solde rapproché :/)
      .waitFor();
    await page.getByRole('combobox', { name: 'Opérations' }).click();
    await page.getByRole('option', { name: /Rapprochée \(2\)/ }).click();
    await page.getByTestId('statement-line').nth(1).waitFor({ timeout: 30_000 });
    await shot(page, 'rapprochement-rapprochees');

    const lines = await get<{ data: { lines: Array<{ entry: { label: string } }> } }>(
      `/back-office/books/reconciliation/lines?account=${account.documentId}&status=matched`
    );
    expect(lines.data.lines.map((l) => l.entry.label).sort()).toEqual(['FRAIS TENUE DE COMPTE ASSOCIATION', expense.label].sort());
    await context.close();
  });

  it('the secretary has no link to the page', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' });
    const page = await context.newPage();
    await login(page, DEMO.secretary.email, DEMO.secretary.password);
    await page.locator('nav a[aria-label="Tableau de bord"]').waitFor({ timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    expect(await page.locator('nav a[aria-label="Rapprochement bancaire"]').count()).toBe(0);
    await context.close();
  });
});
