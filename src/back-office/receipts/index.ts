import { errors } from '@strapi/utils';
import type { BackOfficeModule, Strapi, WriteRule } from '../types';
import { ACTIONS } from '../../shared/permissions';
import { column, table } from '../sql';
import { XLSX_CONTENT_TYPE } from '../exports/xlsx';
import { assertReadsAll, readableReceipt, readableWhere } from './access';
import { declaration, declarationCsv, declarationXlsx, receiptsOfYear } from './declaration';
import { cancel, ConflictError, generate, replace } from './issue';
import { DONATION, DONOR, planReceipts, previewOf, RECEIPT, Scope } from './plan';
import { receiptPdf, receiptsPdfStream } from './pdf';
import { resumeInterrupted, sendingStatus, startSending } from './sending';
import { issuerSettings } from './settings';

/** Condition of the partnerships manager's read right: company receipts only (roles.ts). */
export const COMPANY_RECEIPTS = { name: 'company-receipts', id: 'api::company-receipts' };

const NEVER_EDITED =
  'Reçu fiscal : un reçu émis n’est jamais modifié ni supprimé. Pour le corriger, annulez-le (avec un motif) ou remplacez-le depuis la page « Reçus fiscaux ».';

/** Whether records are attached to receipts (live or cancelled), with a few of their numbers. */
const receiptNumbers = async (strapi: Strapi, where: Record<string, any>) =>
  (await strapi.db.query(RECEIPT).findMany({ where, select: ['number'], orderBy: { sequence: 'asc' }, limit: 3 })).map(
    (r: any) => r.number as string
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
      throw new errors.PolicyError(NEVER_EDITED);
    },
  },
  [DONATION]: {
    async check(write) {
      if (write.action !== 'delete' || !write.documentId) return;
      const numbers = await receiptNumbers(write.strapi, { donations: { documentId: write.documentId } });
      if (numbers.length) {
        throw new errors.ValidationError(
          `Don : il figure sur le reçu fiscal n° ${numbers.join(', ')} ; un don reçu ne se supprime pas (marquez-le « Remboursé » et annulez le reçu si besoin).`
        );
      }
    },
  },
  [DONOR]: {
    async check(write) {
      if (write.action !== 'delete' || !write.documentId) return;
      const numbers = await receiptNumbers(write.strapi, { donor: { documentId: write.documentId } });
      if (numbers.length)
        throw new errors.ValidationError(
          `Donateur : des reçus fiscaux lui ont été émis (n° ${numbers.join(', ')}) ; sa fiche est conservée.`
        );
    },
  },
};

const scopeOf = (body: any): Scope => {
  const b = body ?? {};
  const text = (v: unknown, field: string) => {
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string')
      throw new errors.ValidationError(`${field} : identifiant (documentId) attendu.`, {
        errors: [{ path: [field], message: 'invalide' }],
      });
    return v;
  };
  return {
    year: b.year === undefined || b.year === null || b.year === '' ? undefined : Number(b.year),
    donor: text(b.donor, 'donor'),
    donation: text(b.donation, 'donation'),
    mode: b.mode ?? (b.donation ? 'single' : 'annual'),
  };
};

const yearParam = (raw: unknown) => {
  const year = Number(raw);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    throw new errors.ValidationError('Année : indiquez une année sur quatre chiffres (par exemple 2026).', {
      errors: [{ path: ['year'], message: 'année invalide' }],
    });
  }
  return year;
};

