import request from 'supertest';
import { startStrapi, TestApp, DB_CLIENT, SUPER_ADMIN, loginAdmin } from '../helpers/strapi';
import { loginAs } from '../helpers/roles';
import { weakPasswordReason } from '../../src/back-office/access/password';
import { DEMO_ACCOUNTS } from '../../src/back-office/demo/accounts';
import type { Json } from '../helpers/types';

/**
 * The admin password rule (12+ characters, lowercase, uppercase, digit, 72 bytes at most) holds on
 * every path that sets an admin password: first admin, invitation, reset, own profile, a user's
 * profile, and the services themselves (what the CLIs admin:create-user and
 * admin:reset-user-password call). A refusal is a French 400 naming `password` and changes nothing.
 */
const WEAK = {
  // 8 characters: accepted by Strapi's own rule, not by ours
  short: 'Court1Aa',
  // 7 characters: refused by both, the French message must come first
  veryShort: 'Cour1Aa',
  noDigit: 'SansChiffreDuTout',
  noUpper: 'toutenminuscule123',
  noLower: 'TOUTENMAJUSCULE123',
  // 43 characters, 83 bytes (bcrypt would ignore the end)
  tooLong: `Aa1${'é'.repeat(40)}`,
  tooLongAscii: `Aa1${'x'.repeat(70)}`,
};
const STRONG = 'Nouveau-Solide-2026';

const expectFrenchRefusal = (res: request.Response, what: string) => {
  expect({ what, status: res.status }).toEqual({ what, status: 400 });
  expect(res.body.error.name).toBe('ValidationError');
  expect(res.body.error.message).toMatch(/^Mot de passe : /);
  expect(JSON.stringify(res.body.error.details)).toMatch(/password/);
};

