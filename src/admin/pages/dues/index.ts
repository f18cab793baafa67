import { PriceTag } from '@strapi/icons';
import type { AdminPage } from '../index';
import { DUES_READ } from './api';
import { MemberDuesPanel } from '../../components/MemberDuesPanel';
import { addEditViewSidePanels } from '../../components/panels';

/** « Cotisations »: the menu entry and the homepage widget, for roles with dues.read; the « Cotisation » panel of a member's page. */
const dues: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'cotisations',
      icon: PriceTag,
      intlLabel: { id: 'back-office.dues.menu', defaultMessage: 'Cotisations' },
      permissions: DUES_READ,
      position: 3,
      Component: () => import('./DuesPage'),
    });
    app.widgets.register({
      id: 'back-office-dues-to-renew',
      icon: PriceTag,
      title: { id: 'back-office.dues.widget.title', defaultMessage: 'Cotisations à renouveler' },
      link: { label: { id: 'back-office.dues.widget.link', defaultMessage: 'Voir les cotisations' }, href: '/cotisations' },
      component: () => import('./widget').then((m) => m.DuesWidget),
      permissions: DUES_READ.map(({ action }) => ({ action })),
    });
  },
  bootstrap(app) {
    addEditViewSidePanels(app, [MemberDuesPanel]);
  },
};

export default dues;
