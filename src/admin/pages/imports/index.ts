import { Upload } from '@strapi/icons';
import type { AdminPage } from '..';

/** Same ids as ACTIONS.imports* (src/shared/permissions.ts): the page shows to whoever may import one kind. */
export const IMPORT_ACTIONS = [
  'api::back-office.imports.members',
  'api::back-office.imports.contributions',
  'api::back-office.imports.donors',
  'api::back-office.imports.donations',
];

const importsPage: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'importer',
      icon: Upload,
      intlLabel: { id: 'asso.imports.menu', defaultMessage: 'Importer' },
      permissions: IMPORT_ACTIONS.map((action) => ({ action, subject: null })),
      Component: () => import('./ImportsPage'),
      position: 85,
    } as any);
  },
};

export default importsPage;
