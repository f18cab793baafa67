import { fromRoot } from '../utils/paths';
import { assertProductionSecrets } from '../utils/secrets';

/**
 * Every environment variable the application reads, in one place: its name, its default and how its
 * value is read. The config files (config/*.ts) and the code read them only through `readEnv`, so a
 * variable has one default and one parser; `checkEnvironment` (called by config/server.ts when the
 * server loads) refuses to start on a value that cannot be used, with a French message naming the
 * variable. An empty value (a .env copied from .env.example) counts as unset: the default applies.
 *
 * Values are read at each call, not at import: the launchers and the tests set variables before
 * loading the app. The README table « Variables d'environnement » lists the same names and defaults
 * (a test checks both ways).
 */

export type EnvVars = Record<string, string | undefined>;

/** A value that cannot be used; its message is French and names the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

interface Variable<T> {
  /** the default as the README table writes it */
  shownDefault: string;
  /** the value when the variable is unset or empty */
  fallback: (vars: EnvVars) => T;
  /** the value of a non-empty setting; throws ConfigError when it cannot be used */
  parse: (raw: string, name: string) => T;
}

const invalid = (name: string, raw: string, expected: string, shownDefault: string) =>
  new ConfigError(
    `${name} : « ${raw.length > 100 ? `${raw.slice(0, 100)}…` : raw} » n'est pas valide (attendu : ${expected}${shownDefault ? ` ; par défaut : ${shownDefault}` : ''}).`
  );

const text = (fallback: string): Variable<string> => ({ shownDefault: fallback, fallback: () => fallback, parse: (raw) => raw });

/** A setting with no default: null when unset. */
const optional = (): Variable<string | null> => ({ shownDefault: '', fallback: () => null, parse: (raw) => raw });

/** A folder or file: absolute, or relative to the project root. */
const location = (fallback: string): Variable<string> => ({
  shownDefault: fallback,
  fallback: () => fromRoot(fallback),
  parse: (raw) => fromRoot(raw.trim()),
});

const integer = (fallback: number, { min, max }: { min: number; max?: number }): Variable<number> => {
  const shownDefault = String(fallback);
  const expected =
    max === undefined
      ? min === 0
        ? 'un nombre entier positif ou nul'
        : `un nombre entier d'au moins ${min}`
      : `un nombre entier de ${min} à ${max}`;
  return {
    shownDefault,
    fallback: () => fallback,
    parse: (raw, name) => {
      const n = Number(raw.trim());
      if (!/^\d+$/.test(raw.trim()) || n < min || (max !== undefined && n > max)) throw invalid(name, raw, expected, shownDefault);
      return n;
    },
  };
};

const flag = (fallback: boolean): Variable<boolean> => ({
  shownDefault: String(fallback),
  fallback: () => fallback,
  parse: (raw, name) => {
    const value = raw.trim().toLowerCase();
    if (value !== 'true' && value !== 'false') throw invalid(name, raw, 'true ou false', String(fallback));
    return value === 'true';
  },
});

/** Comma-separated values (optionally in brackets and quotes, as Strapi's env.array reads them). */
const list = (fallback: string[]): Variable<string[]> => ({
  shownDefault: fallback.join(','),
  fallback: () => fallback,
  parse: (raw) => {
    const value = raw.trim().replace(/^\[(.*)\]$/, '$1');
    const items = value
      .split(',')
      .map((v) => v.trim().replace(/^"(.*)"$/, '$1'))
      .filter(Boolean);
    return items.length ? items : fallback;
  },
});

const choice = <C extends string>(fallback: C, choices: readonly C[]): Variable<C> => ({
  shownDefault: fallback,
  fallback: () => fallback,
  parse: (raw, name) => {
    const value = raw.trim() as C;
    if (!choices.includes(value)) throw invalid(name, raw, choices.map((c) => `« ${c} »`).join(' ou '), fallback);
    return value;
  },
});

/** A setting of the S3 storage: required when UPLOAD_PROVIDER=s3, unused otherwise. */
const neededForS3 = (name: string, what: string): Variable<string | null> => ({
  shownDefault: '',
  fallback: (vars) => {
    if (vars.UPLOAD_PROVIDER?.trim() === 's3') throw new ConfigError(`${name} : obligatoire quand UPLOAD_PROVIDER=s3 (${what}).`);
    return null;
  },
  parse: (raw) => raw.trim(),
});

const SECRET_DEFAULT = 'valeur de développement (refusée en production)';

/** A secret: its development default, refused in production (src/utils/secrets.ts). */
const secret = (fallback: string): Variable<string> => ({
  shownDefault: SECRET_DEFAULT,
  fallback: () => fallback,
  parse: (raw) => raw,
});

const DEV_APP_KEYS = ['devKeyA-change-me', 'devKeyB-change-me'];

