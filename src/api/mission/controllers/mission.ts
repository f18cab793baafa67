import { factories } from '@strapi/strapi';
import { publicReadActions } from '../../../back-office/access/public-api';

/** Public website: find/findOne return only public missions and public fields (see access/public-api.ts). */
export default factories.createCoreController('api::mission.mission', ({ strapi }) => publicReadActions(strapi, 'api::mission.mission'));
