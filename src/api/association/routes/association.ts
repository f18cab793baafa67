import { factories } from '@strapi/strapi';
import { referenceDataQuery } from '../../../back-office/access/public-api';

// The association's settings, readable with an API token; the query may populate only the logo
// (see referenceDataQuery).
export default factories.createCoreRouter('api::association.association', {
  config: { find: { middlewares: [referenceDataQuery('api::association.association')] } },
});
