import { Download } from '@strapi/icons';
import type { AdminPage } from '..';
import { ACTIONS } from '../../../contract/permissions';
import { permissionsFor } from '../../_lib';

/** « Exports » in the main menu, for the roles holding exports.read: CSV lists and the financial report. */
const exportsPage: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'exports',
      icon: Download,
      intlLabel: { id: 'asso.exports.menu', defaultMessage: 'Exports' },
      permissions: permissionsFor(ACTIONS.exportsRead),
      Component: () => import('./ExportsPage'),
    });
  },
};

export default exportsPage;
