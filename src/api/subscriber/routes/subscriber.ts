import { factories } from '@strapi/strapi';

// Subscribers are managed in the admin panel only: no core content-API route (the website uses
// the subscription routes of 01-public.ts, which reveal nothing).
export default factories.createCoreRouter('api::subscriber.subscriber', { only: [] });
