import type { TestApp } from './strapi';
import { loginAdmin } from './strapi';

/** The bureau's admin role codes (src/back-office/access/roles.ts), plus Strapi's super admin. */
export type RoleCode =
  'asso-treasurer' | 'asso-secretary' | 'asso-volunteer-manager' | 'asso-communication' | 'asso-partnerships' | 'strapi-super-admin';

export const BUREAU_ROLES: RoleCode[] = [
  'asso-treasurer',
  'asso-secretary',
  'asso-volunteer-manager',
  'asso-communication',
  'asso-partnerships',
];

const tokens = new WeakMap<TestApp, Map<RoleCode, string>>();

/**
 * An admin token for a user holding only the given role (created on first use, then cached per app).
 *   const token = await loginAs(app, 'asso-treasurer');
 *   await app.admin('get', '/back-office/dues', token).expect(200);
 */
export const loginAs = async (app: TestApp, code: RoleCode): Promise<string> => {
  if (code === 'strapi-super-admin') return app.adminToken;
  let cache = tokens.get(app);
  if (!cache) tokens.set(app, (cache = new Map()));
  const cached = cache.get(code);
  if (cached) return cached;
  const role = await app.strapi.service('admin::role').findOne({ code });
  if (!role) throw new Error(`rôle ${code} introuvable`);
  const email = `${code}@test.local`;
  const password = 'Bureau-Test-2026';
  const existing = await app.strapi.db.query('admin::user').findOne({ where: { email } });
  if (!existing) {
    await app.strapi.service('admin::user').create({
      email,
      firstname: code,
      lastname: 'Test',
      password,
      roles: [role.id],
      isActive: true,
    });
  }
  const token = await loginAdmin(app.strapi.server.httpServer, email, password);
  cache.set(code, token);
  return token;
};
