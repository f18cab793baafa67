import { factories } from '@strapi/strapi';

// Tax receipts carry donors' names and addresses and are written only by the back-office
// (src/back-office/receipts): no content-API route at all.
export default factories.createCoreRouter('api::receipt.receipt', { only: [] });
