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

export const assertProductionSecrets = (nodeEnv: string, vars: Record<string, string | undefined>) => {
  if (nodeEnv !== 'production') return;
  const bad = badSecrets(vars);
  if (bad.length) {
    throw new Error(
      `Démarrage refusé en production : ${bad.join(', ')} manquant(s) ou encore à la valeur de développement. ` +
        `Générez des valeurs secrètes (par exemple : node -e "console.log(require('crypto').randomBytes(32).toString('base64'))") ` +
        `et renseignez-les dans le fichier .env (voir .env.example).`
    );
  }
};
