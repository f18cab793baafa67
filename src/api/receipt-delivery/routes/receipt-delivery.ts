import { factories } from '@strapi/strapi';

// The e-mailing of tax receipts is internal (admin panel only): no content-API route.
export default factories.createCoreRouter('api::receipt-delivery.receipt-delivery', { only: [] });
