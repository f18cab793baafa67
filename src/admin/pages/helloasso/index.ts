import { ArrowsCounterClockwise } from '@strapi/icons';
import type { AdminPage } from '..';
import { HELLOASSO_PERMISSION } from './api';

/** « HelloAsso »: synchronisation, payments to check and forms, for whoever holds helloassoManage (treasurer, president). */
const helloassoPage: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'helloasso',
      icon: ArrowsCounterClockwise,
      intlLabel: { id: 'asso.helloasso.menu', defaultMessage: 'HelloAsso' },
      permissions: HELLOASSO_PERMISSION,
      Component: () => import('./HelloAssoPage'),
      position: 86,
    });
  },
};

export default helloassoPage;
