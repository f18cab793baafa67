import { factories } from '@strapi/strapi';

// Written by src/back-office/missions/messages.ts only (admin panel): no content-API route.
export default factories.createCoreRouter('api::mission-message.mission-message', { only: [] });
