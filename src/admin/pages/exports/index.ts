import { Download } from '@strapi/icons';
import type { AdminPage } from '..';

/** « Exports » in the main menu, for the roles holding exports.read: CSV lists and the financial report. */
const exportsPage: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'exports',
      icon: Download,
      intlLabel: { id: 'asso.exports.menu', defaultMessage: 'Exports' },
      permissions: [{ action: 'api::back-office.exports.read', subject: null }],
      Component: () => import('./ExportsPage'),
    } as any);
  },
};

export default exportsPage;
