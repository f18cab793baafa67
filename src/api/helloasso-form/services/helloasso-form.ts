import { factories } from '@strapi/strapi';

/** Written by src/back-office/helloasso only; no content-API route. */
export default factories.createCoreService('api::helloasso-form.helloasso-form');
