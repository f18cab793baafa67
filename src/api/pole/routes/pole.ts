import { factories } from '@strapi/strapi';
import { referenceDataQuery } from '../../../back-office/access/public-api';

// Reference data, readable with an API token; a query may not reach members or their records
// through relations (see referenceDataQuery).
const read = { middlewares: [referenceDataQuery('api::pole.pole')] };

export default factories.createCoreRouter('api::pole.pole', { config: { find: read, findOne: read } });
