import { ChartPie, HandHeart, PresentationChart } from '@strapi/icons';
import type * as React from 'react';
import type { AdminPage } from '../index';
import { STATS_PERMISSION } from './api';

/** « Tableau de bord »: the menu entry and two homepage widgets, for roles with stats.read. */
const dashboard: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'tableau-de-bord',
      icon: ChartPie,
      intlLabel: { id: 'back-office.dashboard.menu', defaultMessage: 'Tableau de bord' },
      permissions: STATS_PERMISSION,
      position: 2,
      Component: () => import('./DashboardPage'),
    });
    const widget = (id: string, icon: typeof ChartPie, title: string, component: () => Promise<React.ComponentType>) => ({
      id: `back-office-${id}`,
      icon,
      title: { id: `back-office.dashboard.widget.${id}`, defaultMessage: title },
      link: { label: { id: 'back-office.dashboard.widget.link', defaultMessage: 'Voir le tableau de bord' }, href: '/tableau-de-bord' },
      component,
      permissions: STATS_PERMISSION.map(({ action }) => ({ action })),
    });
    app.widgets.register([
      widget('members', PresentationChart, 'Adhérents cette année', () => import('./widgets').then((m) => m.MembersWidget)),
      widget('activity', HandHeart, 'Bénévoles et missions', () => import('./widgets').then((m) => m.ActivityWidget)),
    ]);
  },
};

export default dashboard;
