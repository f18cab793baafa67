import { ACTIONS } from '../../../contract/permissions';
import { permissionsFor } from '../../_lib';

/** Client side of src/back-office/books (routes under /back-office/books). */
export const BOOKS_PAGE_PERMISSIONS = permissionsFor(ACTIONS.booksRead, ACTIONS.subsidyReports);

/** GET /back-office/books/balances: every amount in integer cents. */
export type { AccountBalance, Balances } from '../../../back-office/books/contract';

/** POST /back-office/books/fiscal-years/:year/close */
export interface Closing {
  year: number;
  name: string;
  first: string;
  last: string;
  closedAt: string;
  closedBy: string | null;
  entryCount: number;
  income: string | number;
  expense: string | number;
}

/** GET /back-office/books/subsidies */
export interface SubsidyChoice {
  documentId: string;
  title: string;
  fiscalYear: number | null;
  status: string;
  funder: string | null;
}
