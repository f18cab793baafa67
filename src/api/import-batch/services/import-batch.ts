import { factories } from '@strapi/strapi';

/** The imports log is written by src/back-office/imports only; no content-API route (it holds the imported rows). */
export default factories.createCoreService('api::import-batch.import-batch');