describe(`admin password rule on every path (${DB_CLIENT})`, () => {
  let app: TestApp;
  const anon = () => request(app.strapi.server.httpServer);
  const storedHash = async (email: string) =>
    (await app.strapi.db.query('admin::user').findOne({ where: { email }, select: ['password'] }))?.password ?? null;
  const secretaryRole = async () => (await app.strapi.service('admin::role').findOne({ code: 'asso-secretary' })).id;

  beforeAll(async () => {
    app = await startStrapi();
  }, 300_000);
  afterAll(() => app?.stop());

  it('the rule itself, and the accounts we ship or test with pass it', () => {
    for (const [kind, password] of Object.entries(WEAK))
      expect({ kind, reason: weakPasswordReason(password) }).not.toEqual({ kind, reason: null });
    expect(weakPasswordReason(undefined)).not.toBeNull();
    expect(weakPasswordReason('')).not.toBeNull();
    for (const password of [STRONG, SUPER_ADMIN.password, 'Bureau-Test-2026', ...DEMO_ACCOUNTS.map((a) => a.password)])
      expect({ password, reason: weakPasswordReason(password) }).toEqual({ password, reason: null });
  });

  it('PUT /admin/users/me: every weak password refused in French, in every spelling of the URL; the old one still works', async () => {
    const token = await loginAs(app, 'asso-secretary');
    const email = 'asso-secretary@test.local';
    const before = await storedHash(email);
    for (const url of ['/admin/users/me', '/ADMIN/USERS/ME', '/admin/users/me/', '/Admin/Users/Me/']) {
      for (const [kind, password] of Object.entries(WEAK)) {
        const res = await app.admin('put', url, token).send({ currentPassword: 'Bureau-Test-2026', password });
        expectFrenchRefusal(res, `${url} ${kind}`);
      }
    }
    expect(await storedHash(email)).toBe(before);
    await loginAdmin(app.strapi.server.httpServer, email, 'Bureau-Test-2026');
    const ok = await app.admin('put', '/Admin/Users/Me/', token).send({ currentPassword: 'Bureau-Test-2026', password: STRONG });
    expect(ok.status).toBe(200);
    await loginAdmin(app.strapi.server.httpServer, email, STRONG);
  });

  it('invitation: POST /admin/register refuses a weak password and keeps the invitation usable', async () => {
    const invite = await app
      .admin('post', '/admin/users')
      .send({ firstname: 'Nouvel', lastname: 'Admin', email: 'nouvel@test.local', roles: [await secretaryRole()] });
    expect(invite.status).toBe(201);
    const registrationToken = invite.body.data.registrationToken;
    for (const url of ['/admin/register', '/ADMIN/REGISTER', '/admin/register/', '/Admin/Register/']) {
      for (const [kind, password] of Object.entries(WEAK)) {
        const res = await anon()
          .post(url)
          .send({ registrationToken, userInfo: { firstname: 'Nouvel', lastname: 'Admin', password } });
        expectFrenchRefusal(res, `${url} ${kind}`);
      }
    }
    const pending = await app.strapi.db.query('admin::user').findOne({ where: { email: 'nouvel@test.local' } });
    expect(pending.password ?? null).toBeNull();
    expect(pending.isActive).toBe(false);
    expect(pending.registrationToken).toBe(registrationToken);
    const ok = await anon()
      .post('/admin/register')
      .send({ registrationToken, userInfo: { firstname: 'Nouvel', lastname: 'Admin', password: STRONG } });
    expect(ok.status).toBe(200);
    await loginAdmin(app.strapi.server.httpServer, 'nouvel@test.local', STRONG);
  });

  it('PUT /admin/users/:id: the president cannot give anyone a weak password either', async () => {
    const user = await app.strapi.db.query('admin::user').findOne({ where: { email: 'nouvel@test.local' } });
    const before = await storedHash('nouvel@test.local');
    for (const url of [`/admin/users/${user.id}`, `/ADMIN/USERS/${user.id}`, `/admin/users/${user.id}/`]) {
      for (const [kind, password] of Object.entries(WEAK))
        expectFrenchRefusal(await app.admin('put', url).send({ password }), `${url} ${kind}`);
    }
    expect(await storedHash('nouvel@test.local')).toBe(before);
    expect((await app.admin('put', `/admin/users/${user.id}`).send({ password: 'Autre-Solide-2026' })).status).toBe(200);
    await loginAdmin(app.strapi.server.httpServer, 'nouvel@test.local', 'Autre-Solide-2026');
  });

  it('POST /admin/reset-password refuses a weak password and keeps the reset link usable', async () => {
    const email = 'nouvel@test.local';
    const resetPasswordToken = 'jeton-de-reinitialisation-test';
    await app.strapi.db
      .query('admin::user')
      .update({ where: { email }, data: { resetPasswordToken, resetPasswordTokenExpiresAt: new Date(Date.now() + 3600_000) } });
    const before = await storedHash(email);
    for (const url of ['/admin/reset-password', '/ADMIN/RESET-PASSWORD', '/admin/reset-password/', '/Admin/Reset-Password/']) {
      for (const [kind, password] of Object.entries(WEAK))
        expectFrenchRefusal(await anon().post(url).send({ resetPasswordToken, password }), `${url} ${kind}`);
    }
    expect(await storedHash(email)).toBe(before);
    expect((await app.strapi.db.query('admin::user').findOne({ where: { email } })).resetPasswordToken).toBe(resetPasswordToken);
    const ok = await anon().post('/admin/reset-password').send({ resetPasswordToken, password: 'Remis-A-Neuf-2026' });
    expect(ok.status).toBe(200);
    await loginAdmin(app.strapi.server.httpServer, email, 'Remis-A-Neuf-2026');
  });

  it('the services refuse it too, whoever calls them (the CLIs admin:create-user and admin:reset-user-password call these)', async () => {
    const users = app.strapi.admin.services.user;
    const auth = app.strapi.service('admin::auth');
    const roles = [await secretaryRole()];
    // a pending invitation, as POST /admin/users leaves it
    const invited = await users.create({ email: 'invite.service@test.local', firstname: 'Invité', lastname: 'Service', roles });
    const count = await app.strapi.db.query('admin::user').count();
    const before = await storedHash('nouvel@test.local');
    const user = await app.strapi.db.query('admin::user').findOne({ where: { email: 'nouvel@test.local' } });
    await app.strapi.db.query('admin::user').update({
      where: { id: user.id },
      data: { resetPasswordToken: 'autre-jeton', resetPasswordTokenExpiresAt: new Date(Date.now() + 3600_000) },
    });
    for (const [kind, password] of Object.entries(WEAK)) {
      const calls: [string, () => Promise<unknown>][] = [
        [
          'user.create (admin:create-user)',
          () =>
            users.create({
              email: `cli.${kind.toLowerCase()}@test.local`,
              firstname: 'Cli',
              lastname: 'Test',
              password,
              roles,
              isActive: true,
              registrationToken: null,
            }),
        ],
        ['user.resetPasswordByEmail (admin:reset-user-password)', () => users.resetPasswordByEmail('nouvel@test.local', password)],
        ['user.updateById', () => app.strapi.service('admin::user').updateById(user.id, { password })],
        [
          'user.register',
          () =>
            app.strapi
              .service('admin::user')
              .register({ registrationToken: invited.registrationToken, userInfo: { firstname: 'X', lastname: 'Y', password } }),
        ],
        ['auth.resetPassword', () => auth.resetPassword({ resetPasswordToken: 'autre-jeton', password })],
        ['auth.hashPassword', () => auth.hashPassword(password)],
      ];
      for (const [name, call] of calls) {
        const outcome = await call().then(
          (v) => `accepté ${String(v)}`,
          (e: Json) => `${e.name}: ${e.message}`
        );
        expect({ name, kind, outcome }).toEqual({ name, kind, outcome: expect.stringMatching(/^ValidationError: Mot de passe : /) });
      }
    }
    expect(await app.strapi.db.query('admin::user').count()).toBe(count);
    expect(await storedHash('nouvel@test.local')).toBe(before);
    expect(await storedHash('invite.service@test.local')).toBeNull();
    // the CLI's reset with a password Strapi accepts (8 characters) but we do not: our French message
    await expect(users.resetPasswordByEmail('nouvel@test.local', WEAK.short)).rejects.toThrow(/^Mot de passe : au moins 12 caractères/);
    await users.resetPasswordByEmail('nouvel@test.local', 'Par-La-Console-2026');
    await loginAdmin(app.strapi.server.httpServer, 'nouvel@test.local', 'Par-La-Console-2026');
  });

  // last: it removes every admin to reopen the first-admin registration
  it('POST /admin/register-admin (the first admin) refuses a weak password and creates no one', async () => {
    await app.strapi.db.query('admin::user').deleteMany({});
    for (const url of ['/admin/register-admin', '/ADMIN/REGISTER-ADMIN', '/admin/register-admin/']) {
      for (const [kind, password] of Object.entries(WEAK)) {
        expectFrenchRefusal(
          await anon().post(url).send({ email: 'premier@test.local', firstname: 'Premier', lastname: 'Admin', password }),
          `${url} ${kind}`
        );
      }
    }
    expect(await app.strapi.db.query('admin::user').count()).toBe(0);
    // the service behind it, directly
    await expect(
      app.strapi.admin.services.user.createFirstAdmin({
        email: 'premier@test.local',
        firstname: 'Premier',
        lastname: 'Admin',
        password: WEAK.short,
      })
    ).rejects.toThrow(/^Mot de passe : /);
    expect(await app.strapi.db.query('admin::user').count()).toBe(0);
    const ok = await anon()
      .post('/Admin/Register-Admin/')
      .send({ email: 'premier@test.local', firstname: 'Premier', lastname: 'Admin', password: STRONG });
    expect(ok.status).toBe(200);
    await loginAdmin(app.strapi.server.httpServer, 'premier@test.local', STRONG);
  });
});
