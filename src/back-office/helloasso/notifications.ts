import type { Strapi, Values } from '../types';
import { messageOf } from '../../core/errors';
import { HelloAssoClient, HelloAssoError, isConfigured } from './client';
import { emptyCounts, importOrder, loadContext } from './importer';
import { SYNC, acquireRun } from './sync';

/**
 * A notification from HelloAsso (POST /api/helloasso/notifications). It carries no signature: it is only
 * a hint. The order it names is fetched from the API and imported as the synchronisation would; an unknown
 * order, an API failure or a synchronisation already going changes nothing (the hourly synchronisation
 * catches up). The answer is always the same (200), whatever happened; failures are logged without
 * tokens nor personal data.
 */

/** The order a notification names: `data.id` for an order, `data.order.id` for a payment; null otherwise. */
export const notifiedOrderId = (body: Values | null | undefined): string | null => {
  const type = body?.eventType;
  const data = body?.data ?? {};
  const id = type === 'Order' ? data.id : type === 'Payment' ? (data.order?.id ?? data.orderId) : null;
  return id !== null && id !== undefined && /^\d{1,18}$/.test(String(id)) ? String(id) : null;
};

export const handleNotification = async (strapi: Strapi, body: Values | null | undefined) => {
  const orderId = notifiedOrderId(body);
  if (!orderId || !isConfigured()) return;
  const client = new HelloAssoClient(strapi);
  const run = await acquireRun(strapi, 'notification', null, null);
  if (!run) return; // a synchronisation is going: it will see the order
  const counts = emptyCounts();
  let failed = false;
  try {
    const order = await client.order(orderId);
    if (order) await importOrder(await loadContext(strapi), order, counts);
    else {
      counts.errors.push(`Notification HelloAsso : la commande ${orderId} est inconnue de HelloAsso ; rien n’a été modifié.`);
      strapi.log.warn(`HelloAsso : notification d’une commande inconnue (${orderId}) : ignorée`);
    }
  } catch (e) {
    failed = true;
    counts.errors.push(`Notification HelloAsso (commande ${orderId}) non traitée : ${messageOf(e)}`);
    strapi.log.warn(
      `HelloAsso : notification de la commande ${orderId} non traitée (${e instanceof HelloAssoError ? e.message : 'erreur interne'})`
    );
  }
  await strapi.db.query(SYNC).update({
    where: { id: run.id },
    data: {
      state: failed ? 'failed' : 'done',
      finishedAt: new Date(),
      counts: { created: counts.created, updated: counts.updated, refunded: counts.refunded, toReview: counts.toReview },
      messages: counts.errors,
    },
  });
};
