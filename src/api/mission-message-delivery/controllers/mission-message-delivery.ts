import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::mission-message-delivery.mission-message-delivery');
