import { PriceTag } from '@strapi/icons';
import type { AdminPage } from '..';
import { CONTENT_ACTIONS } from '../../../contract/permissions';

/** « Notes de frais »: for who enters them (treasurer, volunteer manager) and who approves and pays them (treasurer). */
const expenseClaimsPage: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'notes-de-frais',
      icon: PriceTag,
      intlLabel: { id: 'asso.expense-claims.menu', defaultMessage: 'Notes de frais' },
      permissions: [{ action: CONTENT_ACTIONS.read, subject: 'api::expense-claim.expense-claim' }],
      Component: () => import('./ExpenseClaimsPage'),
      position: 46,
    });
  },
};

export default expenseClaimsPage;
