import { factories } from '@strapi/strapi';

// Delivery records are internal (admin panel only): no content-API route.
export default factories.createCoreRouter('api::newsletter-delivery.newsletter-delivery', { only: [] });
