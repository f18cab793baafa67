import type { Knex } from 'knex';
import path from 'path';
import type { AdminContext, Strapi } from '../types';
import { badRequest, conflict, notFound } from '../../core/errors';
import { nextNumber } from '../../core/numbering';
import { todayInParis } from '../dues/period';
import { isPostgres } from '../sql';
import {
  coveringReceipts,
  donationProblem,
  donorName,
  donorProblem,
  loadDonations,
  planReceipts,
  PlannedReceipt,
  RECEIPT,
  Scope,
} from './plan';
import { issuerSettings, IssuerSettings } from './settings';
import { receiptPdf, receiptPdfFile } from './pdf';
import { drawPdf, recordPdf, storePdf, StoredFiles, withStoredFiles, type DrawnPdf } from './storage';
import { amountInWords, centsToDecimal } from './words';
import type { ReceiptRow, ReceiptSnapshot } from './rows';

/** The signed-in administrator who issues or cancels (absent for a script). */
type Admin = AdminContext['state']['user'];

/** What a generation answers for each receipt issued. */
export interface IssuedReceipt {
  documentId: string;
  number: string;
  donor: { documentId: string; name: string };
  total: string;
}

/** One lock for every creation of a receipt (PostgreSQL): the coverage check and the write are one step. */
const COVERAGE_LOCK = 7_310_019;

export const formatNumber = (year: number, sequence: number) => `${year}-${String(sequence).padStart(5, '0')}`;

/** Who issued or cancelled: the admin's name and e-mail, as they were at that moment. */
export const adminName = (user: Admin) =>
  user ? `${[user.firstname, user.lastname].filter(Boolean).join(' ')} <${user.email}>`.trim() : 'Back-office';

/** The articles of the CGI a receipt certifies: 238 bis for a company, 200 and/or 978 for an individual. */
const articlesFor = (kind: string, issuer: IssuerSettings) =>
  kind === 'company' ? ['238 bis'] : [...(issuer.articles.a200 ? ['200'] : []), ...(issuer.articles.a978 ? ['978'] : [])];

/** Everything the receipt prints, frozen when it is issued: a later change of the donor or the settings does not change it. */
const snapshotOf = (
  r: PlannedReceipt,
  issuer: IssuerSettings,
  issuedOn: string,
  uploadsUrl: (p: string | null) => string | null
): ReceiptSnapshot => ({
  version: 1,
  issuer: {
    name: issuer.name,
    rna: issuer.rna,
    siren: issuer.siren,
    address: issuer.address,
    postalCode: issuer.postalCode,
    city: issuer.city,
    object: issuer.object,
    category: issuer.category,
    categoryLabel: issuer.categoryLabel,
    logo: uploadsUrl(issuer.logoPath),
    signature: uploadsUrl(issuer.signaturePath),
    signatoryName: issuer.signatoryName,
    signatoryCapacity: issuer.signatoryCapacity,
  },
  donor: {
    kind: r.donor.kind,
    lastName: r.donor.lastName,
    firstName: r.donor.firstName,
    companyName: r.donor.companyName,
    legalForm: r.donor.legalForm,
    siren: r.donor.siren,
    address: r.donor.address,
    postalCode: r.donor.postalCode,
    city: r.donor.city,
    country: r.donor.country,
  },
  articles: articlesFor(r.donor.kind, issuer),
  lines: r.donations.map((d) => ({
    documentId: d.documentId,
    receivedAt: d.receivedAt,
    amountCents: d.amountCents,
    method: d.method,
    nature: d.nature,
    giftForm: d.giftForm,
    description: d.description,
  })),
  totalCents: r.totalCents,
  amountInWords: amountInWords(r.totalCents),
  periodStart: r.periodStart,
  periodEnd: r.periodEnd,
  issuedOn,
});

export interface IssueOptions {
  mode: 'single' | 'annual';
  issuedBy: string;
  /** the cancelled receipt this one replaces (its id and number) */
  replaces?: { id: number; number: string };
  /** in a bulk generation, a receipt whose donations were covered meanwhile is skipped; otherwise it is a 409 */
  skipCovered?: boolean;
}

/** Receipts issued per transaction in a bulk generation: fewer commits, a short wait for a single issue meanwhile. */
const BATCH = 100;

/**
 * Issues receipts, in one transaction: the coverage check (none of their donations in a live
 * receipt), the next numbers of the year (gap-free, src/core/numbering.ts: the first from the
 * stored numbers, the others following it under the same lock), the rendered PDFs stored
 * (storage.ts) and the writes. Two generations at once wait for each other here: the second finds
 * the donations covered. In a bulk generation a receipt covered meanwhile is skipped; otherwise it
 * is a 409 and nothing is written. If anything fails (a PDF that cannot be stored included), the
 * transaction rolls back: no number is consumed, and the PDFs already written are removed.
 *
 * Receipts are written here (and cancelled, and marked sent) with the query engine only: the
 * Document Service refuses every write to them (index.ts), so no other path can create one.
 * `stored`: the files of an enclosing transaction (a replacement), removed with it if it fails.
 */
