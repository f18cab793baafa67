import type { AdminContext, BackOfficeModule, Strapi, WriteRule } from '../types';
import { badRequest, forbidden } from '../../core/errors';
import { ensureDeliveryIndex } from '../mail/deliveries';
import { ACTIONS } from '../../contract/permissions';
import { column, table } from '../sql';
import { XLSX_CONTENT_TYPE } from '../exports/xlsx';
import { assertReadsAll, readableReceipt, readableWhere } from './access';
import { declaration, declarationCsv, declarationXlsx, receiptsOfYear } from './declaration';
import { cancel, generate, replace } from './issue';
import { DONATION, DONOR, planReceipts, previewOf, RECEIPT, Scope } from './plan';
import { receiptPdf, receiptsPdfStream } from './pdf';
import { RECEIPT_DELIVERY, resumeInterrupted, sendingStatus, startSending } from './sending';
import { guardReceiptFiles, storedPdf } from './storage';
import type { FileRow, ReceiptRow } from './rows';
import { issuerSettings } from './settings';

/** Condition of the partnerships manager's read right: company receipts only (roles.ts). */
export const COMPANY_RECEIPTS = { name: 'company-receipts', id: 'api::company-receipts' };

const NEVER_EDITED =
  'Reçu fiscal : un reçu émis n’est jamais modifié ni supprimé. Pour le corriger, annulez-le (avec un motif) ou remplacez-le depuis la page « Reçus fiscaux ».';

/** Whether records are attached to receipts (live or cancelled), with a few of their numbers. */
const receiptNumbers = async (strapi: Strapi, where: Record<string, unknown>) =>
  (await strapi.db.query(RECEIPT).findMany({ where, select: ['number'], orderBy: { sequence: 'asc' }, limit: 3 })).map(
    (r: { number: string }) => r.number
  );

/**
 * The write rules of this domain, in the shape of the write pipeline (types.ts WriteRule):
 * - a receipt is created only by the generation (numbering, snapshot, with the query engine) and is
 *   never created, updated nor deleted through the Document Service, whatever the path (content
 *   manager, content API, scripts);
 * - a donation or a donor named on a receipt is never deleted (the receipt keeps what it covered).
 */
export const writeRules: Record<string, WriteRule> = {
  [RECEIPT]: {
    // every write through the Document Service: the module itself writes with the query engine (issue.ts)
    check() {
      throw forbidden(NEVER_EDITED);
    },
  },
  [DONATION]: {
    async check(write) {
      if (write.action !== 'delete' || !write.documentId) return;
      const numbers = await receiptNumbers(write.strapi, { donations: { documentId: write.documentId } });
      if (numbers.length) {
        throw badRequest(
          `Don : il figure sur le reçu fiscal n° ${numbers.join(', ')} ; un don reçu ne se supprime pas (marquez-le « Remboursé » et annulez le reçu si besoin).`,
          'documentId'
        );
      }
    },
  },
  [DONOR]: {
    async check(write) {
      if (write.action !== 'delete' || !write.documentId) return;
      const numbers = await receiptNumbers(write.strapi, { donor: { documentId: write.documentId } });
      if (numbers.length)
        throw badRequest(
          `Donateur : des reçus fiscaux lui ont été émis (n° ${numbers.join(', ')}) ; sa fiche est conservée.`,
          'documentId'
        );
    },
  },
};

const scopeOf = (body: unknown): Scope => {
  // a JSON body's fields (none when there is no object: a string or a number has none of these fields either)
  const b: Record<string, unknown> = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text = (v: unknown, field: string) => {
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw badRequest(`${field === 'donor' ? 'Donateur' : 'Don'} : identifiant (documentId) attendu.`, field);
    return v;
  };
  return {
    year: b.year === undefined || b.year === null || b.year === '' ? undefined : Number(b.year),
    donor: text(b.donor, 'donor'),
    donation: text(b.donation, 'donation'),
    // checked by planReceipts (« single » or « annual »), before anything is issued
    mode: (b.mode ?? (b.donation ? 'single' : 'annual')) as Scope['mode'],
  };
};

const yearParam = (raw: unknown) => {
  const year = Number(raw);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    throw badRequest('Année : indiquez une année sur quatre chiffres (par exemple 2026).', 'year');
  }
  return year;
};

