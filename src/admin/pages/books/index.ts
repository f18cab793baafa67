import { Book } from '@strapi/icons';
import type { AdminPage } from '../index';
import { BOOKS_PAGE_PERMISSIONS } from './api';

/** « Comptabilité »: balances, closing a fiscal year, the compte de résultat and the subsidies' financial reports. */
const booksPage: AdminPage = {
  register(app) {
    app.addMenuLink({
      to: 'comptabilite',
      icon: Book,
      intlLabel: { id: 'back-office.books.menu', defaultMessage: 'Comptabilité' },
      // who reads the books, and who makes a subsidy's financial report (the partnerships manager)
      permissions: BOOKS_PAGE_PERMISSIONS,
      position: 44,
      Component: () => import('./BooksPage'),
    });
  },
};

export default booksPage;