const VARIABLES = {
  // --- server ---
  NODE_ENV: text('development'),
  HOST: text('0.0.0.0'),
  PORT: integer(1337, { min: 0, max: 65535 }),
  PUBLIC_URL: { ...text(''), parse: (raw: string) => raw.trim() },
  IS_PROXIED: flag(false),
  PROXY_HOPS: integer(1, { min: 1 }),
  PUBLIC_DIR: location('./public'),
  CORS_ORIGINS: list(['http://localhost:1337', 'http://localhost:3000']),
  CRON_ENABLED: flag(true),
  SERVE_ADMIN: flag(true),
  ADMIN_RATE_LIMIT: flag(true),
  /** Redis shared by the instances for the rate limits (redis://host:6379); else PostgreSQL, or memory on SQLite */
  REDIS_URL: optional(),
  /** V8's heap growing factor, 1 + p/100, after each full garbage collection (src/core/memory.ts); 0: V8's own */
  HEAP_GROWING_PERCENT: integer(50, { min: 0, max: 300 }),

  // --- secrets ---
  APP_KEYS: { ...list(DEV_APP_KEYS), shownDefault: SECRET_DEFAULT },
  ADMIN_JWT_SECRET: secret('dev-admin-jwt-secret-change-me'),
  JWT_SECRET: secret('dev-jwt-secret-change-me'),
  API_TOKEN_SALT: secret('dev-api-token-salt-change-me'),
  TRANSFER_TOKEN_SALT: secret('dev-transfer-token-salt-change-me'),
  ENCRYPTION_KEY: secret('dev-encryption-key-change-me'),

  // --- database ---
  DATABASE_CLIENT: choice('sqlite', ['sqlite', 'postgres'] as const),
  DATABASE_FILENAME: location('.tmp/data.db'),
  DATABASE_URL: optional(),
  DATABASE_HOST: text('127.0.0.1'),
  DATABASE_PORT: integer(5432, { min: 1, max: 65535 }),
  DATABASE_NAME: text('asso'),
  DATABASE_USERNAME: text('postgres'),
  DATABASE_PASSWORD: text(''),
  DATABASE_SSL: flag(false),
  DATABASE_SSL_REJECT_UNAUTHORIZED: flag(true),
  DATABASE_SCHEMA: text('public'),
  DATABASE_POOL_MIN: integer(0, { min: 0 }),
  DATABASE_POOL_MAX: integer(10, { min: 1 }),
  DATABASE_CONNECTION_TIMEOUT: integer(60000, { min: 1 }),
  // PostgreSQL session settings of every connection: no JIT compilation (it costs more than it saves on
  // this application's queries) and no parallel workers (several requests at once already share the cores)
  DATABASE_SESSION_OPTIONS: text('-c jit=off -c max_parallel_workers_per_gather=0'),

  // --- mail ---
  SMTP_HOST: optional(),
  SMTP_PORT: integer(587, { min: 1, max: 65535 }),
  SMTP_SECURE: flag(false),
  SMTP_IGNORE_TLS: flag(false),
  SMTP_USER: optional(),
  SMTP_PASS: optional(),
  EMAIL_FROM: text('Association <no-reply@association.local>'),
  EMAIL_REPLY_TO: {
    ...text('no-reply@association.local'),
    shownDefault: 'EMAIL_FROM, sinon no-reply@association.local',
    fallback: (vars: EnvVars) => (vars.EMAIL_FROM?.trim() ? (vars.EMAIL_FROM as string) : 'no-reply@association.local'),
  },

  // --- newsletters and public forms ---
  NEWSLETTER_RATE_PER_MINUTE: integer(120, { min: 1 }),
  NEWSLETTER_BATCH_SIZE: integer(50, { min: 1 }),
  REGISTRATION_RATE_LIMIT_MAX: integer(10, { min: 1 }),
  SUBSCRIBE_RATE_PER_MINUTE: integer(5, { min: 1 }),
  RATE_LIMIT_DISABLED: flag(false),

  // --- media library ---
  UPLOAD_MAX_MB: integer(20, { min: 1 }),
  IMPORT_MAX_MB: integer(20, { min: 1 }),
  /** where uploaded files are kept: the public folder (local) or an S3-compatible bucket (s3) */
  UPLOAD_PROVIDER: choice('local', ['local', 's3'] as const),
  S3_ENDPOINT: {
    ...optional(),
    shownDefault: '',
    parse: (raw: string, name: string) => {
      const value = raw.trim().replace(/\/+$/, '');
      if (!/^https?:\/\/[^/\s]+(\/[^\s]*)?$/i.test(value)) throw invalid(name, raw, 'une adresse http:// ou https://', '');
      return value;
    },
  },
  S3_BUCKET: neededForS3('S3_BUCKET', 'le nom du bucket'),
  S3_REGION: neededForS3('S3_REGION', 'la région du stockage, par exemple fr-par ou gra'),
  S3_ACCESS_KEY_ID: neededForS3('S3_ACCESS_KEY_ID', 'la clé d’accès'),
  S3_SECRET_ACCESS_KEY: neededForS3('S3_SECRET_ACCESS_KEY', 'la clé secrète'),
  /** addresses as endpoint/bucket/key (self-hosted servers) instead of bucket.endpoint/key */
  S3_FORCE_PATH_STYLE: flag(false),

  // --- backups ---
  BACKUP_DIR: location('./backups'),
  BACKUP_CRON: text('0 3 * * *'),
  BACKUP_KEEP_DAILY: integer(7, { min: 0 }),
  BACKUP_KEEP_WEEKLY: integer(4, { min: 0 }),
  BACKUP_KEEP_MONTHLY: integer(12, { min: 0 }),
  PG_BIN_DIR: optional(),
  /** set by npm: the folder the command was typed in (`npm run restore -- archive.tar.gz`) */
  INIT_CWD: optional(),

  // --- books ---
  /** euros: an income or an expense of at least this amount needs its voucher (0: every one) */
  BOOKS_VOUCHER_REQUIRED_ABOVE: integer(150, { min: 0 }),
  // --- HelloAsso ---
  HELLOASSO_CLIENT_ID: optional(),
  HELLOASSO_CLIENT_SECRET: optional(),
  HELLOASSO_ORGANIZATION_SLUG: optional(),
  HELLOASSO_API_URL: text('https://api.helloasso.com/v5'),
  HELLOASSO_OAUTH_URL: text('https://api.helloasso.com/oauth2/token'),
  /** first synchronisation: from this day (YYYY-MM-DD); by default the 1st of January of the previous year */
  HELLOASSO_SYNC_FROM: {
    ...optional(),
    parse: (raw: string, name: string) => {
      const day = raw.trim();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) throw invalid(name, raw, 'un jour AAAA-MM-JJ', '');
      return day;
    },
  },
  HELLOASSO_RETRY_DELAY_MS: integer(1000, { min: 0 }),
  HELLOASSO_NOTIFICATIONS_PER_MINUTE: integer(120, { min: 1 }),

  // --- tests ---
  TEST_LOG_LEVEL: choice('error', ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const),
} satisfies Record<string, Variable<unknown>>;

