import type { AdminPage } from '../index';
import { NewsletterPanel } from './NewsletterPanel';
import { addEditViewSidePanels } from '../../components/panels';

/** Newsletters: the send / preview / test panel in the newsletter's edit view. */
const newsletters: AdminPage = {
  bootstrap(app) {
    addEditViewSidePanels(app, [NewsletterPanel]);
  },
};

export default newsletters;
