import { factories } from '@strapi/strapi';

// Expense claims carry members' names and expenses, written through the content manager and the
// back-office routes (src/back-office/expense-claims): no content-API route at all.
export default factories.createCoreRouter('api::expense-claim.expense-claim', { only: [] });
