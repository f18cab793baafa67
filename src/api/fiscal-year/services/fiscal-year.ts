import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::fiscal-year.fiscal-year');
