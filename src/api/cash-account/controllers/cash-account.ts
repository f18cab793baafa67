import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::cash-account.cash-account');
