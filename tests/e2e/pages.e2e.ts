import fs from 'fs';
import { Browser, Page } from 'playwright-core';
import { adminToken, BASE_URL, DEMO, launch, login, shot } from './browser';

/**
 * Every back-office page and panel loads its data through the same admin data layer (src/admin/_lib)
 * and shows a failure in French: the dashboard (and its PDF, also when the connection is lost), the
 * dues page, the backups page, the side panels of a mission, a member and a newsletter.
 */
/** A call to the server's API; `T`: what the test reads of the JSON answer. */
const api = async <T>(token: string, method: string, url: string, body?: unknown) => {
  const res = await fetch(`${BASE_URL()}${url}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as T;
};
const firstDocumentId = async (token: string, uid: string) =>
  (await api<{ results: Array<{ documentId: string }> }>(token, 'GET', `/content-manager/collection-types/${uid}?page=1&pageSize=1`))
    .results[0].documentId;
const edit = (uid: string, documentId: string) => `${BASE_URL()}/admin/content-manager/collection-types/${uid}/${documentId}`;

describe('back-office pages', () => {
  let browser: Browser;
  let page: Page;
  let token: string;
  beforeAll(async () => {
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR', acceptDownloads: true });
    page = await context.newPage();
    await login(page, DEMO.president.email, DEMO.president.password);
    token = await adminToken(DEMO.president);
  });
  afterAll(() => browser?.close());

  it('the dashboard downloads its PDF, and says so in French when the connection is lost', async () => {
    await page.goto(`${BASE_URL()}/admin/tableau-de-bord`);
    await page.locator('[data-testid="dashboard"][aria-busy="false"]').waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pdf').click()]);
    expect(download.suggestedFilename()).toBe(`tableau-de-bord-${new Date().getFullYear()}.pdf`);
    expect(
      fs
        .readFileSync((await download.path())!)
        .subarray(0, 5)
        .toString()
    ).toBe('%PDF-');
    // the connection drops: the page tells it instead of doing nothing
    await page.route('**/back-office/stats/report.pdf**', (route) => route.abort('internetdisconnected'));
    await page.getByTestId('download-pdf').click();
    await page.getByText('Le serveur ne répond pas : vérifiez votre connexion à Internet, puis réessayez.').waitFor({ timeout: 30_000 });
    expect(await page.getByText('Téléchargement impossible').count()).toBe(1);
    await shot(page, 'tableau-de-bord-telechargement-impossible');
    await page.unroute('**/back-office/stats/report.pdf**');
  });

  it('the dues page lists members by their display name and simulates the reminders', async () => {
    await page.goto(`${BASE_URL()}/admin/cotisations`);
    await page.getByTestId('dues-total').waitFor({ timeout: 60_000 });
    const rows = page.getByTestId('dues-row');
    if ((await rows.count()) > 0) {
      // "Nom Prénom (n° 42)", as in the relation pickers and the weekly digest
      expect((await rows.first().locator('td').nth(1).innerText()).trim()).toMatch(/^\S.* \(n° \d+\)$/);
    }
    await page.getByTestId('reminders-dry-run').click();
    await page.getByTestId('reminders-report').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('reminders-report').innerText()).toMatch(
      /^Simulation du \d{2}\/\d{2}\/\d{4} : \d+ relance\(s\) seraient envoyées/
    );
    await shot(page, 'cotisations');
  });

  it('the backups page shows its schedule', async () => {
    await page.goto(`${BASE_URL()}/admin/sauvegardes`);
    await page.getByText(/Sauvegarde automatique chaque jour à|Sauvegarde automatique selon la règle/).waitFor({ timeout: 60_000 });
  });

  it('the side panels of a mission and of a member load their data', async () => {
    await page.goto(edit('api::mission.mission', await firstDocumentId(token, 'api::mission.mission')));
    await page.getByText('Bénévoles et logistique').waitFor({ timeout: 60_000 });
    await page
      .getByText(/Aucun bénévole n’est pris sur une autre mission au même moment|déjà sur une autre mission au même moment/)
      .waitFor({ timeout: 30_000 });
    await page
      .getByText(/Aucun budget saisi|Prévu : /)
      .first()
      .waitFor();
    await page.goto(edit('api::member.member', await firstDocumentId(token, 'api::member.member')));
    await page.getByTestId('member-missions').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('member-missions').innerText()).toMatch(/\d+ mission\(s\), \d+ réalisée\(s\), [\d,]+ h de bénévolat/);
  });

  it('the newsletter panel counts the recipients of a draft', async () => {
    const created = await api<{ data: { documentId: string } }>(
      token,
      'POST',
      '/content-manager/collection-types/api::newsletter.newsletter',
      {
        subject: 'Lettre de test du navigateur',
        body: 'Bonjour {{firstName}}',
        audience: 'opted_in_members',
      }
    );
    await page.goto(edit('api::newsletter.newsletter', created.data.documentId));
    await page.getByText('Envoi de la lettre').waitFor({ timeout: 60_000 });
    await page.getByText('Brouillon (pas encore envoyée)').waitFor({ timeout: 30_000 });
    expect(await page.getByText(/Destinataires : \d+ \(chaque adresse une seule fois/).count()).toBe(1);
    await shot(page, 'lettre-panneau-envoi');
  });
});
