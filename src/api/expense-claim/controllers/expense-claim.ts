import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::expense-claim.expense-claim');
