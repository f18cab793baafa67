import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { AdminContext, DocumentData, Strapi, Values } from '../types';
import { badRequest, conflict, notFound } from '../../core/errors';
import { todayInParis } from '../../core/dates';
import { readAssociation } from '../../core/association';
import { nextNumber } from '../../core/numbering';
import { enumLabel, labelOf } from '../../contract/labels';
import { personName } from '../../contract/display-names';
import { isPostgres, table } from '../sql';
import { CASH_ACCOUNT, CATEGORY, ENTRY, isVoucherMime } from '../books/rules';
import { closedYears, describeFiscalYear, fiscalYearOf } from '../books/fiscal-years';
import { storePdf, withStoredFiles } from '../receipts/storage';
import { DONOR } from '../members/display-names';
import { asWorkflowStep, CLAIM } from './rules';
import { renderClaimPdf } from './pdf';

const DONATION = 'api::donation.donation';

/** The category a reimbursement goes to unless the treasurer chooses another: 625 Déplacements et réceptions. */
export const DEFAULT_CATEGORY_NUMBER = '625';

type User = AdminContext['state']['user'];
const userName = (user: User) => {
  const name = [user?.firstname, user?.lastname].filter(Boolean).join(' ');
  return name ? `${name} (${user?.email})` : (user?.email ?? null);
};

/** The claim with what its steps and its PDF read. */
export const readClaim = (strapi: Strapi, documentId: string): Promise<Values | null> =>
  strapi.db.query(CLAIM).findOne({
    where: { documentId },
    populate: {
      member: true,
      lines: { populate: { voucher: true } },
      ledgerEntry: { select: ['documentId'] },
      donation: { select: ['documentId'] },
    },
  });

/** The claim, locked until the end of the step's transaction (PostgreSQL; SQLite writes one transaction at a time). */
const lockedClaim = async (strapi: Strapi, trx: Knex.Transaction, documentId: string) => {
  if (isPostgres(strapi)) await trx(table(strapi, CLAIM)).where('document_id', documentId).forUpdate().select('id');
  const claim = await readClaim(strapi, documentId);
  if (!claim) throw notFound('Note de frais introuvable.');
  return claim;
};

/** 409 unless the claim is in one of `allowed`: « La note de frais NF-2026-0003 est « Remboursée » : … ». */
const expectStatus = (claim: Values, allowed: string[], what: string) => {
  if (allowed.includes(claim.status)) return;
  const needed = allowed.map((s) => `« ${enumLabel(CLAIM, 'status', s)} »`).join(' ou ');
  throw conflict(
    `La note de frais ${claim.number ?? '(brouillon)'} est « ${enumLabel(CLAIM, 'status', claim.status)} » : ${what} seulement une note ${needed}.`,
    'status'
  );
};

/** A step: in one transaction, the claim locked and read, its writes allowed (asWorkflowStep). */
const step = <T>(strapi: Strapi, documentId: string, run: (claim: Values, trx: Knex.Transaction) => Promise<T>) =>
  asWorkflowStep(() => strapi.db.transaction(async ({ trx }) => run(await lockedClaim(strapi, trx, documentId), trx)));

const updateClaim = (strapi: Strapi, documentId: string, data: Values) =>
  strapi.documents(CLAIM).update({ documentId, data: data as DocumentData });

/** A day given in a request (AAAA-MM-JJ), today in Paris when absent. */
const readDay = (raw: unknown, field: string, label: string) => {
  if (raw === undefined || raw === null || raw === '') return todayInParis();
  const text = String(raw).trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !DateTime.fromISO(text).isValid) {
    throw badRequest(`${label} : « ${text} » n\u2019est pas une date valide (attendu : AAAA-MM-JJ).`, field);
  }
  return text;
};

/** Draft → submitted: the claim takes its number (NF-2026-0001, gap-free per year), never changed afterwards. */
export const submitClaim = (strapi: Strapi, documentId: string) =>
  step(strapi, documentId, async (claim, trx) => {
    expectStatus(claim, ['draft'], 'on soumet');
    if (!claim.lines?.length || Math.round(Number(claim.total ?? 0) * 100) <= 0) {
      throw badRequest(`${labelOf(CLAIM, 'lines')} : ajoutez au moins une dépense ou un trajet avant de soumettre la note.`, 'lines');
    }
    const numberYear = Number(todayInParis().slice(0, 4));
    const sequence = await nextNumber(strapi, trx, { uid: CLAIM, field: 'sequence', scope: { numberYear } });
    const number = `NF-${numberYear}-${String(sequence).padStart(4, '0')}`;
    return updateClaim(strapi, documentId, { status: 'submitted', submittedAt: new Date().toISOString(), number, numberYear, sequence });
  });

/** Submitted → approved (the treasurer), with who and when. */
export const approveClaim = (strapi: Strapi, documentId: string, user: User) =>
  step(strapi, documentId, async (claim) => {
    expectStatus(claim, ['submitted'], 'on approuve');
    return updateClaim(strapi, documentId, { status: 'approved', approvedAt: new Date().toISOString(), approvedBy: userName(user) });
  });

