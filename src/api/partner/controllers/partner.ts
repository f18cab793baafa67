import { factories } from '@strapi/strapi';
import { publicReadActions } from '../../../back-office/access/public-api';

/** Public website: find/findOne return only public partners and public fields (see access/public-api.ts). */
export default factories.createCoreController('api::partner.partner', ({ strapi }) => publicReadActions(strapi, 'api::partner.partner'));
