import { User } from '@strapi/icons';
import type { AdminPage } from '../index';
import { MissionVolunteersPanel } from '../../components/MissionVolunteersPanel';
import { contentPermission } from '../../_lib';

const READ_MEMBERS = [contentPermission('read', 'api::member.member')];

/**
 * Volunteers: « Trouver des bénévoles » in the main menu (roles that read members), and the
 * « Bénévoles » panel of a mission's page (places, waiting list, adding people, writing to them,
 * the attendance sheet).
 */
const volunteers: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'benevoles',
      icon: User,
      intlLabel: { id: 'back-office.volunteers.menu', defaultMessage: 'Trouver des bénévoles' },
      permissions: READ_MEMBERS as any,
      position: 4,
      Component: () => import('./FindVolunteersPage'),
    } as any);
  },
  bootstrap(app) {
    (app.getPlugin('content-manager') as any).apis.addEditViewSidePanel([MissionVolunteersPanel]);
  },
};

export default volunteers;
