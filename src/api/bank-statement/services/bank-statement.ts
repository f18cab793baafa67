import { factories } from '@strapi/strapi';

/** Written by src/back-office/books/reconciliation only (its routes and rules); no content-API route. */
export default factories.createCoreService('api::bank-statement.bank-statement');
