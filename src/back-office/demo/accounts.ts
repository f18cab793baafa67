import type { Strapi } from '../types';
import { readEnv } from '../../core/config';

/**
 * The demo accounts: the president as super admin, and one account per bureau role (created by the
 * access-control module at bootstrap; a role that does not exist yet is skipped). Fixed passwords,
 * printed in the README: they exist only in demo mode (`npm run demo`), never in production.
 */
export const DEMO_ACCOUNTS = [
  {
    role: 'strapi-super-admin',
    roleLabel: 'Super administrateur (président)',
    email: 'president@demo.local',
    password: 'Demo-President-2026',
    firstname: 'Paulo',
    lastname: 'Maricoulous',
  },
  {
    role: 'asso-treasurer',
    roleLabel: 'Trésorière',
    email: 'tresoriere@demo.local',
    password: 'Demo-Tresoriere-2026',
    firstname: 'Sophie',
    lastname: 'Lambert',
  },
  {
    role: 'asso-secretary',
    roleLabel: 'Secrétaire',
    email: 'secretaire@demo.local',
    password: 'Demo-Secretaire-2026',
    firstname: 'Antoine',
    lastname: 'Perez',
  },
  {
    role: 'asso-volunteer-manager',
    roleLabel: 'Responsable des bénévoles',
    email: 'benevoles@demo.local',
    password: 'Demo-Benevoles-2026',
    firstname: 'Nadia',
    lastname: 'Benali',
  },
  {
    role: 'asso-communication',
    roleLabel: 'Chargé de communication',
    email: 'communication@demo.local',
    password: 'Demo-Communication-2026',
    firstname: 'Thomas',
    lastname: 'Morel',
  },
  {
    role: 'asso-partnerships',
    roleLabel: 'Responsable des partenariats',
    email: 'partenariats@demo.local',
    password: 'Demo-Partenariats-2026',
    firstname: 'Julie',
    lastname: 'Roche',
  },
] as const;

export type DemoAccountResult = (typeof DEMO_ACCOUNTS)[number] & { outcome: 'created' | 'existing' | 'role_missing' };

export const createDemoAccounts = async (strapi: Strapi): Promise<DemoAccountResult[]> => {
  if (readEnv('NODE_ENV') === 'production') {
    throw new Error('Les comptes de démonstration ne sont jamais créés en production (NODE_ENV=production).');
  }
  const results: DemoAccountResult[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const role = await strapi.db.query('admin::role').findOne({ where: { code: account.role } });
    if (!role) {
      results.push({ ...account, outcome: 'role_missing' });
      continue;
    }
    if (await strapi.db.query('admin::user').findOne({ where: { email: account.email } })) {
      results.push({ ...account, outcome: 'existing' });
      continue;
    }
    await strapi.admin.services.user.create({
      email: account.email,
      password: account.password,
      firstname: account.firstname,
      lastname: account.lastname,
      isActive: true,
      registrationToken: null,
      roles: [role.id],
    });
    results.push({ ...account, outcome: 'created' });
  }
  return results;
};
