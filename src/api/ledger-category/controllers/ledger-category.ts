import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::ledger-category.ledger-category');
