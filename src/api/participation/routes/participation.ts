import { factories } from '@strapi/strapi';

// Personal or internal data: no find/findOne on the content API (Strapi lets any read-only API token
// call every find/findOne). The bureau reads it in the admin panel; create/update/delete stay for
// integrations holding a full-access token.
export default factories.createCoreRouter('api::participation.participation', { except: ['find', 'findOne'] });
