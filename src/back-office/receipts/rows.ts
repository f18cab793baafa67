import type { DonorFacts, Mode } from './plan';
import type { IssuerSettings } from './settings';

/**
 * What the receipts' code reads of the rows the query engine (strapi.db.query) returns, and of the
 * snapshot a receipt freezes. Strapi types those rows as `any`; these describe the fields read here.
 * The query engine hands datetimes back as ISO strings; a decimal (`total`) is read with toCents,
 * which takes a number or a string.
 *
 * Rows are type aliases, not interfaces: the exports' engine takes rows as `Record<string, unknown>`,
 * which an interface (without an index signature) does not satisfy.
 */

/** One donation as the receipt prints it. */
export type SnapshotLine = {
  documentId: string;
  receivedAt: string;
  amountCents: number;
  method: string;
  nature: string;
  giftForm: string;
  description: string | null;
};

/** Everything a receipt prints, frozen when it is issued (issue.ts snapshotOf, stored as JSON). */
export type ReceiptSnapshot = {
  version: number;
  /** the association as its settings said when the receipt was issued, its files by their path under the public folder */
  issuer: Pick<
    IssuerSettings,
    | 'name'
    | 'rna'
    | 'siren'
    | 'address'
    | 'postalCode'
    | 'city'
    | 'object'
    | 'category'
    | 'categoryLabel'
    | 'signatoryName'
    | 'signatoryCapacity'
  > & {
    /** path under the public folder, or null */
    logo: string | null;
    signature: string | null;
  };
  donor: Pick<
    DonorFacts,
    'kind' | 'lastName' | 'firstName' | 'companyName' | 'legalForm' | 'siren' | 'address' | 'postalCode' | 'city' | 'country'
  >;
  /** the articles of the CGI certified: '238 bis', or '200' and/or '978' */
  articles: string[];
  lines: SnapshotLine[];
  totalCents: number;
  amountInWords: string;
  periodStart: string;
  periodEnd: string;
  issuedOn: string;
};

/** What the PDF of a receipt is drawn from (pdf.ts): its snapshot, number, replaced number, cancellation. */
export type PrintedReceipt = {
  number: string;
  mode: Mode;
  snapshot: ReceiptSnapshot;
  cancelled?: boolean | null;
  /** a Date when the cancellation is being drawn, the stored ISO string afterwards */
  cancelledAt?: string | Date | null;
  cancelReason?: string | null;
  /** the number of the receipt it replaces (null: none; absent: not read yet) */
  replacesNumber?: string | null;
};

/** A receipt as read from its table (the fields read; `replaces` when populated). */
export type ReceiptRow = PrintedReceipt & {
  id: number;
  documentId: string;
  numberYear: number;
  sequence: number;
  donorKind: DonorFacts['kind'];
  donorName: string | null;
  donorEmail: string | null;
  periodStart: string;
  periodEnd: string;
  total: number | string;
  issuedOn: string;
  issuedBy: string | null;
  cancelledBy?: string | null;
  sentAt?: string | null;
  replaces?: { number: string } | null;
};

/** A media-library file (plugin::upload.file) as the receipts store and read their PDFs. */
export type FileRow = {
  id: number;
  hash: string;
  ext?: string | null;
  url?: string | null;
};
