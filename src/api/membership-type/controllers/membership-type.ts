import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::membership-type.membership-type');
