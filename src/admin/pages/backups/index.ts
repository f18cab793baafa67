import { Database } from '@strapi/icons';
import type { AdminPage } from '..';

/** Same id as ACTIONS.backupsManage (src/back-office/permissions.ts): only the super admin has it. */
export const BACKUPS_MANAGE = 'api::back-office.backups.manage';

const backupsPage: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'sauvegardes',
      icon: Database,
      intlLabel: { id: 'asso.backups.menu', defaultMessage: 'Sauvegardes' },
      permissions: [{ action: BACKUPS_MANAGE, subject: null }],
      Component: () => import('./BackupsPage'),
      position: 90,
    } as any);
  },
};

export default backupsPage;