export const issueBatch = async (
  strapi: Strapi,
  planned: PlannedReceipt[],
  issuer: IssuerSettings,
  options: IssueOptions,
  stored?: StoredFiles
): Promise<IssuedReceipt[]> => {
  if (!stored) return withStoredFiles(strapi, (files) => issueBatch(strapi, planned, issuer, options, files));
  // the images' addresses, /uploads/<name> with either provider (their files are read back from there to print)
  const uploadsUrl = (p: string | null) => (p ? `/uploads/${path.basename(p)}` : null);
  return strapi.db.transaction(async ({ trx }: { trx: Knex.Transaction }) => {
    if (isPostgres(strapi)) await trx.raw('SELECT pg_advisory_xact_lock(?)', [COVERAGE_LOCK]);
    const covered = await coveringReceipts(
      strapi,
      planned.flatMap((r) => r.donations.map((d) => d.id)),
      trx
    );
    const free = planned.filter((r) => !r.donations.some((d) => covered.has(d.id)));
    if (free.length < planned.length && !options.skipCovered) {
      const numbers = [...new Set(covered.values())];
      throw conflict(
        `Dons : déjà couverts par le reçu n° ${numbers.join(', ')} (un don figure sur un seul reçu non annulé ; annulez ou remplacez ce reçu).`,
        'donations'
      );
    }
    if (!free.length) return [];
    const issuedOn = todayInParis();
    const numberYear = Number(issuedOn.slice(0, 4));
    const first = await nextNumber(strapi, trx, { uid: RECEIPT, field: 'sequence', scope: { numberYear } });
    const replaced = options.replaces ?? null;
    const created: IssuedReceipt[] = [];
    /** Records one drawn PDF and writes its receipt (in this transaction). */
    const write = async (r: PlannedReceipt, sequence: number, number: string, snapshot: ReceiptSnapshot, pdf: DrawnPdf) => {
      const file = await recordPdf(strapi, stored, pdf);
      const row: Pick<ReceiptRow, 'id' | 'documentId' | 'number' | 'donorName'> = await strapi.db.query(RECEIPT).create({
        data: {
          number,
          numberYear,
          sequence,
          mode: options.mode,
          donorKind: r.donor.kind,
          donor: r.donor.id,
          donations: r.donations.map((d) => d.id),
          donorName: donorName(r.donor),
          donorEmail: r.donor.email || null,
          periodStart: r.periodStart,
          periodEnd: r.periodEnd,
          total: centsToDecimal(r.totalCents),
          issuedOn,
          issuedBy: options.issuedBy,
          snapshot,
          pdf: file.id,
          cancelled: false,
          ...(replaced ? { replaces: replaced.id } : {}),
          // no drafts on this type: published when written, as the Document Service does
          publishedAt: new Date(),
        },
        select: ['id', 'documentId', 'number', 'donorName', 'total'],
      });
      created.push({
        documentId: row.documentId,
        number: row.number,
        donor: { documentId: r.donor.documentId, name: row.donorName },
        total: centsToDecimal(r.totalCents),
      });
    };
    // Each PDF is drawn (by the drawing thread, straight into its file) while the previous receipt's
    // writes run in the database (drawing is the process's work, writing mostly the database's): the
    // writes stay in order, one at a time, in this transaction, and the first failure is thrown here,
    // which rolls everything back (and removes the files drawn). One PDF is drawn ahead at most.
    let writing: Promise<void> = Promise.resolve();
    for (const [i, r] of free.entries()) {
      const sequence = first + i;
      const number = formatNumber(numberYear, sequence);
      const snapshot = snapshotOf(r, issuer, issuedOn, uploadsUrl);
      // the PDF as it is issued, stored once: what every later download and e-mail carries
      let pdf: DrawnPdf;
      try {
        const printed = { number, mode: options.mode, snapshot, cancelled: false, replacesNumber: replaced?.number ?? null };
        pdf = await drawPdf(strapi, stored, `recu-fiscal-${number}.pdf`, {
          toFile: (file) => receiptPdfFile(strapi, printed, file),
          toBuffer: () => receiptPdf(strapi, printed),
        });
      } catch (e) {
        // the writes under way end before the transaction is rolled back (their files are then removed)
        await writing.catch(() => undefined);
        throw e;
      }
      await writing;
      writing = write(r, sequence, number, snapshot, pdf);
      // awaited above or below; a failure meanwhile is not an unhandled rejection
      writing.catch(() => undefined);
    }
    await writing;
    return created;
  });
};

/** One receipt (a single donation, one donor's year, a replacement): a 409 if a donation is covered. */
export const issueOne = async (strapi: Strapi, r: PlannedReceipt, issuer: IssuerSettings, options: IssueOptions, stored?: StoredFiles) =>
  (await issueBatch(strapi, [r], issuer, { ...options, skipCovered: false }, stored))[0];

