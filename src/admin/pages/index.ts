import type { StrapiApp } from '@strapi/strapi/admin';
import backupsPage from './backups';
import exportsPage from './exports';
import dashboard from './dashboard';
import dues from './dues';
import newsletters from './newsletters';
import calendar from './calendar';
import missionPanels from './missions';
import volunteers from './volunteers';
import access from './access';
import receiptsPage from './receipts';
import expenseClaimsPage from './expense-claims';
import importsPage from './imports';
import helloassoPage from './helloasso';
import reconciliationPage from './reconciliation';
import booksPage from './books';
import labels from './labels';
import home from './home';

/**
 * The back-office's admin pages and widgets. Each feature adds its own folder under
 * src/admin/pages/<feature>/ exporting an AdminPage, and one line here (before `home`, which orders
 * the home page's widgets once all are registered).
 */
export interface AdminPage {
  register?: (app: StrapiApp) => void;
  bootstrap?: (app: StrapiApp) => void;
}

export const adminPages: AdminPage[] = [
  dashboard,
  dues,
  volunteers,
  exportsPage,
  newsletters,
  calendar,
  missionPanels,
  backupsPage,
  access,
  receiptsPage,
  expenseClaimsPage,
  importsPage,
  helloassoPage,
  reconciliationPage,
  booksPage,
  labels,
  home,
];
