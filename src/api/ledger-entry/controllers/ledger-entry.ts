import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::ledger-entry.ledger-entry');
