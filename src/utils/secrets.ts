/**
 * Secrets that must be set, and not left at a development default, before the app runs in production.
 * The development defaults used in config/*.ts all contain "change-me" (see .env.example).
 */
export const REQUIRED_SECRETS = [
  'APP_KEYS',
  'ADMIN_JWT_SECRET',
  'JWT_SECRET',
  'API_TOKEN_SALT',
  'TRANSFER_TOKEN_SALT',
  'ENCRYPTION_KEY',
] as const;

const isDevelopmentDefault = (value: string) => /change-?me|tobemodified|^dev|example/i.test(value);

/** Names of the secrets that are missing or still a development default. */
export const badSecrets = (vars: Record<string, string | undefined>) =>
  REQUIRED_SECRETS.filter((name) => {
    const value = (vars[name] ?? '').trim();
    if (!value) return true;
    return value.split(',').some((part) => !part.trim() || isDevelopmentDefault(part.trim()));
  });

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
  const bad = badSecrets(vars);
  if (bad.length) {
    problems.push(
      `Démarrage refusé en production : ${bad.join(', ')} manquant(s) ou encore à la valeur de développement. ` +
        `Générez des valeurs secrètes (par exemple : node -e "console.log(require('crypto').randomBytes(32).toString('base64'))") ` +
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
