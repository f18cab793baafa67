import { factories } from '@strapi/strapi';

export default factories.createCoreRouter('api::availability-slot.availability-slot');
