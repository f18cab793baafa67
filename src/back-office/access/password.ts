import type { Context, Next } from 'koa';
import { badRequest } from '../../core/errors';
import type { Strapi } from '../types';

/**
 * The bureau's admin password rule, stricter than Strapi's (8 characters): at least 12 characters
 * with a lowercase letter, an uppercase letter and a digit (bcrypt reads at most 72 bytes).
 * Returns the French reason of a refusal, or null when the password is acceptable.
 */
export const weakPasswordReason = (password: unknown): string | null => {
  if (typeof password !== 'string' || !password) return 'le mot de passe est obligatoire';
  if (password.length < 12) return 'au moins 12 caractères sont nécessaires';
  if (!/[a-z]/.test(password)) return 'il faut au moins une lettre minuscule';
  if (!/[A-Z]/.test(password)) return 'il faut au moins une lettre majuscule';
  if (!/\d/.test(password)) return 'il faut au moins un chiffre';
  if (Buffer.byteLength(password, 'utf8') > 72) return '72 octets au plus';
  return null;
};

/** Throws the French 400 naming `password` when the password breaks the rule. */
export const assertStrongAdminPassword = (password: unknown, path: string[] = ['password']) => {
  const reason = weakPasswordReason(password);
  if (!reason) return;
  throw badRequest(`Mot de passe : ${reason} (au moins 12 caractères, avec majuscule, minuscule et chiffre).`, path);
};

/**
 * The admin routes whose body carries a new password. Their own input validation (Strapi's rule,
 * in English) runs before the services: checking here first gives the French message for every
 * weak password. This list is only for the message; the rule itself is enforced in the service.
 */
const SETS_PASSWORD: Record<string, (body: unknown) => unknown> = {
  'authentication.registerAdmin': (body) => valueAt(body, 'password'),
  'authentication.register': (body) => valueAt(body, 'userInfo', 'password'),
  'authentication.resetPassword': (body) => valueAt(body, 'password'),
  'authenticated-user.updateMe': (body) => valueAt(body, 'password'),
  'user.update': (body) => valueAt(body, 'password'),
};

/** body.a.b..., or undefined. */
const valueAt = (body: unknown, ...path: string[]) =>
  path.reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), body);

const MARK: unique symbol = Symbol.for('asso.adminPasswordRule') as typeof MARK;
/** A function of Strapi's already wrapped here (register() may run twice in one process: the tests). */
type Marked<F> = F & { [MARK]?: true };
const marked = <F>(fn: F): Marked<F> => Object.assign(fn, { [MARK]: true as const });

/** What this file wraps of Strapi's admin services and routes. */
interface AdminAuthService {
  hashPassword?: Marked<(password: unknown) => Promise<string>>;
}
interface AdminUserService {
  resetPasswordByEmail?: Marked<(email: string, password: unknown) => Promise<unknown>>;
}
interface AdminRoute {
  handler: string;
  config?: { middlewares?: unknown[] };
}

/**
 * The rule where Strapi sets admin passwords, in register(): every clear admin password goes
 * through the admin `auth` service's hashPassword before it is stored (first admin, creation,
 * registration from an invitation, reset, own profile, a user's profile, and the CLIs
 * `strapi admin:create-user` / `admin:reset-user-password`, which boot the app). A weak one throws
 * before anything is written.
 */
export const guardAdminPasswords = (strapi: Strapi) => {
  const auth = strapi.service('admin::auth') as AdminAuthService;
  if (!auth?.hashPassword) throw new Error('Service admin::auth introuvable : impossible d\u2019appliquer la règle des mots de passe.');
  if (!auth.hashPassword[MARK]) {
    const hashPassword = auth.hashPassword;
    auth.hashPassword = marked(async (password: unknown) => {
      assertStrongAdminPassword(password);
      return hashPassword.call(auth, password);
    });
  }
  // the CLI admin:reset-user-password applies Strapi's rule (English) first: ours first, in French
  const users = strapi.service('admin::user') as AdminUserService;
  if (users?.resetPasswordByEmail && !users.resetPasswordByEmail[MARK]) {
    const resetPasswordByEmail = users.resetPasswordByEmail;
    users.resetPasswordByEmail = marked(async (email: string, password: unknown) => {
      assertStrongAdminPassword(password);
      return resetPasswordByEmail.call(users, email, password);
    });
  }

  const adminRoutes = (strapi.admin as unknown as { routes?: Record<string, { routes?: AdminRoute[] }> }).routes ?? {};
  for (const router of Object.values(adminRoutes)) {
    for (const route of router?.routes ?? []) {
      const read = SETS_PASSWORD[route.handler];
      if (!read) continue;
      const middlewares = route.config?.middlewares ?? [];
      if (middlewares.some((m) => typeof m === 'function' && (m as Marked<() => void>)[MARK])) continue;
      const early = marked(async (ctx: Context, next: Next) => {
        const password = read(ctx.request.body);
        if (password !== undefined)
          assertStrongAdminPassword(password, route.handler === 'authentication.register' ? ['userInfo', 'password'] : ['password']);
        return next();
      });
      // after the route's own middlewares (the sign-up rate limit counts refused attempts too)
      route.config = { ...route.config, middlewares: [...middlewares, early] };
    }
  }
};