/** Generation by the treasurer: the plan (the preview's), then each receipt in its own transaction. */
export const generate = async (strapi: Strapi, scope: Scope, user: Admin) => {
  const issuer = await issuerSettings(strapi);
  const plan = await planReceipts(strapi, scope, issuer);
  if (scope.donation || scope.donor) {
    // one receipt asked for: say why it cannot be issued
    if (!plan.planned.length) {
      const field = scope.donation ? 'donation' : 'donor';
      if (plan.alreadyCovered.length) throw conflict(`Dons : ${plan.alreadyCovered[0].reason}`, field);
      if (plan.excluded.length) throw badRequest(`Reçu non émis : ${plan.excluded[0].reason}`, field);
      throw badRequest('Dons : aucun don à couvrir pour ce donateur et cette année.', field);
    }
    if (scope.donation && plan.excluded.length) throw badRequest(`Reçu non émis : ${plan.excluded[0].reason}`, 'donation');
  }
  const bulk = !scope.donation && !scope.donor;
  const created: IssuedReceipt[] = [];
  for (let i = 0; i < plan.planned.length; i += BATCH) {
    created.push(
      ...(await issueBatch(strapi, plan.planned.slice(i, i + BATCH), issuer, {
        mode: scope.mode,
        issuedBy: adminName(user),
        skipCovered: bulk,
      }))
    );
  }
  return created;
};

/**
 * Cancels a receipt (reason required): its number stays used, its donations are free again, and its
 * cancelled version (« ANNULÉ », the reason) is stored next to the original, which is kept.
 */
export const cancel = async (
  strapi: Strapi,
  documentId: string,
  reason: unknown,
  user: Admin,
  trxDone?: (receipt: ReceiptRow, stored: StoredFiles) => Promise<unknown>
) => {
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (!text) throw badRequest('Motif d’annulation : obligatoire (il figure dans le registre des reçus).', 'reason');
  if (text.length > 1000) throw badRequest('Motif d’annulation : 1 000 caractères au plus.', 'reason');
  return withStoredFiles(strapi, (stored) =>
    strapi.db.transaction(async ({ trx }: { trx: Knex.Transaction }) => {
      if (isPostgres(strapi)) await trx.raw('SELECT pg_advisory_xact_lock(?)', [COVERAGE_LOCK]);
      const receipt: ReceiptRow | null = await strapi.db
        .query(RECEIPT)
        .findOne({ where: { documentId }, populate: { replaces: { select: ['number'] } } });
      if (!receipt) throw notFound('Reçu fiscal introuvable.');
      if (receipt.cancelled)
        throw conflict(
          `Reçu n° ${receipt.number} : déjà annulé le ${new Date(receipt.cancelledAt).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' })}.`,
          'cancelled'
        );
      const cancelledAt = new Date();
      const pdf = await receiptPdf(strapi, { ...receipt, cancelled: true, cancelledAt, cancelReason: text });
      const file = await storePdf(strapi, stored, pdf, `recu-fiscal-${receipt.number}-annule.pdf`);
      // the module's own write (strapi.db.query does not go through the Document Service's guard)
      await strapi.db.query(RECEIPT).update({
        where: { id: receipt.id },
        data: { cancelled: true, cancelledAt, cancelledBy: adminName(user), cancelReason: text, cancelledPdf: file.id },
      });
      const cancelled = { documentId, number: receipt.number, cancelled: true, cancelReason: text };
      return trxDone ? { cancelled, replacement: await trxDone(receipt, stored) } : cancelled;
    })
  );
};

/**
 * A correction: the receipt is cancelled and a new one, with a new number, issued for the same
 * donations from the donor's and donations' current data, referencing the one it replaces — both
 * in one transaction (if the new one cannot be issued, the old one stays as it was).
 */
export const replace = async (strapi: Strapi, documentId: string, reason: unknown, user: Admin) => {
  const issuer = await issuerSettings(strapi);
  return cancel(strapi, documentId, reason, user, async (old, files) => {
    const stored: { donations: Array<{ id: number }> } = await strapi.db
      .query(RECEIPT)
      .findOne({ where: { id: old.id }, populate: { donations: { select: ['id'] } } });
    const donations = await loadDonations(strapi, { id: { $in: stored.donations.map((d) => d.id) } });
    const refuse = (why: string) => badRequest(`Reçu de remplacement non émis : ${why}`, 'documentId');
    if (!donations.length || donations.length !== stored.donations.length) throw refuse('un des dons du reçu n’existe plus.');
    const donor = donations[0].donor;
    if (!donor || donations.some((d) => d.donor?.id !== donor.id)) throw refuse('les dons n’ont plus tous le même donateur.');
    for (const d of donations) {
      const problem = donationProblem(d);
      if (problem) throw refuse(problem);
    }
    const problem = donorProblem(donor, issuer);
    if (problem) throw refuse(problem);
    const planned: PlannedReceipt = {
      donor,
      donations,
      totalCents: donations.reduce((s, d) => s + d.amountCents, 0),
      periodStart: old.mode === 'single' ? donations[0].receivedAt : old.periodStart,
      periodEnd: old.mode === 'single' ? donations[0].receivedAt : old.periodEnd,
    };
    return issueOne(
      strapi,
      planned,
      issuer,
      { mode: old.mode, issuedBy: adminName(user), replaces: { id: old.id, number: old.number } },
      files
    );
  });
};
