import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::availability-slot.availability-slot');
