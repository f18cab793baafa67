import { factories } from '@strapi/strapi';
import { publicReadActions } from '../../../back-office/access/public-api';

/** Public website: find/findOne return only public articles and public fields (see access/public-api.ts). */
export default factories.createCoreController('api::article.article', ({ strapi }) => publicReadActions(strapi, 'api::article.article'));
