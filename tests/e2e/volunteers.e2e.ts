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

  it('finds on the home page the next missions that still have free places, and opens one', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR' });
    const page = await context.newPage();
    await login(page, DEMO.volunteers.email, DEMO.volunteers.password);
    const widget = page.getByTestId('widget-open-missions');
    await widget.waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'Missions avec des places libres' }).first().waitFor({ timeout: 30_000 });
    const lines = await widget.locator(':scope > div').allInnerTexts();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(5);
    // each line: a title, its date in French, and its free places (never a full mission)
    for (const line of lines) expect(line).toMatch(/\d{1,2} \S+ \d{4}[\s\S]*(\d+ places? libres? sur \d+|sans limite)/);
    for (const line of lines) expect(line).not.toMatch(/\b0 place/);
    await shot(page, 'benevoles-accueil-missions-libres');
    const first = widget.getByRole('link').first();
    const title = (await first.innerText()).trim();
    await first.click();
    await page.waitForURL(/api::mission\.mission\//, { timeout: 60_000 });
    await page.locator('input[name="title"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('input[name="title"]').inputValue()).toBe(title);
    await context.close();
  });
});
