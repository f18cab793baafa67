import crypto from 'crypto';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { winston } from '@strapi/logger';
import type TransportStream from 'winston-transport';
import { startStrapi, TestApp, DB_CLIENT, ROOT } from '../helpers/strapi';
import { assertProductionSecrets, weakSecretReason, REQUIRED_SECRETS } from '../../src/utils/secrets';
import { maskUrl } from '../../src/middlewares/access-log';

/**
 * Production secrets must be strong, not only set: 32 characters at least, varied, no pattern. And
 * the bureau's secret calendar address never reaches the log.
 */
const strong = () => crypto.randomBytes(32).toString('base64');
const GOOD: Record<string, string> = {
  APP_KEYS: [strong(), strong()].join(','),
  ADMIN_JWT_SECRET: strong(),
  JWT_SECRET: crypto.randomBytes(32).toString('hex'),
  API_TOKEN_SALT: strong(),
  TRANSFER_TOKEN_SALT: crypto.randomBytes(32).toString('base64url'),
  ENCRYPTION_KEY: strong(),
  PUBLIC_URL: 'https://gestion.asso.test',
};

const WEAK: Record<string, string> = {
  short: 'k1Zq8fP0aXo3-Lr9vT1bYp4',
  oneCharacter: 'a'.repeat(48),
  fewCharacters: 'abcabcabcabcabcabcabcabcabcabcabcabc',
  repeatedPattern: 'Xy7#Qw2!Lp9$'.repeat(4),
  sequence: 'abcdefghijklmnopqrstuvwxyz0123456789',
  digitsOnly: '8452390176'.split('').concat('3957201846'.split(''), '1029384756'.split(''), '5647382910'.split('')).join(''),
  lowercaseOnly: 'qwertyuiopasdfghjklzxcvbnmpoiuytrezaqsdfg',
  developmentDefault: 'dev-admin-jwt-secret-change-me-please-now',
};

describe('secret strength (rule)', () => {
  it('32 random bytes in base64, base64url or hexadecimal always pass', () => {
    const refused: string[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const bytes = crypto.randomBytes(32);
      for (const v of [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex'), bytes.toString('hex').toUpperCase()]) {
        const reason = weakSecretReason(v);
        if (reason) refused.push(`${v}: ${reason}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('short, repetitive, sequential or one-kind values are refused, with a French reason', () => {
    for (const [kind, value] of Object.entries(WEAK)) {
      expect(value.length >= 32 || kind === 'short').toBe(true);
      expect({ kind, reason: weakSecretReason(value) }).toEqual({
        kind,
        reason: expect.stringMatching(/trop court|trop peu varié|valeur de développement/),
      });
    }
  });

  it('production refuses each weak secret, naming the variable (and which APP_KEYS key)', () => {
    for (const name of REQUIRED_SECRETS) {
      for (const [kind, value] of Object.entries(WEAK)) {
        const vars = { ...GOOD, [name]: name === 'APP_KEYS' ? `${strong()},${value}` : value };
        let message = '';
        try {
          assertProductionSecrets('production', vars);
        } catch (e) {
          message = e.message;
        }
        expect({ name, kind, refused: /^Démarrage refusé en production/.test(message) }).toEqual({ name, kind, refused: true });
        expect(message).toContain(name);
        for (const other of REQUIRED_SECRETS.filter((n) => n !== name)) expect(message).not.toMatch(new RegExp(`(^|[^A-Z_])${other}\\b`));
        if (name === 'APP_KEYS') expect(message).toContain('APP_KEYS clé n° 2');
        expect(message).not.toContain(value);
      }
    }
    expect(() => assertProductionSecrets('production', GOOD)).not.toThrow();
    expect(() => assertProductionSecrets('development', { ...GOOD, JWT_SECRET: WEAK.short })).not.toThrow();
  });
});

describe('production boot with a weak secret', () => {
  it('refuses to start, naming the variable in French', () => {
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
        ...GOOD,
        // long enough, but one character repeated
        ENCRYPTION_KEY: 'x'.repeat(40),
      },
      encoding: 'utf8',
      timeout: 90_000,
    });
    fs.rmSync(dir, { recursive: true, force: true });
    const out = `${res.stdout}\n${res.stderr}`;
    expect(res.status).not.toBe(0);
    expect(out).toMatch(/Démarrage refusé en production : ENCRYPTION_KEY .*trop peu varié/);
    expect(out).not.toContain('BOOTED');
  });
});

describe(`the access log masks secrets in URLs (${DB_CLIENT})`, () => {
  let app: TestApp;
  const lines: string[] = [];
  // the module exports the base class of transports as `Transport`, its types name it `transport`
  const Transport = (winston as unknown as { Transport: typeof TransportStream }).Transport;
  class Capture extends Transport {
    log(info: { level: string; message: unknown }, callback: () => void) {
      lines.push(`${info.level} ${typeof info.message === 'string' ? info.message : JSON.stringify(info.message)}`);
      callback();
    }
  }

  beforeAll(async () => {
    app = await startStrapi();
    app.strapi.log.add(new Capture({ level: 'silly' }));
  }, 300_000);
  afterAll(() => app?.stop());

  it('maskUrl: the private feed in any case, query-string tokens', () => {
    expect(maskUrl('/api/calendar/private/AbC_d-9.ics')).toBe('/api/calendar/private/***');
    expect(maskUrl('/API/Calendar/PRIVATE/AbC.ics/?x=1')).toBe('/API/Calendar/PRIVATE/***?x=1');
    expect(maskUrl('/api/subscribers/confirm?token=abc.def&x=1')).toBe('/api/subscribers/confirm?token=***&x=1');
    expect(maskUrl('/admin/auth/reset-password?code=123')).toBe('/admin/auth/reset-password?code=***');
    expect(maskUrl('/admin/auth/register?registrationToken=abc')).toBe('/admin/auth/register?registrationToken=***');
    expect(maskUrl('/api/articles?filters[code]=1')).toBe('/api/articles?filters[code]=1');
  });

  it('the bureau’s calendar token never appears in any log line, whatever the spelling of its URL', async () => {
    const created = await app.admin('post', '/back-office/calendar/private-feed').send({});
    expect(created.status).toBe(200);
    const url = new URL(created.body.data.url);
    const token = url.pathname.replace(/^.*\/private\//, '').replace(/\.ics$/, '');
    expect(token.length).toBeGreaterThan(20);
    lines.length = 0;
    for (const p of [
      `/api/calendar/private/${token}.ics`,
      `/API/CALENDAR/PRIVATE/${token}.ics`,
      `/api/calendar/private/${token}.ics/`,
      `/Api/Calendar/Private/${token}.ics?refresh=1`,
    ]) {
      const res = await app.http().get(p);
      expect({ p, status: res.status }).toEqual({ p, status: 200 });
      expect(res.text).toMatch(/BEGIN:VCALENDAR/);
    }
    // a wrong guess, and a subscriber's confirmation token
    await app.http().get(`/api/calendar/private/${token.slice(0, -2)}xx.ics`);
    await app.http().get(`/api/subscribers/confirm?token=${token}`);
    await new Promise((r) => setTimeout(r, 50));
    const requests = lines.filter((l) => /calendar\/private|subscribers\/confirm/i.test(l));
    expect(requests.length).toBeGreaterThanOrEqual(6);
    expect(requests.filter((l) => /\/private\/\*\*\*/i.test(l)).length).toBeGreaterThanOrEqual(5);
    expect(lines.filter((l) => l.includes(token) || l.includes(token.slice(0, 16)))).toEqual([]);
  });
});
