import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::mission-message.mission-message');
