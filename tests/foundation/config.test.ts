import fs from 'fs';
import path from 'path';
import { ConfigError, ENV_VARIABLES, checkEnvironment, environmentProblems, readEnv, readEnvIfSet } from '../../src/core/config';
import { ROOT } from '../helpers/strapi';

/**
 * The one module that reads the environment: defaults, parsing, the French message naming a variable
 * whose value cannot be used, and the README table that documents every variable.
 */
describe('environment variables', () => {
  it('gives the default when a variable is unset or empty, and reads a set value', () => {
    expect(readEnv('UPLOAD_MAX_MB', {})).toBe(20);
    expect(readEnv('UPLOAD_MAX_MB', { UPLOAD_MAX_MB: '' })).toBe(20);
    expect(readEnv('UPLOAD_MAX_MB', { UPLOAD_MAX_MB: ' 5 ' })).toBe(5);
    expect(readEnv('CRON_ENABLED', {})).toBe(true);
    expect(readEnv('CRON_ENABLED', { CRON_ENABLED: 'false' })).toBe(false);
    expect(readEnv('CORS_ORIGINS', { CORS_ORIGINS: 'https://a.fr, https://b.fr' })).toEqual(['https://a.fr', 'https://b.fr']);
    expect(readEnv('SMTP_HOST', {})).toBeNull();
    expect(readEnv('EMAIL_REPLY_TO', {})).toBe('no-reply@association.local');
    expect(readEnv('EMAIL_REPLY_TO', { EMAIL_FROM: 'Asso <bureau@asso.fr>' })).toBe('Asso <bureau@asso.fr>');
    expect(readEnv('DATABASE_FILENAME', {})).toBe(path.join(ROOT, '.tmp/data.db'));
    expect(readEnv('DATABASE_FILENAME', { DATABASE_FILENAME: '/srv/asso.db' })).toBe('/srv/asso.db');
    expect(readEnvIfSet('PORT', {})).toBeUndefined();
    expect(readEnvIfSet('PORT', { PORT: '8080' })).toBe(8080);
  });

  it('refuses a value that cannot be used, naming the variable and what it expects, in French', () => {
    const read = () => readEnv('UPLOAD_MAX_MB', { UPLOAD_MAX_MB: 'abc' });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow("UPLOAD_MAX_MB : « abc » n'est pas valide (attendu : un nombre entier d'au moins 1 ; par défaut : 20).");
    expect(() => readEnv('CRON_ENABLED', { CRON_ENABLED: 'oui' })).toThrow(
      "CRON_ENABLED : « oui » n'est pas valide (attendu : true ou false ; par défaut : true)."
    );
    expect(() => readEnv('DATABASE_CLIENT', { DATABASE_CLIENT: 'mysql' })).toThrow(
      /DATABASE_CLIENT : « mysql » n'est pas valide \(attendu : « sqlite » ou « postgres »/
    );
    for (const [name, raw] of [
      ['PORT', '70000'],
      ['PORT', '80.5'],
      ['PROXY_HOPS', '0'],
      ['BACKUP_KEEP_DAILY', '-1'],
      ['NEWSLETTER_BATCH_SIZE', '0'],
      ['SMTP_SECURE', 'yes'],
      ['TEST_LOG_LEVEL', 'bavard'],
      ['HEAP_GROWING_PERCENT', '500'],
      ['HEAP_GROWING_PERCENT', 'moins'],
    ] as const) {
      expect(environmentProblems({ [name]: raw })).toEqual([
        expect.stringMatching(new RegExp(`^${name} : « ${raw.replace('.', '\\.')} » n'est pas valide`)),
      ]);
    }
  });

  it('stops the start on every invalid value at once, and lets a valid environment through', () => {
    const check = () => checkEnvironment({ UPLOAD_MAX_MB: 'abc', DATABASE_PORT: 'cinq', CRON_ENABLED: 'true' });
    expect(check).toThrow(/^Démarrage refusé : des variables d'environnement ont une valeur invalide\./);
    expect(check).toThrow(
      / {2}- DATABASE_PORT : « cinq » n'est pas valide \(attendu : un nombre entier de 1 à 65535 ; par défaut : 5432\)\./
    );
    expect(check).toThrow(/ {2}- UPLOAD_MAX_MB : « abc » n'est pas valide/);
    expect(check).toThrow(/Corrigez ces valeurs dans le fichier \.env/);
    // any read reports them all, whichever config file reads first
    expect(() => readEnv('DATABASE_PORT', { UPLOAD_MAX_MB: 'abc', DATABASE_PORT: 'cinq' })).toThrow(/DATABASE_PORT[\s\S]*UPLOAD_MAX_MB/);
    expect(() => checkEnvironment({ UPLOAD_MAX_MB: '50', NODE_ENV: 'development' })).not.toThrow();
    // production adds the secrets check
    expect(() => checkEnvironment({ NODE_ENV: 'production' })).toThrow(/Démarrage refusé en production : APP_KEYS/);
  });

  it('is documented: the README table lists exactly the variables of the module, with their defaults', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.split("## Variables d'environnement\n")[1]?.split('\n## ')[0] ?? '';
    const rows = section
      .split('\n')
      .map((line) => /^\| `([A-Z0-9_]+)` \| ([^|]*) \|/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ name: m[1], shownDefault: m[2].trim() === '(vide)' ? '' : m[2].trim().replace(/^`(.*)`$/, '$1') }));
    expect(rows.map((r) => r.name).sort()).toEqual(ENV_VARIABLES.map((v) => v.name).sort());
    expect(rows).toEqual(expect.arrayContaining(ENV_VARIABLES.map((v) => ({ name: v.name, shownDefault: v.shownDefault }))));
    // .env.example only names variables the application reads
    const example = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const names = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(40);
    expect(names.filter((n) => !ENV_VARIABLES.some((v) => v.name === n))).toEqual([]);
  });
});
