/**
 * Secrets that must be set, to strong values, before the app runs in production.
 * The development defaults (src/core/config.ts) all contain "change-me" (see .env.example).
 */
export const REQUIRED_SECRETS = [
  'APP_KEYS',
  'ADMIN_JWT_SECRET',
  'JWT_SECRET',
  'API_TOKEN_SALT',
  'TRANSFER_TOKEN_SALT',
  'ENCRYPTION_KEY',
] as const;

export const SECRET_MIN_LENGTH = 32;
const MIN_DISTINCT = 10;

const isDevelopmentDefault = (value: string) => /change-?me|tobemodified|^dev-|example/i.test(value);

/** The smallest p such that the value repeats its first p characters ("abcabcab" → 3). */
const period = (value: string) => {
  for (let p = 1; p < value.length; p += 1) {
    let repeats = true;
    for (let i = p; i < value.length && repeats; i += 1) repeats = value[i] === value[i - p];
    if (repeats) return p;
  }
  return value.length;
};

/**
 * Why a secret is too weak, in French, or null. Strong means: at least 32 characters, at least 10
 * different ones, two kinds of characters at least (lowercase, uppercase, digits, others: hexadecimal qualifies),
 * no repeated pattern ("abcabc…") and no run of neighbouring characters ("abcdef…", "aaaa…") over
 * half the value. 32 random bytes in base64 (44 characters) or hexadecimal (64) always pass.
 */
export const weakSecretReason = (raw: string | undefined): string | null => {
  const value = (raw ?? '').trim();
  if (!value) return 'manquant';
  if (isDevelopmentDefault(value)) return 'encore à la valeur de développement';
  if (value.length < SECRET_MIN_LENGTH) return `trop court (${value.length} caractères, ${SECRET_MIN_LENGTH} au moins)`;
  if (new Set(value).size < MIN_DISTINCT) return `trop peu varié (moins de ${MIN_DISTINCT} caractères différents)`;
  const kinds = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((re) => re.test(value)).length;
  if (kinds < 2) return 'trop peu varié (une seule sorte de caractères)';
  if (period(value) <= value.length / 2) return 'trop peu varié (un motif répété)';
  let neighbours = 0;
  for (let i = 1; i < value.length; i += 1) if (Math.abs(value.charCodeAt(i) - value.charCodeAt(i - 1)) <= 1) neighbours += 1;
  if (neighbours > (value.length - 1) / 2) return 'trop peu varié (une suite de caractères voisins)';
  return null;
};

/** Each secret that is missing, a development default or too weak, with the reason (APP_KEYS: each key). */
export const secretProblems = (vars: Record<string, string | undefined>) =>
  REQUIRED_SECRETS.flatMap((name) => {
    const value = (vars[name] ?? '').trim();
    if (!value) return [{ name, reason: 'manquant' }];
    if (name !== 'APP_KEYS') {
      const reason = weakSecretReason(value);
      return reason ? [{ name, reason }] : [];
    }
    return value.split(',').flatMap((key, i, keys) => {
      const reason = weakSecretReason(key);
      return reason ? [{ name, reason: keys.length > 1 ? `clé n° ${i + 1} : ${reason}` : reason }] : [];
    });
  });

/** Names of the secrets that are missing, a development default or too weak. */
export const badSecrets = (vars: Record<string, string | undefined>) => [...new Set(secretProblems(vars).map((p) => p.name))];

/**
 * PUBLIC_URL is the address written in the links of the e-mails (subscription confirmation,
 * unsubscribe): without it they would point to http://localhost:1337. True when empty or not http(s).
 */
export const badPublicUrl = (value: string | undefined) => {
  const v = (value ?? '').trim();
  if (!v) return true;
  try {
    const url = new URL(v);
    return !['http:', 'https:'].includes(url.protocol) || !url.hostname;
  } catch {
    return true;
  }
};

export const assertProductionSecrets = (nodeEnv: string, vars: Record<string, string | undefined>) => {
  if (nodeEnv !== 'production') return;
  const problems: string[] = [];
  const bad = secretProblems(vars);
  if (bad.length) {
    problems.push(
      `Démarrage refusé en production : ${[...new Set(bad.map((b) => b.name))].join(', ')} manquant(s), encore à la valeur de développement ou trop faible(s) ` +
        `(${bad.map((b) => `${b.name} ${b.reason}`).join(' ; ')}). ` +
        `Chaque secret doit compter au moins ${SECRET_MIN_LENGTH} caractères variés. Générez des valeurs secrètes (par exemple : node -p "require('crypto').randomBytes(32).toString('base64')") ` +
        `et renseignez-les dans le fichier .env (voir .env.example).`
    );
  }
  if (badPublicUrl(vars.PUBLIC_URL)) {
    const given = (vars.PUBLIC_URL ?? '').trim();
    problems.push(
      `Démarrage refusé en production : PUBLIC_URL ${given ? `(« ${given.slice(0, 100)} ») n'est pas une adresse http(s)` : 'manquant'}. ` +
        `Indiquez dans le fichier .env l'adresse publique du back-office, par exemple PUBLIC_URL=https://gestion.mon-asso.fr : ` +
        `les liens des e-mails (confirmation d'abonnement, désinscription) y mènent.`
    );
  }
  if (problems.length) throw new Error(problems.join('\n'));
};
