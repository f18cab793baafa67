import type { AdminPage } from '../index';
import { ListCreateNote } from '../../components/ListCreateNote';

/** Access: in a list view, a role that may not create records reads who may (a French note). */
const access: AdminPage = {
  bootstrap(app) {
    app.getPlugin('content-manager').injectComponent('listView', 'actions', { name: 'back-office-create-note', Component: ListCreateNote });
  },
};

export default access;
