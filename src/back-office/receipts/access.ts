import { forbidden, notFound } from '../../core/errors';
import type { AdminContext, Strapi } from '../types';
import { RECEIPT } from './plan';
import type { ReceiptRow } from './rows';

/** What the receipts use of the content manager's permission checker of receipts. */
interface ReceiptChecker {
  can: { read: () => boolean };
  cannot: { read: (entity: unknown) => boolean };
  requiresEntity: { read: () => boolean };
  sanitizedQuery: { read: (query: Record<string, unknown>) => Promise<{ filters?: Record<string, unknown> }> };
}

/**
 * Who reads receipts: the content-manager read right on receipts (roles.ts), with its conditions —
 * the treasurer and the president read them all, the partnerships manager only company receipts.
 * Checked where the receipts are read (list, PDF, declaration), from the admin's own abilities.
 */
const checker = (strapi: Strapi, ctx: AdminContext): ReceiptChecker =>
  strapi.plugin('content-manager').service('permission-checker').create({ userAbility: ctx.state.userAbility, model: RECEIPT });

const refused = (message: string) => forbidden(message);

/** The filters the admin's read right puts on receipts ({} when none); 403 without the right. */
export const readableWhere = async (strapi: Strapi, ctx: AdminContext): Promise<Record<string, unknown>> => {
  const pc = checker(strapi, ctx);
  if (!pc.can.read()) throw refused('Vous n’avez pas le droit de consulter les reçus fiscaux.');
  if (!pc.requiresEntity.read()) return {};
  const query = await pc.sanitizedQuery.read({});
  return query.filters ?? {};
};

/** 403 unless the admin may read the whole register (the declaration counts every receipt). */
export const assertReadsAll = (strapi: Strapi, ctx: AdminContext) => {
  const pc = checker(strapi, ctx);
  if (!pc.can.read() || pc.requiresEntity.read())
    throw refused(
      'Vous n’avez pas le droit de consulter tous les reçus fiscaux : la déclaration annuelle est réservée à la trésorerie et à la présidence.'
    );
};

/** One receipt the admin may read, or 404 / 403. */
export const readableReceipt = async (strapi: Strapi, ctx: AdminContext, documentId: string) => {
  const receipt: ReceiptRow | null = await strapi.db.query(RECEIPT).findOne({ where: { documentId } });
  if (!receipt) throw notFound('Reçu fiscal introuvable.');
  const pc = checker(strapi, ctx);
  if (pc.cannot.read(receipt)) throw refused('Vous n’avez pas le droit de consulter ce reçu fiscal.');
  return receipt;
};
