import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::ledger-category.ledger-category');
