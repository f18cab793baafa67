import { Database } from '@strapi/icons';
import type { AdminPage } from '..';
import { ACTIONS } from '../../../contract/permissions';
import { permissionsFor } from '../../_lib';

const backupsPage: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'sauvegardes',
      icon: Database,
      intlLabel: { id: 'asso.backups.menu', defaultMessage: 'Sauvegardes' },
      // only the super admin holds it (src/back-office/access/roles.ts)
      permissions: permissionsFor(ACTIONS.backupsManage),
      Component: () => import('./BackupsPage'),
      position: 90,
    });
  },
};

export default backupsPage;