/** Submitted or approved → refused, with its reason. */
export const refuseClaim = (strapi: Strapi, documentId: string, body: Values) =>
  step(strapi, documentId, async (claim) => {
    expectStatus(claim, ['submitted', 'approved'], 'on refuse');
    const reason = typeof body?.reason === 'string' ? body.reason.trim() : '';
    if (!reason) throw badRequest(`${labelOf(CLAIM, 'refusalReason')} : obligatoire pour refuser une note de frais.`, 'reason');
    return updateClaim(strapi, documentId, { status: 'refused', refusedAt: new Date().toISOString(), refusalReason: reason });
  });

const findByDocumentId = (strapi: Strapi, uid: string, raw: unknown, select: string[]) =>
  typeof raw === 'string' && raw ? strapi.db.query(uid).findOne({ where: { documentId: raw }, select }) : Promise.resolve(null);

/**
 * Approved → reimbursed: exactly one expense entry (origin « note de frais », linked to the claim) on the
 * chosen cash account and category (625 by default), dated the day paid, with the claim's PDF as its
 * voucher, written in the same transaction as the claim's new status. The books' rules apply to the
 * entry (closed fiscal year, category of expenses).
 */
export const reimburseClaim = async (strapi: Strapi, documentId: string, body: Values) => {
  const paidOn = readDay(body?.date, 'date', 'Date du remboursement');
  const account = await findByDocumentId(strapi, CASH_ACCOUNT, body?.cashAccount, ['documentId']);
  if (!account) throw badRequest('Compte : choisissez le compte d\u2019où part le remboursement.', 'cashAccount');
  const category =
    body?.category !== undefined && body?.category !== null && body?.category !== ''
      ? await findByDocumentId(strapi, CATEGORY, body.category, ['documentId'])
      : await strapi.db.query(CATEGORY).findOne({ where: { number: DEFAULT_CATEGORY_NUMBER, kind: 'expense' }, select: ['documentId'] });
  if (!category)
    throw badRequest('Catégorie : cette catégorie n\u2019existe pas (par défaut : 625 Déplacements et réceptions).', 'category');
  const methods: string[] = strapi.getModel(ENTRY).attributes.paymentMethod.enum;
  const paymentMethod = body?.paymentMethod ?? 'transfer';
  if (!methods.includes(paymentMethod))
    throw badRequest(`Moyen de paiement : « ${paymentMethod} » n\u2019est pas un moyen de paiement.`, 'paymentMethod');
  return withStoredFiles(strapi, (stored) =>
    step(strapi, documentId, async (claim) => {
      expectStatus(claim, ['approved'], 'on rembourse');
      const after = { ...claim, status: 'reimbursed', paidOn };
      const file = await storePdf(strapi, stored, await renderClaimPdf(strapi, after), `${claim.number}.pdf`);
      const entry = await strapi.documents(ENTRY).create({
        data: {
          date: paidOn,
          label: `Note de frais ${claim.number} — ${personName(claim.member)}`.slice(0, 200),
          amount: claim.total,
          direction: 'expense',
          category: { connect: [{ documentId: category.documentId }] },
          cashAccount: { connect: [{ documentId: account.documentId }] },
          paymentMethod,
          reference: claim.number,
          voucher: file.id,
          origin: 'expense_claim',
          expenseClaim: { connect: [{ documentId }] },
        } as DocumentData,
      });
      await updateClaim(strapi, documentId, { status: 'reimbursed', paidOn });
      return { claim: await readClaim(strapi, documentId), entry: { documentId: entry.documentId } };
    })
  );
};

/** The donor a member gives as: the one linked to the member, or a new one made from the member's record. */
const donorOfMember = async (strapi: Strapi, member: Values) => {
  const found = await strapi.db
    .query(DONOR)
    .findOne({ where: { member: { id: member.id }, kind: 'individual' }, select: ['documentId'], orderBy: { id: 'asc' } });
  if (found) return found.documentId as string;
  const created = await strapi.documents(DONOR).create({
    data: {
      kind: 'individual',
      firstName: member.firstName,
      lastName: member.lastName,
      email: member.email,
      phone: member.phone,
      address: member.address,
      postalCode: member.postalCode,
      city: member.city,
      country: member.country ?? 'France',
      member: { connect: [{ documentId: member.documentId }] },
    } as DocumentData,
  });
  return created.documentId;
};

/**
 * Approved → waived: the volunteer gives up the reimbursement (abandon de frais). Exactly one donation of
 * nature « abandon de frais » from the member's donor (found or created), of the claim's total, with the
 * claim's vouchers and its PDF as the expense documents and the signed waiver if uploaded: eligible for a
 * tax receipt (receipts/plan.ts) once the signed waiver is attached. No money moves: no entry.
 */
