import { errors } from '@strapi/utils';

/**
 * The bureau's admin password rule, stricter than Strapi's (8 characters): at least 12 characters
 * with a lowercase letter, an uppercase letter and a digit (bcrypt reads at most 72 bytes).
 * Returns the French reason of a refusal, or null when the password is acceptable.
 */
export const weakPasswordReason = (password: unknown): string | null => {
  if (typeof password !== 'string') return 'le mot de passe est obligatoire';
  if (password.length < 12) return 'au moins 12 caractères sont nécessaires';
  if (!/[a-z]/.test(password)) return 'il faut au moins une lettre minuscule';
  if (!/[A-Z]/.test(password)) return 'il faut au moins une lettre majuscule';
  if (!/\d/.test(password)) return 'il faut au moins un chiffre';
  if (Buffer.byteLength(password, 'utf8') > 72) return '72 octets au plus';
  return null;
};

/** Admin routes that set a password (first admin, invitation, reset, own profile, a user's profile). */
const SETS_PASSWORD = /^\/admin\/(register-admin|register|reset-password|users\/[^/]+)$/;

/** Global middleware (config/middlewares.ts, after the body parser): checks every new admin password. */
export const strongAdminPassword = () => async (ctx: any, next: () => Promise<void>) => {
  if ((ctx.method === 'POST' || ctx.method === 'PUT') && SETS_PASSWORD.test(ctx.path)) {
    const body = ctx.request.body ?? {};
    const password = body.userInfo?.password ?? body.password;
    if (password !== undefined && password !== null) {
      const reason = weakPasswordReason(password);
      if (reason) {
        throw new errors.ValidationError(`Mot de passe : ${reason} (au moins 12 caractères, avec majuscule, minuscule et chiffre).`, {
          errors: [{ path: ['password'], message: reason }],
        });
      }
    }
  }
  await next();
};
