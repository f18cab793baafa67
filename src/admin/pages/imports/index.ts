import { Upload } from '@strapi/icons';
import type { AdminPage } from '..';
import { ACTIONS } from '../../../contract/permissions';
import { permissionsFor } from '../../_lib';

/** The page shows to whoever may import one kind (secretary: members; treasurer: the rest; president: all). */
const importsPage: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'importer',
      icon: Upload,
      intlLabel: { id: 'asso.imports.menu', defaultMessage: 'Importer' },
      permissions: permissionsFor(ACTIONS.importsMembers, ACTIONS.importsContributions, ACTIONS.importsDonors, ACTIONS.importsDonations),
      Component: () => import('./ImportsPage'),
      position: 85,
    });
  },
};

export default importsPage;
