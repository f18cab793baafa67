import { factories } from '@strapi/strapi';

/** The reminders log is written by src/back-office/dues/reminders.ts only; no public route. */
export default factories.createCoreService('api::dues-reminder.dues-reminder');
