import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::fiscal-year.fiscal-year');
