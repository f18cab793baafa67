import type { Strapi } from '../types';
import { metaOf } from '../sql';
import { readEnv } from '../../core/config';

/** The association's own data: a database holding any of these is not empty. */
export const BUSINESS_TYPES = [
  'api::member.member',
  'api::contribution.contribution',
  'api::mission.mission',
  'api::participation.participation',
  'api::partner.partner',
  'api::subsidy.subsidy',
  'api::donor.donor',
  'api::donation.donation',
  'api::article.article',
  'api::document.document',
  // the books' entries (not their accounts nor categories: the first start creates a current account and the chart)
  'api::ledger-entry.ledger-entry',
  'api::expense-claim.expense-claim',
  // the bank statements imported for the reconciliation
  'api::bank-statement.bank-statement',
] as const;

/** Documents per business type (an article's draft and published rows count once). */
export const countContent = async (strapi: Strapi) => {
  const counts: Record<string, number> = {};
  for (const uid of BUSINESS_TYPES) {
    const [row] = await strapi.db.connection(metaOf(strapi, uid).tableName).countDistinct({ n: 'document_id' });
    counts[uid] = Number(row.n);
  }
  return counts;
};

export const isContentEmpty = async (strapi: Strapi) => Object.values(await countContent(strapi)).every((n) => n === 0);

export class ProductionDataError extends Error {}

/**
 * Demo data never touches a production database: with NODE_ENV=production, no reset, and no demo
 * data added to a database that holds the association's data. Throws ProductionDataError (French).
 */
export const refuseInProduction = (what: 'reset' | 'seed') => {
  if (readEnv('NODE_ENV') !== 'production') return;
  throw new ProductionDataError(
    what === 'reset'
      ? 'Refusé : NODE_ENV=production. L’effacement (--reset) supprimerait toutes les données de l’association : il ne tourne jamais en production. Rien n’a été modifié.'
      : 'Refusé : NODE_ENV=production et la base contient déjà des données de l’association. Les données de démonstration ne s’ajoutent pas à une base de production. Rien n’a été modifié.'
  );
};

/**
 * Deletes all the association's content (every api:: type, their relations and components, and the
 * media library), keeping admin users, roles, API tokens and settings of the admin panel. Never in
 * production. The files go only once the database transaction has committed: a reset that fails
 * leaves the data and every file as they were.
 */
export const clearContent = async (strapi: Strapi) => {
  refuseInProduction('reset');
  const files = await strapi.db.query('plugin::upload.file').findMany({});

  const uids = Object.keys(strapi.contentTypes).filter((uid) => uid.startsWith('api::'));
  await strapi.db.transaction(async ({ trx }) => {
    const linkTables = new Set<string>();
    const componentTables = new Set<string>();
    for (const uid of uids) {
      for (const attr of Object.values(metaOf(strapi, uid).attributes)) {
        if (attr.type !== 'relation' || !attr.joinTable) continue;
        linkTables.add(attr.joinTable.name);
        if (attr.joinTable.on && attr.target) componentTables.add(metaOf(strapi, attr.target).tableName);
      }
    }
    for (const name of linkTables) await trx(name).del();
    for (const name of componentTables) await trx(name).del();
    for (const uid of uids) await trx(metaOf(strapi, uid).tableName).del();
  });

  const upload = strapi.plugin('upload').service('upload');
  for (const file of files) await upload.remove(file);
};
