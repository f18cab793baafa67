import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ROOT } from '../helpers/strapi';

/**
 * In production the app refuses to start while a secret is missing, still a development default or weak, or
 * without PUBLIC_URL (the address in the links of the e-mails),
 * and says which one. Runs the compiled app in a child process, as `npm start` would.
 */
const boot = (env: Record<string, string>) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asso-prod-'));
  fs.mkdirSync(path.join(dir, 'public', 'uploads'), { recursive: true });
  const script = `
    const { createStrapi } = require('@strapi/strapi');
    createStrapi({ appDir: ${JSON.stringify(ROOT)}, distDir: process.env.TEST_DIST_DIR }).load()
      .then(async (s) => { console.log('BOOTED'); await s.destroy(); process.exit(0); })
      .catch((e) => { console.error(e && e.message); process.exit(1); });`;
  const res = spawnSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      TEST_DIST_DIR: process.env.TEST_DIST_DIR ?? '',
      NODE_ENV: 'production',
      DATABASE_CLIENT: 'sqlite',
      DATABASE_FILENAME: path.join(dir, 'prod.db'),
      PUBLIC_DIR: path.join(dir, 'public'),
      CRON_ENABLED: 'false',
      SERVE_ADMIN: 'false',
      STRAPI_TELEMETRY_DISABLED: 'true',
      ...env,
    },
    encoding: 'utf8',
    timeout: 90_000,
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return { code: res.status, out: `${res.stdout}\n${res.stderr}` };
};

// random values, as the command of .env.example makes them (32 bytes in base64)
const GOOD = {
  APP_KEYS: 'viseE9cAHLydD4I+1hH2ScSZ+eL9iYxu4s3Od+7vtLU=,uY6FVkWOiLlBUJVp1M7zgPZU7O4kLh+aQIdHifpbEvU=',
  ADMIN_JWT_SECRET: 'YksQ0Ww+R1pr4SAgQV/xbFLQIJtytThP1pNIFvefLQo=',
  JWT_SECRET: 'wETU6BoJLCK9hFspGmq5IwSyLPC4L+5lyQL/PmCTVPE=',
  API_TOKEN_SALT: 'xvZ1e3lXRrFQdIar/1q9DtzQIXdpzJbGTdl4da+Gg40=',
  TRANSFER_TOKEN_SALT: '0qHDbPg4PcubhAabuYpcPlMhsAZcT+/+MDZR985PSFI=',
  ENCRYPTION_KEY: 'n+5a6Zec4zVG0rxC3gaOTlGZu9PkYncfmb/k5HPXB1U=',
  PUBLIC_URL: 'https://gestion.asso.test',
};

describe('production secrets and public address', () => {
  it('refuses to start without secrets, naming every missing one in French', () => {
    const { code, out } = boot({});
    expect(code).not.toBe(0);
    expect(out).toMatch(/Démarrage refusé en production/);
    for (const name of Object.keys(GOOD)) expect(out).toContain(name);
    expect(out).not.toContain('BOOTED');
  });

  it('refuses a secret left at a development default', () => {
    const { code, out } = boot({ ...GOOD, ADMIN_JWT_SECRET: 'dev-admin-jwt-secret-change-me' });
    expect(code).not.toBe(0);
    expect(out).toMatch(/Démarrage refusé en production : ADMIN_JWT_SECRET manquant/);
  });

  it('refuses to start without PUBLIC_URL, or with one that is not an http(s) address (the links of the e-mails)', () => {
    const secrets: Record<string, string> = { ...GOOD };
    delete secrets.PUBLIC_URL;
    const missing = boot(secrets);
    expect(missing.code).not.toBe(0);
    expect(missing.out).toMatch(/Démarrage refusé en production : PUBLIC_URL manquant\. Indiquez .*https:\/\/gestion\.mon-asso\.fr/);
    expect(missing.out).not.toMatch(/ADMIN_JWT_SECRET|BOOTED/);
    for (const wrong of ['gestion.asso.test', 'ftp://gestion.asso.test', 'localhost:1337']) {
      const refused = boot({ ...secrets, PUBLIC_URL: wrong });
      expect(refused.code).not.toBe(0);
      expect(refused.out).toContain(`PUBLIC_URL (« ${wrong} ») n'est pas une adresse http(s)`);
      expect(refused.out).not.toContain('BOOTED');
    }
  });

  it('refuses to start on an environment variable whose value cannot be used, naming it in French (also in development)', () => {
    for (const nodeEnv of ['production', 'development']) {
      const { code, out } = boot({ ...GOOD, NODE_ENV: nodeEnv, UPLOAD_MAX_MB: 'abc' });
      expect(code).not.toBe(0);
      expect(out).toContain("Démarrage refusé : une variable d'environnement a une valeur invalide.");
      expect(out).toContain("UPLOAD_MAX_MB : « abc » n'est pas valide (attendu : un nombre entier d'au moins 1 ; par défaut : 20).");
      expect(out).not.toContain('BOOTED');
    }
  });

  it('starts when every secret is set', () => {
    const { code, out } = boot(GOOD);
    expect(out).toContain('BOOTED');
    expect(code).toBe(0);
  });

  it('refuses the empty values of a .env copied from .env.example, and takes them as unset in development', () => {
    const empty = Object.fromEntries(Object.keys(GOOD).map((name) => [name, '']));
    const refused = boot(empty);
    expect(refused.code).not.toBe(0);
    for (const name of Object.keys(GOOD)) expect(refused.out).toContain(name);
    const dev = boot({ ...empty, NODE_ENV: 'development' });
    expect(dev.out).toContain('BOOTED');
    expect(dev.code).toBe(0);
  });
});