export const waiveClaim = async (strapi: Strapi, documentId: string, body: Values) => {
  const day = readDay(body?.date, 'date', 'Date de l\u2019abandon');
  const { fiscalYearStartMonth } = await readAssociation(strapi, ['fiscalYearStartMonth']);
  const year = fiscalYearOf(day, fiscalYearStartMonth);
  if ((await closedYears(strapi)).has(year)) {
    throw badRequest(
      `Date de l\u2019abandon : ${describeFiscalYear(year, fiscalYearStartMonth)} est clos : choisissez une date dans un exercice ouvert.`,
      'date'
    );
  }
  let waiver: number | null = null;
  if (body?.waiverDocument !== undefined && body?.waiverDocument !== null && body?.waiverDocument !== '') {
    const file = await strapi.db
      .query('plugin::upload.file')
      .findOne({ where: { id: Number(body.waiverDocument) || 0 }, select: ['id', 'name', 'mime'] });
    if (!file)
      throw badRequest(`${labelOf(DONATION, 'waiverDocument')} : ce fichier n\u2019existe pas dans la médiathèque.`, 'waiverDocument');
    if (!isVoucherMime(file.mime)) {
      throw badRequest(
        `${labelOf(DONATION, 'waiverDocument')} : « ${file.name} » n\u2019est ni une image ni un PDF : joignez la renonciation signée, scannée ou photographiée.`,
        'waiverDocument'
      );
    }
    waiver = file.id;
  }
  return withStoredFiles(strapi, (stored) =>
    step(strapi, documentId, async (claim) => {
      expectStatus(claim, ['approved'], 'on abandonne à l\u2019association');
      const member: Values | null = claim.member ?? null;
      if (!member) throw badRequest(`${labelOf(CLAIM, 'member')} : la note de frais n\u2019a pas de bénévole.`, 'member');
      const waivedAt = new Date().toISOString();
      const pdf = await storePdf(
        strapi,
        stored,
        await renderClaimPdf(strapi, { ...claim, status: 'waived', waivedAt }),
        `${claim.number}.pdf`
      );
      const vouchers = (claim.lines ?? []).map((l: Values) => l.voucher?.id).filter((id: unknown): id is number => typeof id === 'number');
      const donation = await strapi.documents(DONATION).create({
        data: {
          donor: { connect: [{ documentId: await donorOfMember(strapi, member) }] },
          amount: claim.total,
          receivedAt: day,
          method: 'other',
          nature: 'waived_expenses',
          giftForm: 'other',
          reference: claim.number,
          description: `Abandon de frais : note de frais ${claim.number} (${claim.purpose})`,
          expenseDocuments: [...new Set([...vouchers, pdf.id])],
          waiverDocument: waiver,
        } as DocumentData,
      });
      await updateClaim(strapi, documentId, { status: 'waived', waivedAt, donation: { connect: [{ documentId: donation.documentId }] } });
      return { claim: await readClaim(strapi, documentId), donation: { documentId: donation.documentId } };
    })
  );
};

/** The claims, newest first, for the admin page (what the list shows). */
export const listClaims = async (strapi: Strapi, status?: unknown) => {
  const statuses: string[] = strapi.getModel(CLAIM).attributes.status.enum;
  if (status !== undefined && status !== '' && !statuses.includes(String(status))) {
    throw badRequest(`Statut : « ${status} » n\u2019est pas un statut de note de frais.`, 'status');
  }
  const rows: Values[] = await strapi.db.query(CLAIM).findMany({
    where: status ? { status: String(status) } : {},
    orderBy: [{ createdAt: 'desc' }],
    populate: { member: { select: ['firstName', 'lastName', 'memberNumber'] } },
    limit: 500,
  });
  return rows.map((c) => ({
    documentId: c.documentId,
    number: c.number ?? null,
    member: personName(c.member) || null,
    purpose: c.purpose,
    totalCents: Math.round(Number(c.total ?? 0) * 100),
    status: c.status,
    submittedAt: c.submittedAt,
    approvedAt: c.approvedAt,
    approvedBy: c.approvedBy,
    paidOn: c.paidOn,
    waivedAt: c.waivedAt,
  }));
};

/** What the reimbursement form offers: the cash accounts and the active expense categories (625 first). */
export const reimbursementOptions = async (strapi: Strapi) => {
  const accounts: Values[] = await strapi.db.query(CASH_ACCOUNT).findMany({ select: ['documentId', 'name'], orderBy: { name: 'asc' } });
  const categories: Values[] = await strapi.db
    .query(CATEGORY)
    .findMany({ where: { kind: 'expense', active: true }, select: ['documentId', 'number', 'name'], orderBy: { number: 'asc' } });
  return {
    accounts: accounts.map((a) => ({ documentId: a.documentId, name: a.name })),
    categories: categories.map((c) => ({
      documentId: c.documentId,
      name: `${c.number} ${c.name}`,
      isDefault: c.number === DEFAULT_CATEGORY_NUMBER,
    })),
  };
};
