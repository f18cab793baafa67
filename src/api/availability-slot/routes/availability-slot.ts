import { factories } from '@strapi/strapi';
import { referenceDataQuery } from '../../../back-office/access/public-api';

// Reference data, readable with an API token; a query may not reach members or their records
// through relations (see referenceDataQuery).
const read = { middlewares: [referenceDataQuery('api::availability-slot.availability-slot')] };

export default factories.createCoreRouter('api::availability-slot.availability-slot', { config: { find: read, findOne: read } });
