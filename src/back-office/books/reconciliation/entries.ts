import type { DocumentData, Strapi, Values } from '../../types';
import { badRequest, conflict, fieldError } from '../../../core/errors';
import { CASH_ACCOUNT, ENTRY, toCents } from '../rules';
import { lineView, matchLine, readLine } from './matching';
import { lockReconciliation } from './lock';
import type { Author } from './statements';

/** The payment method a bank's label says (« CB », « CHQ », « VIR », « PRLV »…), else none. */
export const paymentMethodOf = (label: string): string | null => {
  const text = ` ${label.toUpperCase()} `;
  if (/\b(CHQ|CHEQUE|CHÈQUE|REMISE CHQ|REM CHQ)\b/.test(text)) return 'cheque';
  if (/\b(CB|CARTE|PAIEMENT CB|ACHAT CB|FACT(URE)? CB)\b/.test(text)) return 'card';
  if (/HELLOASSO/.test(text)) return 'helloasso';
  if (/\b(VIR|VIREMENT|PRLV|PRELEVEMENT|PRÉLÈVEMENT|SEPA)\b/.test(text)) return 'transfer';
  if (/\b(RETRAIT|DAB|VERSEMENT ESPECES|VERST ESP|ESPECES)\b/.test(text)) return 'cash';
  return null;
};

/** A cheque's number written in a bank's label (« CHEQUE N° 1234567 », « CHQ 0001234 »). */
const chequeNumberOf = (label: string) => /\b(?:CHQ|CHEQUE|CHÈQUE)\s*(?:N\s*[°O.]?\s*)?(\d{5,})/i.exec(label)?.[1] ?? null;

const text = (raw: unknown) => (typeof raw === 'string' ? raw.trim() : '');

/**
 * POST …/lines/:id/create-entry { category | counterAccount, label?, voucher? }: the entry a bank
 * operation shows but the books lack, written through the books' write rules like any entry (a
 * category of its direction, a voucher from BOOKS_VOUCHER_REQUIRED_ABOVE euros, an open fiscal year:
 * French 400 naming the field, nothing written), matched with the operation at once. With
 * `counterAccount` instead of a category, a transfer between that account and the operation's.
 */
export const createEntryFromLine = async (strapi: Strapi, lineId: unknown, body: Values, author: Author) =>
  strapi.db.transaction(async ({ trx }) => {
    await lockReconciliation(strapi, trx);
    const line = await readLine(strapi, lineId);
    if (line.status !== 'unmatched') throw conflict('Cette opération est déjà rapprochée ou ignorée : aucune écriture à créer.');
    const cents = toCents(line.amount);
    const label = text(body.label) || line.label;
    if (label.length > 200) throw fieldError(ENTRY, 'label', `200 caractères au plus (${label.length} ici) : raccourcissez-le.`);
    const category = text(body.category);
    const counter = text(body.counterAccount);
    const own = { connect: [{ documentId: line.account.documentId }] };
    const data: Values = {
      date: line.date,
      label,
      amount: Math.abs(cents) / 100,
      paymentMethod: paymentMethodOf(line.label),
      reference: (chequeNumberOf(line.label) ?? line.bankReference ?? '').slice(0, 120) || null,
      notes: `Créée depuis le relevé bancaire (${line.statement?.fileName ?? 'relevé'}) : « ${line.label} ».`,
    };
    if (counter) {
      if (category)
        throw badRequest(
          'Catégorie : un virement entre comptes n\u2019a pas de catégorie : choisissez l\u2019un ou l\u2019autre.',
          'category'
        );
      const other = await strapi.db.query(CASH_ACCOUNT).findOne({ where: { documentId: counter }, select: ['documentId'] });
      if (!other) throw badRequest('Autre compte : ce compte n\u2019existe pas (ou plus).', 'counterAccount');
      const there = { connect: [{ documentId: counter }] };
      Object.assign(data, {
        direction: 'transfer',
        paymentMethod: 'transfer',
        cashAccount: cents < 0 ? own : there,
        toCashAccount: cents < 0 ? there : own,
      });
    } else {
      if (!category) throw fieldError(ENTRY, 'category', 'choisissez la catégorie de cette opération (ex. 627 Services bancaires).');
      Object.assign(data, {
        direction: cents > 0 ? 'income' : 'expense',
        cashAccount: own,
        category: { connect: [{ documentId: category }] },
      });
    }
    if (body.voucher !== undefined && body.voucher !== null && body.voucher !== '') data.voucher = body.voucher;
    const entry = await strapi.documents(ENTRY).create({ data: data as DocumentData });
    await matchLine(strapi, line, entry.documentId, author);
    return lineView(await readLine(strapi, line.documentId));
  });
