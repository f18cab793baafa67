import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::receipt-delivery.receipt-delivery');
