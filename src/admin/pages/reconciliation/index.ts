import { Link } from '@strapi/icons';
import type { AdminPage } from '..';
import { ACTIONS } from '../../../contract/permissions';
import { permissionsFor } from '../../_lib';

/** « Rapprochement bancaire »: for whoever reconciles the bank statements (the treasurer; the president). */
const reconciliationPage: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'rapprochement-bancaire',
      icon: Link,
      intlLabel: { id: 'asso.reconciliation.menu', defaultMessage: 'Rapprochement bancaire' },
      permissions: permissionsFor(ACTIONS.booksReconcile),
      Component: () => import('./ReconciliationPage'),
      position: 46,
    });
  },
};

export default reconciliationPage;
