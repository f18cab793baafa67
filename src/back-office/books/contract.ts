/**
 * What the books' routes answer, typed once: read by the server (balances.ts) and by the admin pages
 * (src/admin/pages/books, src/admin/pages/reconciliation). Types only, no import.
 */

/** One cash account's balance at a date, every amount in integer cents. */
export interface AccountBalance {
  documentId: string;
  name: string;
  kind: string;
  /** the fiscal year whose opening balance the sum starts from (null: none recorded, from the first entry) */
  openingYear: number | null;
  opening: number;
  income: number;
  expense: number;
  transfersIn: number;
  transfersOut: number;
  balance: number;
  /**
   * the same sum over the entries reconciled with an operation of this account's bank statements dated
   * on or before the day (the bank has seen them): what the bank's balance should be
   */
  reconciled: number;
  /** entries of the period not reconciled yet on this account (cheques not cashed yet, forgotten ones…) */
  unreconciledCount: number;
  /** the latest balance a statement of this account gives (OFX LEDGERBAL, CSV « Solde »), dated on or before the day */
  statement: { date: string; balance: number; fileName: string; reconciledThen: number | null } | null;
}

/** GET /back-office/books/balances: every account's balance at the end of a day, and their total. */
export interface Balances {
  date: string;
  fiscalYear: number;
  accounts: AccountBalance[];
  total: number;
}
