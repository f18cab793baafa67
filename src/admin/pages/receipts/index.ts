import { File } from '@strapi/icons';
import type { AdminPage } from '..';
import { ACTIONS, CONTENT_ACTIONS } from '../../../contract/permissions';

/** « Reçus fiscaux »: for who issues them (treasurer, president) and who reads some (partnerships manager). */
const receiptsPage: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'recus-fiscaux',
      icon: File,
      intlLabel: { id: 'asso.receipts.menu', defaultMessage: 'Reçus fiscaux' },
      permissions: [
        { action: ACTIONS.receiptsGenerate, subject: null },
        { action: CONTENT_ACTIONS.read, subject: 'api::receipt.receipt' },
      ],
      Component: () => import('./ReceiptsPage'),
      position: 45,
    });
  },
};

export default receiptsPage;