const LIST_FIELDS = [
  'documentId',
  'number',
  'numberYear',
  'mode',
  'donorKind',
  'donorName',
  'donorEmail',
  'periodStart',
  'periodEnd',
  'total',
  'issuedOn',
  'issuedBy',
  'cancelled',
  'cancelledAt',
  'cancelReason',
  'sentAt',
];

/** The e-mailing state of listed receipts: their delivery record's status (mail/deliveries.ts), or null. */
const withEmailStatus = async <R extends { documentId: string }>(strapi: Strapi, rows: R[]) => {
  const deliveries = rows.length
    ? await strapi.db.query(RECEIPT_DELIVERY).findMany({
        where: { receipt: { documentId: { $in: rows.map((r) => r.documentId) } } },
        select: ['status'],
        populate: { receipt: { select: ['documentId'] } },
      })
    : [];
  const status = new Map(
    deliveries.map((d: { status: string; receipt?: { documentId: string } | null }) => [d.receipt?.documentId, d.status])
  );
  return rows.map((r) => ({ ...r, emailStatus: status.get(r.documentId) ?? null }));
};

/**
 * Tax receipts (reçus fiscaux): preview and generation (one donation, one donor's year, a whole
 * year), cancellation and replacement, PDF (one or all), e-mailing with delivery guarantees, and
 * the annual declaration. docs/receipts.md describes the rules.
 */