export type EnvName = keyof typeof VARIABLES;
export type EnvValue<N extends EnvName> = (typeof VARIABLES)[N] extends Variable<infer T> ? T : never;

const isUnset = (raw: string | undefined): raw is undefined => raw === undefined || raw.trim() === '';

const parseEnv = <N extends EnvName>(name: N, vars: EnvVars): EnvValue<N> => {
  const variable = VARIABLES[name] as Variable<EnvValue<N>>;
  const raw = vars[name];
  return isUnset(raw) ? variable.fallback(vars) : variable.parse(raw, name);
};

/** Every variable with its default as written in the README. */
export const ENV_VARIABLES: ReadonlyArray<{ name: EnvName; shownDefault: string }> = (Object.keys(VARIABLES) as EnvName[]).map((name) => ({
  name,
  shownDefault: VARIABLES[name].shownDefault,
}));

/** The French message of every variable whose value cannot be used (empty when all are fine). */
export const environmentProblems = (vars: EnvVars = process.env): string[] =>
  ENV_VARIABLES.flatMap(({ name }) => {
    try {
      parseEnv(name, vars);
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return [e.message];
      throw e;
    }
  });

/** One error naming every variable whose value cannot be used, or null. */
const environmentError = (vars: EnvVars) => {
  const problems = environmentProblems(vars);
  if (!problems.length) return null;
  const many = problems.length > 1;
  return new ConfigError(
    `Démarrage refusé : ${many ? "des variables d'environnement ont une valeur invalide" : "une variable d'environnement a une valeur invalide"}.\n` +
      problems.map((p) => `  - ${p}`).join('\n') +
      `\nCorrigez ${many ? 'ces valeurs' : 'cette valeur'} dans le fichier .env (voir .env.example), ou retirez la ligne pour garder la valeur par défaut.`
  );
};

/**
 * The value of a variable: its setting read and checked, or its default. A value that cannot be used
 * throws a ConfigError naming it, and every other invalid one (the first config file read at startup
 * reports them all).
 */
export const readEnv = <N extends EnvName>(name: N, vars: EnvVars = process.env): EnvValue<N> => {
  try {
    return parseEnv(name, vars);
  } catch (e) {
    throw e instanceof ConfigError ? (environmentError(vars) ?? e) : e;
  }
};

/** The value of a variable when it is set, else undefined (for a default of its own, e.g. in config/env/test). */
export const readEnvIfSet = <N extends EnvName>(name: N, vars: EnvVars = process.env): EnvValue<N> | undefined =>
  isUnset(vars[name]) ? undefined : readEnv(name, vars);

/**
 * Refuses to start on a value that cannot be used, naming each variable (also those read only later,
 * by a job or a public form), then, with NODE_ENV=production, on missing or weak secrets and a missing
 * PUBLIC_URL. Called when config/server.ts is loaded.
 */
export const checkEnvironment = (vars: EnvVars = process.env) => {
  const error = environmentError(vars);
  if (error) throw error;
  assertProductionSecrets(readEnv('NODE_ENV', vars), vars);
};
