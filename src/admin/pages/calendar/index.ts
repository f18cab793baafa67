import { Calendar } from '@strapi/icons';
import type { AdminPage } from '../index';
import { CALENDAR_READ } from './api';

/** « Calendrier »: every mission and event on a month, week or list view. */
const calendar: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'calendrier',
      icon: Calendar,
      intlLabel: { id: 'back-office.calendar.menu', defaultMessage: 'Calendrier' },
      permissions: CALENDAR_READ,
      Component: () => import('./CalendarPage'),
    });
  },
};

export default calendar;
