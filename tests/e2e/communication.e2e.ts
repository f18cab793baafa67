import path from 'path';
import fs from 'fs';
import os from 'os';
import { Browser } from 'playwright-core';
import { BASE_URL, DEMO, launch, login, shot } from './browser';
import type { Json } from '../helpers/types';

/** The communication officer uploads an image, publishes an article with it, and the website sees it. */
describe('communication officer', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  it('uploads an image and publishes an article that appears on the public API', async () => {
    // a real PNG, made here (1×1 pixel scaled by the browser is enough for the media library)
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-img-')), 'fete-des-voisins.png');
    fs.writeFileSync(file, png);
    const title = `Fête des voisins ${Date.now()}`;

    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR' });
    const page = await context.newPage();
    await login(page, DEMO.communication.email, DEMO.communication.password);

    // article with a cover uploaded from the media field
    await page.goto(`${BASE_URL()}/admin/content-manager/collection-types/api::article.article/create`);
    await page.locator('input[name="title"]').waitFor({ timeout: 60_000 });
    await page.locator('input[name="title"]').fill(title);
    await page.locator('textarea[name="excerpt"]').fill('Un article publié par le test du navigateur.');
    // the cover field (Strapi 5.54's media library dialog): add a new file from the computer
    await page
      .getByRole('button', { name: /Cliquer pour ajouter un média|Click to add an asset/ })
      .first()
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: /Ajouter plus de médias|Add more assets/ }).click();
    await page.locator('input[type="file"]').first().setInputFiles(file);
    await page.getByRole('button', { name: /Importer 1 média dans la médiathèque|Upload 1 asset to the library/ }).click();
    await page
      .getByRole('button', { name: /^Terminer$|^Finish$/ })
      .last()
      .click({ timeout: 60_000 });
    await page.getByText('fete-des-voisins.png').first().waitFor({ timeout: 30_000 });
    await shot(page, 'communication-article');
    await page
      .getByRole('button', { name: /^Publier$|^Publish$/ })
      .first()
      .click();
    await page
      .getByText(/Publié|Published/)
      .first()
      .waitFor({ timeout: 60_000 });
    // the edit view reloads the published article: wait for it before the picture
    await page.locator(`input[name="title"][value="${title}"]`).waitFor({ timeout: 60_000 });
    await shot(page, 'communication-article-publie');

    const res = await fetch(`${BASE_URL()}/api/articles?filters[title][$eq]=${encodeURIComponent(title)}&populate=cover`);
    const body: Json = await res.json();
    expect(res.status).toBe(200);
    expect(body.data).toHaveLength(1);
    expect(body.data[0].title).toBe(title);
    expect(body.data[0].cover?.url).toMatch(/^\/uploads\/.*\.png$/);
    await context.close();
  });
});
