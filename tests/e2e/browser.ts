import fs from 'fs';
import path from 'path';
import { chromium, Browser, Page, Request } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser), headless, with no background network. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const launch = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });

export const BASE_URL = () => process.env.E2E_BASE_URL as string;
export const ARTIFACTS = () => process.env.E2E_ARTIFACTS as string;

let step = 0;
/** A numbered, named screenshot in the run's artifacts folder. */
export const shot = async (page: Page, name: string) => {
  step += 1;
  const file = path.join(ARTIFACTS(), `${String(step).padStart(2, '0')}-${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
};

/** The page's requests in flight (with the time each started) and the time of the last one started or ended (see settle). */
const network = new WeakMap<Page, { inFlight: Map<Request, number>; last: number }>();

/**
 * A request still unanswered after this long is one the page abandoned (the document that made it was
 * replaced, and Playwright reports no end for it): the server answers every request of the panel in
 * well under a second.
 */
const ABANDONED_MS = 10_000;

/** Follows the page's requests from now on: settle() waits until they are done. */
export const trackRequests = (page: Page) => {
  const state = { inFlight: new Map<Request, number>(), last: Date.now() };
  network.set(page, state);
  page.on('request', (request) => {
    // a new document: the requests of the one it replaces are abandoned
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) state.inFlight.clear();
    state.inFlight.set(request, Date.now());
    state.last = Date.now();
  });
  const ended = (request: Request) => {
    state.inFlight.delete(request);
    state.last = Date.now();
  };
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
};

/**
 * The page's visible text once it is quiet: no request in flight for half a second (the answers drawn),
 * at most 60 s. Unlike Playwright's `networkidle`, it also waits after a navigation inside the panel.
 */
export const settle = async (page: Page) => {
  const state = network.get(page);
  if (!state) throw new Error('settle : appelez trackRequests(page) à l’ouverture de la page.');
  const until = Date.now() + 60_000;
  const busy = () => {
    const now = Date.now();
    for (const [request, started] of state.inFlight) if (now - started > ABANDONED_MS) state.inFlight.delete(request);
    return state.inFlight.size > 0 || now - state.last < 500;
  };
  await page.waitForTimeout(100);
  while (Date.now() < until && busy()) await page.waitForTimeout(50);
  return page.locator('body').innerText();
};

/**
 * Opens a path of the admin panel inside the running panel, as a click on one of its links does (its
 * router reads the new address; the panel is not loaded again). settle() then waits for the page.
 */
export const navigate = async (page: Page, path: string) => {
  await page.evaluate((url) => {
    const idx = ((window.history.state as { idx?: number } | null)?.idx ?? 0) + 1;
    window.history.pushState({ usr: null, key: Math.random().toString(36).slice(2, 10), idx }, '', url);
    window.dispatchEvent(new PopStateEvent('popstate', { state: window.history.state }));
  }, path);
};

/** Logs into the admin panel through its login form. */
export const login = async (page: Page, email: string, password: string) => {
  await page.goto(`${BASE_URL()}/admin/auth/login`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.includes('/auth/login'), { timeout: 60_000 });
};

/** The same accounts as `npm run demo` (README « Comptes de démonstration »). */
export const DEMO = {
  president: { email: 'president@demo.local', password: 'Demo-President-2026' },
  treasurer: { email: 'tresoriere@demo.local', password: 'Demo-Tresoriere-2026' },
  secretary: { email: 'secretaire@demo.local', password: 'Demo-Secretaire-2026' },
  volunteers: { email: 'benevoles@demo.local', password: 'Demo-Benevoles-2026' },
  communication: { email: 'communication@demo.local', password: 'Demo-Communication-2026' },
  partnerships: { email: 'partenariats@demo.local', password: 'Demo-Partenariats-2026' },
};

/** An admin token for direct API calls (to compare what the page shows with what the API says). */
export const adminToken = async (account: { email: string; password: string }) => {
  const res = await fetch(`${BASE_URL()}/admin/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(account),
  });
  const body = (await res.json()) as { data: { token: string } };
  return body.data.token;
};
