import fs from 'fs';
import path from 'path';
import { chromium, Browser, Page } from 'playwright-core';

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