/** Our 409 in Strapi's error shape (Strapi maps its own error classes to 400/403/404 only). */
const handle =
  (run: (ctx: any) => Promise<void>) =>
  async (ctx: any): Promise<void> => {
    try {
      await run(ctx);
    } catch (e: any) {
      if (!(e instanceof ConflictError)) throw e;
      ctx.status = 409;
      ctx.body = { data: null, error: { status: 409, name: 'ConflictError', message: e.message, details: e.details ?? {} } };
    }
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
  'emailStatus',
  'sentAt',
];

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
      handler: handle(async (ctx) => {
        const scope = scopeOf(ctx.request.body);
        const issuer = await issuerSettings(strapi);
        ctx.body = previewOf(await planReceipts(strapi, scope, issuer), scope);
      }),
    },
    {
      method: 'POST',
      path: '/receipts/generate',
      actions: [ACTIONS.receiptsGenerate],
      handler: handle(async (ctx) => {
        ctx.status = 201;
        ctx.body = await generate(strapi, scopeOf(ctx.request.body), ctx.state.user);
      }),
    },
    {
      method: 'GET',
      path: '/receipts',
      actions: [],
      handler: handle(async (ctx) => {
        const where: any = { ...(await readableWhere(strapi, ctx)) };
        const and: any[] = [where];
        if (ctx.query.year) and.push({ numberYear: yearParam(ctx.query.year) });
        if (ctx.query.donor) and.push({ donor: { documentId: String(ctx.query.donor) } });
        const page = Math.max(1, Number(ctx.query.page) || 1);
        const pageSize = Math.min(200, Math.max(1, Number(ctx.query.pageSize) || 50));
        const q = strapi.db.query(RECEIPT);
        const [rows, total] = await Promise.all([
          q.findMany({
            where: { $and: and },
            select: LIST_FIELDS,
            orderBy: [{ numberYear: 'desc' }, { sequence: 'desc' }],
            offset: (page - 1) * pageSize,
            limit: pageSize,
          }),
          q.count({ where: { $and: and } }),
        ]);
        ctx.body = { data: rows, pagination: { page, pageSize, total } };
      }),
    },
    {
      method: 'GET',
      path: '/receipts/declaration',
      actions: [],
      handler: handle(async (ctx) => {
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
      }),
    },
    {
      method: 'GET',
      path: '/receipts/print',
      actions: [],
      handler: handle(async (ctx) => {
        const where: any = { ...(await readableWhere(strapi, ctx)) };
        const year = yearParam(ctx.query.year);
        const filter: any = { $and: [where, { cancelled: false }] };
        if (ctx.query.withoutEmail === '1' || ctx.query.withoutEmail === 'true')
          filter.$and.push({ $or: [{ donorEmail: { $null: true } }, { donorEmail: '' }] });
        ctx.set('Content-Type', 'application/pdf');
        ctx.set('Content-Disposition', `attachment; filename="recus-fiscaux-${year}.pdf"`);
        ctx.body = receiptsPdfStream(strapi, receiptsOfYear(strapi, year, filter), `Reçus fiscaux ${year}`);
      }),
    },
    {
      method: 'GET',
      path: '/receipts/:documentId/pdf',
      actions: [],
      handler: handle(async (ctx) => {
        const receipt = await readableReceipt(strapi, ctx, ctx.params.documentId);
        ctx.set('Content-Type', 'application/pdf');
        ctx.set('Content-Disposition', `attachment; filename="recu-fiscal-${receipt.number}.pdf"`);
        ctx.body = await receiptPdf(strapi, receipt);
      }),
    },
    {
      method: 'POST',
      path: '/receipts/:documentId/cancel',
      actions: [ACTIONS.receiptsCancel],
      handler: handle(async (ctx) => {
        ctx.body = await cancel(strapi, ctx.params.documentId, ctx.request.body?.reason, ctx.state.user);
      }),
    },
    {
      method: 'POST',
      path: '/receipts/:documentId/replace',
      actions: [ACTIONS.receiptsCancel, ACTIONS.receiptsGenerate],
      handler: handle(async (ctx) => {
        ctx.status = 201;
        ctx.body = await replace(strapi, ctx.params.documentId, ctx.request.body?.reason, ctx.state.user);
      }),
    },
    {
      method: 'POST',
      path: '/receipts/send',
      actions: [ACTIONS.receiptsSend],
      handler: handle(async (ctx) => {
        ctx.status = 202;
        ctx.body = await startSending(strapi, yearParam(ctx.request.body?.year));
      }),
    },
    {
      method: 'GET',
      path: '/receipts/send',
      actions: [ACTIONS.receiptsSend],
      handler: handle(async (ctx) => {
        ctx.body = await sendingStatus(strapi, yearParam(ctx.query.year));
      }),
    },
  ],
  register(s) {
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
    await resumeInterrupted(s);
  },
};

export default receipts;
