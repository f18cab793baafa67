import { createHash } from 'crypto';
import type { DocumentData, Strapi, Values } from '../../types';
import { readEnv } from '../../../core/config';
import { badRequest, notFound } from '../../../core/errors';
import { simplify } from '../../imports/values';
import { createMany } from '../../rules/many';
import { CASH_ACCOUNT } from '../rules';
import { readStatement, StatementFileError, type StatementOperation } from './read';
import { lockReconciliation } from './lock';

export const STATEMENT = 'api::bank-statement.bank-statement';
export const LINE = 'api::bank-statement-line.bank-statement-line';

/** A statement is a file like an import's: the same size limit (IMPORT_MAX_MB). */
export const statementMaxMb = () => readEnv('IMPORT_MAX_MB');

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** The cash account a request names (its documentId), or a French 400/404. */
export const readAccount = async (strapi: Strapi, raw: unknown): Promise<Values> => {
  const documentId = typeof raw === 'string' ? raw.trim() : '';
  if (!documentId) throw badRequest('Compte : choisissez le compte dont c\u2019est le relevé.', 'account');
  const account = await strapi.db
    .query(CASH_ACCOUNT)
    .findOne({ where: { documentId }, select: ['id', 'documentId', 'name', 'kind', 'iban'] });
  if (!account) throw notFound('Ce compte n\u2019existe pas (ou plus).');
  return account;
};

/**
 * Each operation's key, unique per account: the same operation read again (the same file imported twice,
 * or two statements that overlap) has the same key, so it is never stored twice. OFX gives each operation
 * a stable id (FITID); a CSV gives none, so its key is the day, the amount, the label, and the rank of the
 * operation among the file's identical ones (two coffees of 2,50 € the same day stay two operations).
 */
export const operationKeys = (accountDocumentId: string, operations: StatementOperation[]) => {
  const seen = new Map<string, number>();
  return operations.map((op) => {
    if (op.fitId) return sha256(`${accountDocumentId}|fitid|${op.fitId}`);
    const base = `${accountDocumentId}|${op.date}|${op.cents}|${simplify(op.label)}`;
    const rank = (seen.get(base) ?? 0) + 1;
    seen.set(base, rank);
    return sha256(`${base}|${rank}`);
  });
};

export interface Author {
  name: string;
}

/** What the page shows of a statement. */
export const statementView = (s: Values) => ({
  documentId: s.documentId,
  fileName: s.fileName,
  format: s.format,
  layout: s.layout,
  firstDate: s.firstDate,
  lastDate: s.lastDate,
  lineCount: s.lineCount,
  newLineCount: s.newLineCount,
  duplicateCount: s.duplicateCount,
  closingBalance: s.closingBalance === null || s.closingBalance === undefined ? null : Math.round(Number(s.closingBalance) * 100),
  closingDate: s.closingDate ?? null,
  importedBy: s.importedBy,
  importedAt: s.importedAt,
});

/** The account's statements, newest first. */
export const listStatements = async (strapi: Strapi, accountDocumentId: string) =>
  (
    await strapi.db
      .query(STATEMENT)
      .findMany({ where: { account: { documentId: accountDocumentId } }, orderBy: [{ importedAt: 'desc' }, { id: 'desc' }], limit: 50 })
  ).map(statementView);

/**
 * Imports a bank statement for a cash account: reads the file (CSV of a French bank or OFX), keeps the
 * operations not imported yet as lines to reconcile, and the statement's record (file, period, counts,
 * closing balance, who and when). The same file again writes nothing; an overlapping one only its new
 * operations. All or nothing: a refused file writes nothing (French 400 naming the field `file`).
 */
export const importStatement = async (
  strapi: Strapi,
  input: { accountDocumentId: unknown; buffer: Buffer; fileName: string; author: Author }
) => {
  const account = await readAccount(strapi, input.accountDocumentId);
  const fileHash = sha256(input.buffer);
  const sameFile = () => strapi.db.query(STATEMENT).findOne({ where: { account: { id: account.id }, fileHash } });
  const again = await sameFile();
  if (again) return { alreadyImported: true, statement: statementView(again) };
  let read;
  try {
    read = readStatement(input.buffer, statementMaxMb() * 1024 * 1024);
  } catch (e) {
    if (e instanceof StatementFileError) throw badRequest(`Fichier « ${input.fileName} » : ${e.message}`, 'file');
    throw e;
  }
  // an OFX file says which account it is about: never the statement of another account
  const iban = String(account.iban ?? '');
  const number = (read.accountNumber ?? '').replace(/\s+/g, '').toUpperCase();
  if (iban && number && !iban.includes(number) && !number.includes(iban)) {
    throw badRequest(
      `Compte : ce relevé est celui du compte n° ${read.accountNumber}, qui n\u2019est pas « ${account.name} » (IBAN ${iban}). Choisissez le bon compte.`,
      'account'
    );
  }
  const operations = read.operations;
  const keys = operationKeys(account.documentId, operations);
  const dates = operations.map((o) => o.date).sort();
  // under the reconciliation's lock: two imports of overlapping statements at once keep each operation once
  const result = await strapi.db.transaction(async ({ trx }) => {
    await lockReconciliation(strapi, trx);
    const raced = await sameFile();
    if (raced) return { alreadyImported: true, statement: raced };
    const known = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await strapi.db.query(LINE).findMany({ where: { uniqueKey: { $in: keys.slice(i, i + 500) } }, select: ['uniqueKey'] });
      for (const row of rows) known.add(row.uniqueKey);
    }
    const fresh = operations.map((op, i) => ({ op, key: keys[i] })).filter(({ key }) => !known.has(key));
    const created = await strapi.documents(STATEMENT).create({
      data: {
        account: { connect: [{ documentId: account.documentId }] },
        fileName: input.fileName.slice(0, 255),
        fileHash,
        format: read.format,
        layout: read.layout,
        firstDate: dates[0],
        lastDate: dates[dates.length - 1],
        lineCount: operations.length,
        newLineCount: fresh.length,
        duplicateCount: operations.length - fresh.length,
        closingBalance: read.closingCents === null ? null : read.closingCents / 100,
        closingDate: read.closingDate,
        importedBy: input.author.name.slice(0, 255),
        importedAt: new Date().toISOString(),
      } as DocumentData,
    });
    await createMany(
      strapi,
      LINE,
      fresh.map(({ op, key }) => ({
        statement: { connect: [{ documentId: created.documentId }] },
        account: { connect: [{ documentId: account.documentId }] },
        date: op.date,
        label: op.label,
        amount: op.cents / 100,
        bankReference: op.reference ? op.reference.slice(0, 255) : null,
        uniqueKey: key,
        status: 'unmatched',
      }))
    );
    return { alreadyImported: false, statement: created };
  });
  return { alreadyImported: result.alreadyImported, statement: statementView(result.statement) };
};
