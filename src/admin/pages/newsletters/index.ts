import type { AdminPage } from '../index';
import { NewsletterPanel } from './NewsletterPanel';

/** Newsletters: the send / preview / test panel in the newsletter's edit view. */
const newsletters: AdminPage = {
  bootstrap(app) {
    (app.getPlugin('content-manager') as any).apis.addEditViewSidePanel([NewsletterPanel]);
  },
};

export default newsletters;
