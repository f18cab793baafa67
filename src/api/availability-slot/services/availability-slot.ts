import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::availability-slot.availability-slot');
