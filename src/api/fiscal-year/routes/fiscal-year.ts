import { factories } from '@strapi/strapi';

// The association's accounts: no find/findOne on the content API (Strapi lets any read-only API token
// call every find/findOne). The bureau reads them in the admin panel; every write goes through the
// books' write rules (src/back-office/books/rules.ts).
export default factories.createCoreRouter('api::fiscal-year.fiscal-year', { except: ['find', 'findOne'] });
