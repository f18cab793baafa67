import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::cash-account.cash-account');
