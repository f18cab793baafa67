import fs from 'fs';
import { execFileSync } from 'child_process';
import { parse } from 'csv-parse/sync';
import { Browser, Page } from 'playwright-core';
import { adminToken, BASE_URL, DEMO, launch, login, shot } from './browser';

/**
 * The volunteer manager staffs a mission from its page, in the built admin panel: the « Bénévoles »
 * panel (places, waiting list, statuses in French), « Ajouter des bénévoles » (several at once, each
 * confirmed or waitlisted, and the panel says which), a status changed from the panel, a message to
 * the volunteers with its preview, the attendance sheet; then « Trouver des bénévoles » (criteria,
 * CSV export, the selection added to the mission in one click).
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

const inDays = (days: number) => new Date(Date.now() + days * 86400_000).toISOString();

describe('volunteer manager: staffing a mission from its page', () => {
  let browser: Browser;
  let token: string;
  let mission: { documentId: string; title: string };
  beforeAll(async () => {
    browser = await launch();
    token = await adminToken(DEMO.volunteers);
    // a mission of two places, created as the volunteer manager would in the content manager
    const title = `Collecte du marché ${Date.now()}`;
    const created = await api<{ data: { documentId: string } }>(token, 'POST', '/content-manager/collection-types/api::mission.mission', {
      title,
      kind: 'mission',
      startAt: inDays(30),
      capacity: 2,
      location: { name: 'Place Guichard', city: 'Lyon' },
    });
    expect(created.status).toBe(201);
    mission = { documentId: created.body.data.documentId, title };
  });
  afterAll(() => browser?.close());

  const panelOf = async (page: Page) => {
    await page.goto(`${BASE_URL()}/admin/content-manager/collection-types/api::mission.mission/${mission.documentId}`);
    const panel = page.getByTestId('mission-volunteers');
    await panel.waitFor({ timeout: 60_000 });
    return panel;
  };

  it('adds three people to two places, changes a status, writes to them and prints the attendance sheet', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR', acceptDownloads: true });
    const page = await context.newPage();
    await login(page, DEMO.volunteers.email, DEMO.volunteers.password);
    const panel = await panelOf(page);
    expect(await panel.getByTestId('mission-places').innerText()).toBe('Places prises : 0 / 2');
    await panel.getByText('Personne n’est encore inscrit.').waitFor();

    // three volunteers with an e-mail address (so that all of them can be written to)
    const people = (
      await api<{ data: Array<{ email: string | null; firstName: string; lastName: string }> }>(
        token,
        'GET',
        '/back-office/volunteers?volunteersOnly=true'
      )
    ).body.data
      .filter((p) => p.email)
      .slice(0, 3);
    const names = people.map((p) => `${p.lastName} ${p.firstName}`);
    await panel.getByRole('button', { name: 'Ajouter des bénévoles' }).click();
    const dialog = page.getByRole('dialog');
    for (const name of names) {
      await dialog.getByLabel('Nom', { exact: true }).fill(name);
      const row = dialog.getByTestId('volunteer-row').filter({ hasText: name });
      await row.first().waitFor({ timeout: 30_000 });
      await row.first().getByRole('checkbox').click();
    }
    await dialog.getByTestId('add-volunteers-submit').filter({ hasText: 'Ajouter 3 personnes' }).click();
    const result = dialog.getByTestId('add-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.innerText()).toContain('Ajout terminé : 2 confirmé·es, 1 en liste d’attente (mission complète).');
    // each person with what they became, in the order they were added
    const outcomes = await result.getByTestId('add-result-row').evaluateAll((rows) => rows.map((r) => r.textContent));
    expect(outcomes).toEqual([`Confirmé·e — ${names[0]}`, `Confirmé·e — ${names[1]}`, `Liste d’attente — ${names[2]}`]);
    await shot(page, 'benevoles-ajout');
    await dialog.getByRole('button', { name: 'Fermer' }).last().click();

    expect(await panel.getByTestId('mission-places').innerText()).toBe('Places prises : 2 / 2');
    await panel.getByText('Mission complète · 1 en liste d’attente').waitFor();
    const waiting = panel.getByTestId('mission-waitlist').getByTestId('mission-person');
    expect(await waiting.evaluateAll((rows) => rows.map((r) => r.firstElementChild?.textContent))).toEqual([`1. ${names[2]}`]);
    await shot(page, 'benevoles-panneau');

    // the first one cancels: the first waiting takes the place
    await panel.getByRole('button', { name: `Statut de ${names[0]} : Confirmé·e` }).click();
    await page.getByRole('menuitem', { name: 'Annulé·e' }).click();
    await panel.getByRole('button', { name: `Statut de ${names[2]} : Confirmé·e` }).waitFor({ timeout: 30_000 });
    await panel.getByRole('button', { name: `Statut de ${names[0]} : Annulé·e` }).waitFor();
    expect(await panel.getByTestId('mission-waitlist').count()).toBe(0);

    // a message to the confirmed volunteers, previewed first
    await panel.getByRole('button', { name: 'Écrire aux bénévoles' }).click();
    const write = page.getByRole('dialog');
    await write.getByLabel('Objet').fill('Rendez-vous {{missionDate}}');
    await write.getByTestId('message-preview-button').click();
    const preview = write.getByTestId('message-preview');
    await preview.waitFor({ timeout: 30_000 });
    const expected = (
      await api<{ data: { recipientsCount: number } }>(token, 'POST', `/back-office/missions/${mission.documentId}/messages/preview`, {
        subject: 'x',
        body: 'x',
      })
    ).body.data;
    expect(await preview.innerText()).toContain(`${expected.recipientsCount} destinataire`);
    const frame = page.frameLocator('iframe[title="Aperçu du message"]');
    // the preview is written for the first one registered: Bonjour <first name>,
    expect(await frame.locator('body').innerText()).toContain(`Bonjour ${people[1].firstName},`);
    expect(expected.recipientsCount).toBe(2);
    await shot(page, 'benevoles-message-apercu');
    await write.getByTestId('message-send').click();
    await write
      .getByTestId('message-send-confirm')
      .filter({ hasText: `Confirmer l’envoi à ${expected.recipientsCount} personne` })
      .click();
    const notice = write.getByTestId('message-notice');
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.innerText()).toContain(`Envoi en cours à ${expected.recipientsCount} personne`);
    await write.getByRole('button', { name: 'Fermer' }).last().click();
    await panel
      .getByTestId('mission-messages')
      .getByText(`${expected.recipientsCount}/${expected.recipientsCount} envoyé`)
      .waitFor({ timeout: 60_000 });

    // the attendance sheet
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Feuille d’émargement (PDF)' }).click(),
    ]);
    const file = await download.path();
    const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file!, '-']).toString('utf8');
    expect(text).toContain('Feuille d’émargement');
    expect(text).toContain(mission.title);
    const [lastName] = names[1].split(' ');
    expect(text).toContain(lastName);
    expect(text).toContain('Signature');
    fs.copyFileSync(file!, `${process.env.E2E_ARTIFACTS}/feuille-emargement.pdf`);
    await context.close();
  });

  it('finds volunteers by skill, exports them, and adds one to the mission in one click', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR', acceptDownloads: true });
    const page = await context.newPage();
    await login(page, DEMO.volunteers.email, DEMO.volunteers.password);
    await page.getByRole('link', { name: 'Trouver des bénévoles' }).first().click();
    await page.getByTestId('volunteer-total').filter({ hasNotText: 'Recherche' }).waitFor({ timeout: 60_000 });

    const filters = (
      await api<{ data: { skills: Array<{ documentId: string; name: string }> } }>(token, 'GET', '/back-office/volunteers/filters')
    ).body.data;
    const skill = filters.skills[0];
    await page.getByRole('combobox', { name: 'Compétences' }).click();
    await page.getByRole('option', { name: skill.name }).click();
    await page.keyboard.press('Escape');
    const expected = (
      await api<{ meta: { total: number } }>(token, 'GET', `/back-office/volunteers?skills=${skill.documentId}&volunteersOnly=true`)
    ).body.meta.total;
    expect(expected).toBeGreaterThan(0);
    const total = page.getByTestId('volunteer-total');
    await total.filter({ hasText: new RegExp(`^${expected} personnes? trouvées?`) }).waitFor({ timeout: 30_000 });
    const rows = page.getByTestId('volunteer-row');
    expect(await rows.count()).toBe(Math.min(expected, 200));
    for (const cells of await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[4].textContent ?? '')))
      expect(cells).toContain(skill.name);
    await shot(page, 'benevoles-recherche');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exporter en CSV' }).click()]);
    const raw = fs.readFileSync((await download.path())!, 'utf8');
    expect(raw.charCodeAt(0)).toBe(0xfeff);
    const csv = parse(raw.slice(1), { delimiter: ';', columns: true }) as Record<string, string>[];
    expect(csv).toHaveLength(expected);
    expect(csv.every((r) => r['Compétences'].includes(skill.name))).toBe(true);

    // add the first one not yet on the mission: it is full, so the waiting list
    await page.getByRole('combobox', { name: 'Mission' }).pressSequentially(mission.title.slice(0, 20), { delay: 30 });
    await page.getByRole('option', { name: new RegExp(mission.title) }).click();
    const free = rows.filter({ hasNot: page.locator('button[role="checkbox"][disabled]') }).first();
    const name = (await free.locator('td').nth(1).innerText()).trim();
    await free.getByRole('checkbox').click();
    await page.getByTestId('add-to-mission').filter({ hasText: 'Ajouter 1 personne à la mission' }).click();
    const result = page.getByTestId('add-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.innerText()).toContain('Ajout terminé : 0 confirmé·e, 1 en liste d’attente (mission complète).');
    expect(await result.innerText()).toContain(name);
    await page.getByTestId('volunteer-row').filter({ hasText: name }).getByText('Liste d’attente').waitFor({ timeout: 30_000 });
    await shot(page, 'benevoles-recherche-ajout');
    await context.close();
  });

  it('the secretary sees the panel but reads why she may not add anyone nor write to them', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR' });
    const page = await context.newPage();
    await login(page, DEMO.secretary.email, DEMO.secretary.password);
    const panel = await panelOf(page);
    expect(await panel.getByTestId('mission-places').innerText()).toBe('Places prises : 2 / 2');
    expect(await panel.getByRole('button', { name: 'Ajouter des bénévoles' }).count()).toBe(0);
    expect(await panel.getByTestId('create-right-note').innerText()).toBe(
      '« Ajouter des bénévoles » : votre rôle ne le permet pas ; réservé à Super Admin et Responsable des bénévoles (droits dans Paramètres > Rôles).'
    );
    expect(await panel.getByTestId('message-right-note').innerText()).toContain('« Écrire aux bénévoles » : réservé aux rôles');
    await context.close();
  });
});