const receipts: BackOfficeModule = {
  name: 'receipts',
  writeRules,
  routes: [
    {
      method: 'POST',
      path: '/receipts/preview',
      actions: [ACTIONS.receiptsGenerate],
      handler: async (ctx: AdminContext) => {
        const scope = scopeOf(ctx.request.body);
        const issuer = await issuerSettings(strapi);
        ctx.body = previewOf(await planReceipts(strapi, scope, issuer), scope);
      },
    },
    {
      method: 'POST',
      path: '/receipts/generate',
      actions: [ACTIONS.receiptsGenerate],
      handler: async (ctx: AdminContext) => {
        ctx.status = 201;
        ctx.body = await generate(strapi, scopeOf(ctx.request.body), ctx.state.user);
      },
    },
    {
      method: 'GET',
      path: '/receipts',
      actions: [],
      handler: async (ctx: AdminContext) => {
        const where = { ...(await readableWhere(strapi, ctx)) };
        const and: Array<Record<string, unknown>> = [where];
        if (ctx.query.year) and.push({ numberYear: yearParam(ctx.query.year) });
        if (ctx.query.donor) and.push({ donor: { documentId: String(ctx.query.donor) } });
        const page = Math.max(1, Number(ctx.query.page) || 1);
        const pageSize = Math.min(200, Math.max(1, Number(ctx.query.pageSize) || 50));
        const q = strapi.db.query(RECEIPT);
        const [rows, total]: [Array<Partial<ReceiptRow> & { documentId: string }>, number] = await Promise.all([
          q.findMany({
            where: { $and: and },
            select: LIST_FIELDS,
            orderBy: [{ numberYear: 'desc' }, { sequence: 'desc' }],
            offset: (page - 1) * pageSize,
            limit: pageSize,
          }),
          q.count({ where: { $and: and } }),
        ]);
        ctx.body = { data: await withEmailStatus(strapi, rows), pagination: { page, pageSize, total } };
      },
    },
    {
      method: 'GET',
      path: '/receipts/declaration',
      actions: [],
      handler: async (ctx: AdminContext) => {
        assertReadsAll(strapi, ctx);
        const year = yearParam(ctx.query.year);
        const format = String(ctx.query.format ?? 'json');
        if (format === 'csv' || format === 'iso') {
          ctx.set('Content-Type', 'text/csv; charset=utf-8');
          ctx.set('Content-Disposition', `attachment; filename="recus-fiscaux-${year}.csv"`);
          ctx.body = declarationCsv(strapi, year, format === 'iso' ? 'iso' : 'fr');
        } else if (format === 'xlsx') {
          ctx.set('Content-Type', XLSX_CONTENT_TYPE);
          ctx.set('Content-Disposition', `attachment; filename="recus-fiscaux-${year}.xlsx"`);
          ctx.body = await declarationXlsx(strapi, year);
        } else {
          ctx.body = await declaration(strapi, year);
        }
      },
    },
    {
      method: 'GET',
      path: '/receipts/print',
      actions: [],
      handler: async (ctx: AdminContext) => {
        const where = { ...(await readableWhere(strapi, ctx)) };
        const year = yearParam(ctx.query.year);
        const filter: { $and: Array<Record<string, unknown>> } = { $and: [where, { cancelled: false }] };
        if (ctx.query.withoutEmail === '1' || ctx.query.withoutEmail === 'true')
          filter.$and.push({ $or: [{ donorEmail: { $null: true } }, { donorEmail: '' }] });
        ctx.set('Content-Type', 'application/pdf');
        ctx.set('Content-Disposition', `attachment; filename="recus-fiscaux-${year}.pdf"`);
        ctx.body = receiptsPdfStream(strapi, receiptsOfYear(strapi, year, filter), `Reçus fiscaux ${year}`);
      },
    },
    {
      method: 'GET',
      path: '/receipts/:documentId/pdf',
      actions: [],
      handler: async (ctx: AdminContext) => {
        const receipt = await readableReceipt(strapi, ctx, ctx.params.documentId);
        // the stored file: the cancelled version of a cancelled receipt, unless the original is asked for
        const original = ctx.query.version === 'original';
        const row: { pdf: FileRow | null; cancelledPdf: FileRow | null } | null = await strapi.db
          .query(RECEIPT)
          .findOne({ where: { id: receipt.id }, select: ['id'], populate: { pdf: true, cancelledPdf: true } });
        const file = receipt.cancelled && !original ? row?.cancelledPdf : row?.pdf;
        const name = `recu-fiscal-${receipt.number}${receipt.cancelled && !original ? '-annule' : ''}.pdf`;
        // a receipt issued before its PDF was stored is drawn from its frozen snapshot
        const body = file ? await storedPdf(strapi, file) : await receiptPdf(strapi, receipt);
        ctx.set('Content-Type', 'application/pdf');
        ctx.set('Content-Disposition', `attachment; filename="${name}"`);
        ctx.set('Cache-Control', 'private, no-store');
        ctx.set('X-Content-Type-Options', 'nosniff');
        ctx.body = body;
      },
    },
    {
      method: 'POST',
      path: '/receipts/:documentId/cancel',
      actions: [ACTIONS.receiptsCancel],
      handler: async (ctx: AdminContext) => {
        ctx.body = await cancel(strapi, ctx.params.documentId, ctx.request.body?.reason, ctx.state.user);
      },
    },
    {
      method: 'POST',
      path: '/receipts/:documentId/replace',
      actions: [ACTIONS.receiptsCancel, ACTIONS.receiptsGenerate],
      handler: async (ctx: AdminContext) => {
        ctx.status = 201;
        ctx.body = await replace(strapi, ctx.params.documentId, ctx.request.body?.reason, ctx.state.user);
      },
    },
    {
      method: 'POST',
      path: '/receipts/send',
      actions: [ACTIONS.receiptsSend],
      handler: async (ctx: AdminContext) => {
        ctx.status = 202;
        ctx.body = await startSending(strapi, yearParam(ctx.request.body?.year));
      },
    },
    {
      method: 'GET',
      path: '/receipts/send',
      actions: [ACTIONS.receiptsSend],
      handler: async (ctx: AdminContext) => {
        ctx.body = await sendingStatus(strapi, yearParam(ctx.query.year));
      },
    },
  ],
  register(s) {
    guardReceiptFiles(s);
    s.admin.services.permission.conditionProvider.register({
      displayName: 'Reçus fiscaux des entreprises',
      name: COMPANY_RECEIPTS.name,
      handler: () => ({ donorKind: 'company' }),
    });
  },
  async bootstrap(s) {
    // One number per year and sequence, and one receipt per number, guaranteed by the database itself.
    const t = table(s, RECEIPT);
    await s.db.connection.raw(
      `CREATE UNIQUE INDEX IF NOT EXISTS ${t}_year_sequence_uq ON ${t} (${column(s, RECEIPT, 'numberYear')}, ${column(s, RECEIPT, 'sequence')})`
    );
    // one delivery record per receipt, ever
    await ensureDeliveryIndex(s, RECEIPT_DELIVERY);
    await resumeInterrupted(s);
  },
};

export default receipts;
