import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::expense-claim.expense-claim');
