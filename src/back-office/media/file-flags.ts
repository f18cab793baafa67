import type { Strapi } from '../types';
import type { Knex } from 'knex';
import { booleanValue, column, isPostgres, table } from '../sql';

const FILE = 'plugin::upload.file';
const DOCUMENT = 'api::document.document';
const RECEIPT = 'api::receipt.receipt';

/**
 * The files' `confidential` and `taxReceipt` flags (declared in src/extensions/upload), the one
 * place that says which files they mark:
 * - `taxReceipt`: the PDF of a tax receipt (issued or cancelled version), flagged when it is stored;
 * - `confidential`: a tax receipt's PDF, or the file of a document that is not explicitly
 *   non-confidential (fail closed: a document without the flag hides its file).
 * The media library's conditions (access/admin-roles.ts), the signed links of confidential files and
 * /uploads read the flags: one column compared, whatever the number of receipts (a list of ids in a
 * NOT IN would pass the databases' limit of bound values after some 30,000 receipts).
 */
export const RECEIPT_FILE_FLAGS = { confidential: true, taxReceipt: true } as const;

/** What the files' query reads of their polymorphic `related` relation (ModelMeta, sql.ts, has no morph column). */
interface FileMeta {
  attributes: {
    related: {
      joinTable: { name: string; joinColumn: { name: string }; morphColumn: { typeColumn: { name: string }; idColumn: { name: string } } };
    };
  };
}

/**
 * Recomputes both flags of every file from the documents and the receipts, in two statements: at
 * start-up (files stored before the flags existed) and after each write of a document (its flag,
 * its file or its removal), in the write's transaction when there is one. Only rows whose flag
 * changes are written. On PostgreSQL one recomputation at a time (a transaction-level advisory lock):
 * the second one reads what the first committed, so two documents written at once cannot leave a
 * stale flag.
 */
export const syncFileFlags = (strapi: Strapi) =>
  strapi.db.transaction(async ({ trx }) => {
    if (isPostgres(strapi)) await trx.raw('SELECT pg_advisory_xact_lock(?)', [FLAGS_LOCK]);
    await recompute(strapi, trx);
  });

// any constant of our own, the same on every instance
const FLAGS_LOCK = 7_130_421;

const recompute = async (strapi: Strapi, knex: Knex) => {
  // sound: @strapi/database does not export its metadata's type; `related` is the files' polymorphic relation
  const join = (strapi.db.metadata.get(FILE) as unknown as FileMeta).attributes.related.joinTable;
  const files = table(strapi, FILE);
  const confidentialColumn = column(strapi, FILE, 'confidential');
  const receiptColumn = column(strapi, FILE, 'taxReceipt');
  const documents = table(strapi, DOCUMENT);
  const documentConfidential = column(strapi, DOCUMENT, 'confidential');
  const yes = booleanValue(strapi, true);
  const relatedOf = (type: string) => knex(join.name).select(join.joinColumn.name).where(join.morphColumn.typeColumn.name, type);
  const receiptFiles = relatedOf(RECEIPT);
  const confidentialDocumentFiles = relatedOf(DOCUMENT).whereIn(
    join.morphColumn.idColumn.name,
    knex(documents).select('id').where(documentConfidential, yes).orWhereNull(documentConfidential)
  );
  // a comparison is the flag itself: boolean on PostgreSQL, 0/1 on SQLite (as each stores booleans)
  const isReceipt = knex.raw('(?? IN ?)', ['id', receiptFiles]);
  await knex(files)
    .update({ [receiptColumn]: isReceipt })
    .where((q) => q.whereNull(receiptColumn).orWhereRaw('?? <> ?', [receiptColumn, isReceipt]));
  const isConfidential = knex.raw('(?? = ? OR ?? IN ?)', [receiptColumn, yes, 'id', confidentialDocumentFiles]);
  await knex(files)
    .update({ [confidentialColumn]: isConfidential })
    .where((q) => q.whereNull(confidentialColumn).orWhereRaw('?? <> ?', [confidentialColumn, isConfidential]));
};

/** What is wrapped of the upload service. */
interface UploadService {
  upload: (input: { data?: { ref?: unknown } | null }, opts?: unknown) => Promise<unknown>;
}

/**
 * A file can also be attached to a document as it is uploaded (the upload service's `ref` / `refId`
 * / `field`), without a write of the document: the flags are recomputed after such an upload too.
 */
export const watchFileAttachments = (strapi: Strapi) => {
  strapi.get('services').extend('plugin::upload.upload', (service: UploadService) => ({
    ...service,
    async upload(input: Parameters<UploadService['upload']>[0], opts?: unknown) {
      const result = await service.upload(input, opts);
      if (input?.data?.ref) await syncFileFlags(strapi);
      return result;
    },
  }));
};
