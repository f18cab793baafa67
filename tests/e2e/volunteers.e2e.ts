import { Browser } from 'playwright-core';
import { DEMO, launch, login, shot } from './browser';

/** The volunteer manager opens the calendar, then a mission from it. */
describe('volunteer manager', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  it('opens the calendar and a mission', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR' });
    const page = await context.newPage();
    await login(page, DEMO.volunteers.email, DEMO.volunteers.password);
    await page.getByRole('link', { name: 'Calendrier' }).first().click();
    const calendar = page.getByTestId('mission-calendar');
    await calendar.waitFor({ timeout: 60_000 });
    // the list view shows every mission of the period, whatever the day
    await calendar.getByRole('button', { name: /liste/i }).first().click();
    const event = calendar.locator('.fc-list-event, .fc-event').first();
    await event.waitFor({ timeout: 30_000 });
    await shot(page, 'benevoles-calendrier');
    // the volunteer manager holds the right to create the bureau's secret calendar address: the button is there
    const feeds = page.getByTestId('calendar-feeds');
    await feeds.getByRole('button', { name: /Créer l’adresse secrète|Régénérer l’adresse/ }).waitFor({ timeout: 30_000 });
    expect(await feeds.innerText()).not.toContain('demandez-la à la personne qui gère le calendrier');
    const title = (await event.locator('.fc-list-event-title, .fc-event-title').first().innerText()).trim();
    await event.locator('.fc-list-event-title a, .fc-list-event-title, .fc-event-title').first().click();
    await page.waitForURL(/api::mission\.mission\//, { timeout: 60_000 });
    await page.locator('input[name="title"]').waitFor({ timeout: 60_000 });
    // the calendar shows "<title> (confirmed/capacity)" for missions with a capacity
    const opened = await page.locator('input[name="title"]').inputValue();
    expect(opened.length).toBeGreaterThan(0);
    expect(title === opened || title.startsWith(`${opened} (`)).toBe(true);
    await shot(page, 'benevoles-mission');
    await context.close();
  });
});
