import { Calendar, User } from '@strapi/icons';
import type { AdminPage } from '../index';
import { MissionVolunteersPanel } from '../../components/MissionVolunteersPanel';
import { contentPermission } from '../../_lib';
import { addEditViewSidePanels } from '../../components/panels';

const READ_MEMBERS = [contentPermission('read', 'api::member.member')];
// what GET /back-office/missions/open asks for
const READ_MISSIONS = [contentPermission('read', 'api::mission.mission'), contentPermission('read', 'api::participation.participation')];

/**
 * Volunteers: « Trouver des bénévoles » in the main menu (roles that read members), the homepage
 * widget « Missions avec des places libres » (roles that read missions and participations), and the
 * « Bénévoles » panel of a mission's page (places, waiting list, adding people, writing to them,
 * the attendance sheet).
 */
const volunteers: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'benevoles',
      icon: User,
      intlLabel: { id: 'back-office.volunteers.menu', defaultMessage: 'Trouver des bénévoles' },
      permissions: READ_MEMBERS,
      position: 4,
      Component: () => import('./FindVolunteersPage'),
    });
    app.widgets.register({
      id: 'back-office-open-missions',
      icon: Calendar,
      title: { id: 'back-office.volunteers.widget.title', defaultMessage: 'Missions avec des places libres' },
      link: { label: { id: 'back-office.volunteers.widget.link', defaultMessage: 'Voir le calendrier' }, href: '/calendrier' },
      component: () => import('./widget').then((m) => m.OpenMissionsWidget),
      permissions: READ_MISSIONS,
    });
  },
  bootstrap(app) {
    addEditViewSidePanels(app, [MissionVolunteersPanel]);
  },
};

export default volunteers;
