/**
 * The back-office's own RBAC actions (beyond the content-manager rights of each content type).
 * They appear in the admin's role editor under Paramètres > « Back-office ».
 * Registered in register() so that the Super Admin gets them too.
 * The admin panel receives them by these full ids, with a null subject (GET /admin/users/me/permissions);
 * its pages check one with useCan(ACTIONS.x) from src/admin/_lib.
 */
export const ACTIONS = {
  duesRead: 'api::back-office.dues.read',
  duesRemind: 'api::back-office.dues.remind',
  exportsRead: 'api::back-office.exports.read',
  reportsRead: 'api::back-office.reports.read',
  statsRead: 'api::back-office.stats.read',
  calendarRead: 'api::back-office.calendar.read',
  calendarFeed: 'api::back-office.calendar.feed',
  newslettersSend: 'api::back-office.newsletters.send',
  missionsMessage: 'api::back-office.missions.message',
  backupsManage: 'api::back-office.backups.manage',
  receiptsGenerate: 'api::back-office.receipts.generate',
  receiptsCancel: 'api::back-office.receipts.cancel',
  receiptsSend: 'api::back-office.receipts.send',
  importsMembers: 'api::back-office.imports.members',
  importsContributions: 'api::back-office.imports.contributions',
  importsDonors: 'api::back-office.imports.donors',
  importsDonations: 'api::back-office.imports.donations',
  helloassoManage: 'api::back-office.helloasso.manage',
  booksRead: 'api::back-office.books.read',
  booksClose: 'api::back-office.books.close',
  expenseClaimsManage: 'api::back-office.expense-claims.manage',
  booksReconcile: 'api::back-office.books.reconcile',
  booksReports: 'api::back-office.books.reports',
  subsidyReports: 'api::back-office.books.subsidy-reports',
} as const;

export type ActionId = (typeof ACTIONS)[keyof typeof ACTIONS];

/** Strapi's content-manager rights (with a content type as subject), e.g. to show a menu link to who reads a type. */
export const CONTENT_ACTIONS = {
  create: 'plugin::content-manager.explorer.create',
  read: 'plugin::content-manager.explorer.read',
  update: 'plugin::content-manager.explorer.update',
  delete: 'plugin::content-manager.explorer.delete',
} as const;

/** Definitions given to the action provider (uid is the action id without the `api::` prefix). */
export const ACTION_DEFINITIONS = [
  { uid: 'back-office.dues.read', displayName: 'Voir les cotisations à renouveler', subCategory: 'Cotisations' },
  { uid: 'back-office.dues.remind', displayName: 'Lancer les relances de cotisation', subCategory: 'Cotisations' },
  { uid: 'back-office.exports.read', displayName: 'Exporter les données (CSV)', subCategory: 'Exports' },
  { uid: 'back-office.reports.read', displayName: 'Télécharger le bilan financier', subCategory: 'Exports' },
  { uid: 'back-office.stats.read', displayName: 'Voir le tableau de bord', subCategory: 'Statistiques' },
  { uid: 'back-office.calendar.read', displayName: 'Voir le calendrier', subCategory: 'Missions' },
  {
    uid: 'back-office.calendar.feed',
    displayName: 'Créer, régénérer ou désactiver l’adresse secrète du calendrier du bureau',
    subCategory: 'Missions',
  },
  { uid: 'back-office.newsletters.send', displayName: 'Envoyer les newsletters', subCategory: 'Communication' },
  { uid: 'back-office.missions.message', displayName: 'Écrire par e-mail aux bénévoles d’une mission', subCategory: 'Missions' },
  { uid: 'back-office.backups.manage', displayName: 'Gérer les sauvegardes', subCategory: 'Sauvegardes' },
  { uid: 'back-office.receipts.generate', displayName: 'Émettre les reçus fiscaux', subCategory: 'Reçus fiscaux' },
  { uid: 'back-office.receipts.cancel', displayName: 'Annuler ou remplacer un reçu fiscal', subCategory: 'Reçus fiscaux' },
  { uid: 'back-office.receipts.send', displayName: 'Envoyer les reçus fiscaux par e-mail', subCategory: 'Reçus fiscaux' },
  { uid: 'back-office.imports.members', displayName: 'Importer des adhérents', subCategory: 'Imports' },
  { uid: 'back-office.imports.contributions', displayName: 'Importer des cotisations', subCategory: 'Imports' },
  { uid: 'back-office.imports.donors', displayName: 'Importer des donateurs', subCategory: 'Imports' },
  { uid: 'back-office.imports.donations', displayName: 'Importer des dons', subCategory: 'Imports' },
  {
    uid: 'back-office.helloasso.manage',
    displayName: 'Synchroniser HelloAsso (état, formulaires, paiements à vérifier)',
    subCategory: 'HelloAsso',
  },
  { uid: 'back-office.books.read', displayName: 'Voir les soldes des comptes', subCategory: 'Comptabilité' },
  { uid: 'back-office.books.close', displayName: 'Clôturer un exercice', subCategory: 'Comptabilité' },
  {
    uid: 'back-office.expense-claims.manage',
    displayName: 'Approuver, refuser, rembourser les notes de frais ou en enregistrer l’abandon',
    subCategory: 'Comptabilité',
  },
  {
    uid: 'back-office.books.reconcile',
    displayName: 'Rapprochement bancaire (importer les relevés, pointer les écritures)',
    subCategory: 'Comptabilité',
  },
  { uid: 'back-office.books.reports', displayName: 'Télécharger le compte de résultat', subCategory: 'Comptabilité' },
  {
    uid: 'back-office.books.subsidy-reports',
    displayName: 'Télécharger le compte rendu financier d’une subvention (Cerfa n° 15059)',
    subCategory: 'Comptabilité',
  },
].map((a) => ({ ...a, section: 'settings' as const, category: 'Back-office' }));
