import { Browser, Page } from 'playwright-core';
import { adminToken, BASE_URL, DEMO, launch, login, shot } from './browser';

/**
 * The treasurer's common tasks, in the built admin panel: a new member and their payment recorded in
 * one dialog (the short-period warning and the next fiscal year in one click), a payment from the
 * Cotisations page, the reminders' confirmation that says how many e-mails will go; a role that may
 * not record a payment reads why.
 */
/** A call to the server's API; `T`: what the test reads of the JSON answer. */
const api = async <T>(token: string, method: string, url: string, body?: unknown) => {
  const res = await fetch(`${BASE_URL()}${url}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
};

const pick = async (page: Page, label: string, option: RegExp | string) => {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).first().click();
};

describe('treasurer: recording payments', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  it('creates a new member, records their payment, is warned about December and counts it for the next fiscal year', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR' });
    const page = await context.newPage();
    await login(page, DEMO.treasurer.email, DEMO.treasurer.password);
    await page.goto(`${BASE_URL()}/admin/content-manager/collection-types/api::member.member/create`);
    await page.locator('input[name="firstName"]').fill('Noémie');
    await page.locator('input[name="lastName"]').fill('Trésor-Essai');
    await page.getByRole('button', { name: 'Enregistrer' }).first().click();
    await page.waitForURL(/api::member\.member\/(?!create)[a-z0-9]+/, { timeout: 60_000 });
    const panel = page.getByTestId('member-dues-panel');
    await panel.waitFor({ timeout: 60_000 });
    expect(await panel.getByTestId('member-paid-until').innerText()).toBe('Payée jusqu’au : —');

    await panel.getByRole('button', { name: /Enregistrer une cotisation/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Adhérent : Noémie Trésor-Essai').waitFor();
    await pick(page, 'Type d’adhésion', /^Adhésion annuelle — 20,00/);
    // the amount comes from the membership type
    expect(await dialog.getByLabel('Montant (€)').inputValue()).toBe('20');
    await pick(page, 'Moyen de paiement', 'Chèque');
    const date = dialog.getByLabel('Payée le');
    await date.fill('10/12/2026');
    await date.press('Enter');
    await dialog.getByLabel('Référence').click();
    const warning = dialog.getByTestId('contribution-warning-short_period');
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.innerText()).toContain('ne couvrirait que 22 jours (du 10/12/2026 au 31/12/2026)');
    await shot(page, 'tresoriere-cotisation-periode-courte');
    await warning.getByRole('button', { name: 'Compter pour l’exercice 2027' }).click();
    await dialog.getByText('Période couverte : du 01/01/2027 au 31/12/2027 (choisie)').waitFor();
    await dialog.getByLabel('Référence').fill(`E2E-${Date.now()}`);
    await dialog.getByTestId('contribution-submit').click();
    const done = dialog.getByTestId('contribution-recorded');
    await done.waitFor({ timeout: 30_000 });
    expect(await done.innerText()).toContain('Cotisation enregistrée : Noémie Trésor-Essai est à jour jusqu’au 31/12/2027.');
    expect(await dialog.getByTestId('contribution-paid-until').innerText()).toBe('Payée jusqu’au : 31/12/2027');
    await shot(page, 'tresoriere-cotisation-enregistree');
    await dialog.getByRole('button', { name: 'Fermer' }).last().click();
    expect(await panel.getByTestId('member-paid-until').innerText()).toBe('Payée jusqu’au : 31/12/2027');

    // what the database says
    const token = await adminToken(DEMO.treasurer);
    const members = await api<{ data: Array<{ duesPaidUntil: string | null }> }>(
      token,
      'GET',
      '/back-office/dues/members?search=Tr%C3%A9sor-Essai'
    );
    expect(members.body.data).toEqual([expect.objectContaining({ duesPaidUntil: '2027-12-31' })]);
    await context.close();
  });

  it('records a payment from the Cotisations page, and the reminders’ confirmation says how many e-mails will go', async () => {
    const token = await adminToken(DEMO.treasurer);
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR' });
    const page = await context.newPage();
    await login(page, DEMO.treasurer.email, DEMO.treasurer.password);
    await page.getByRole('link', { name: 'Cotisations' }).first().click();
    await page.getByTestId('dues-total').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Enregistrer une cotisation' }).first().click();
    const dialog = page.getByRole('dialog');
    const member = dialog.getByRole('combobox', { name: 'Adhérent' });
    await member.pressSequentially('Trésor-Essai', { delay: 30 });
    await page.getByRole('option', { name: /Trésor-Essai Noémie .*payée jusqu’au 31\/12\/2027/ }).click();
    await pick(page, 'Type d’adhésion', /^Adhésion 12 mois — 25,00/);
    await pick(page, 'Moyen de paiement', 'Virement');
    // already paid until 31/12/2027: the dialog says so and offers to start the day after
    const warning = dialog.getByTestId('contribution-warning-already_covered');
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.innerText()).toContain('Noémie Trésor-Essai est déjà à jour jusqu’au 31/12/2027');
    await warning.getByRole('button', { name: 'Commencer le 01/01/2028' }).click();
    await dialog.getByText('Période couverte : du 01/01/2028 au 31/12/2028 (choisie)').waitFor();
    await dialog.getByTestId('contribution-submit').click();
    await dialog.getByTestId('contribution-recorded').waitFor({ timeout: 30_000 });
    expect(await dialog.getByTestId('contribution-paid-until').innerText()).toBe('Payée jusqu’au : 31/12/2028');
    await dialog.getByRole('button', { name: 'Fermer' }).last().click();

    // « Envoyer les relances maintenant »: a secondary button (not the page's main action)
    const remind = page.getByTestId('reminders-run');
    const colors = await remind.evaluate((el) => getComputedStyle(el).backgroundColor);
    const main = await page
      .getByRole('button', { name: 'Enregistrer une cotisation' })
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(colors).not.toBe(main);
    const expected = (await api<{ data: { counts: { sent: number } } }>(token, 'POST', '/back-office/dues/reminders/run', { dryRun: true }))
      .body.data.counts.sent;
    await remind.click();
    const count = page.getByTestId('reminders-run-count');
    await count.filter({ hasNotText: 'Calcul' }).waitFor({ timeout: 30_000 });
    const text = await count.innerText();
    if (expected === 0) expect(text).toBe('Aucune relance n’est due aujourd’hui : aucun e-mail ne partira.');
    else expect(text).toBe(`${expected} e-mail${expected > 1 ? 's' : ''} de relance ${expected > 1 ? 'vont' : 'va'} partir maintenant.`);
    await shot(page, 'tresoriere-relances-confirmation');
    await page.getByRole('button', { name: 'Annuler' }).click();
    await context.close();
  });

  it('the secretary, who may not record payments, reads why and who may', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR' });
    const page = await context.newPage();
    await login(page, DEMO.secretary.email, DEMO.secretary.password);
    await page.goto(`${BASE_URL()}/admin/content-manager/collection-types/api::contribution.contribution`);
    const note = page.getByTestId('create-right-note');
    await note.waitFor({ timeout: 60_000 });
    expect(await note.innerText()).toBe(
      'Créer des fiches « Cotisation » : votre rôle ne le permet pas ; réservé à Super Admin et Trésorier·ère (droits dans Paramètres > Rôles).'
    );
    await shot(page, 'secretaire-cotisations-note');
    await page.goto(`${BASE_URL()}/admin/content-manager/collection-types/api::member.member`);
    await page.locator('tbody tr').first().click();
    const panel = page.getByTestId('member-dues-panel');
    await panel.waitFor({ timeout: 60_000 });
    expect(await panel.getByTestId('create-right-note').innerText()).toBe(
      '« Enregistrer une cotisation » : votre rôle ne le permet pas ; réservé à Super Admin et Trésorier·ère (droits dans Paramètres > Rôles).'
    );
    expect(await panel.getByRole('button', { name: /Enregistrer une cotisation/ }).count()).toBe(0);
    await context.close();
  });
});
