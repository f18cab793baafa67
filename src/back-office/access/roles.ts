import { ACTIONS } from '../../contract/permissions';

/**
 * The bureau's admin roles and their default rights: THE table of the README, as data.
 * The president uses Strapi's Super Admin (every right). `npm run roles:reset` re-applies this table.
 */
export const ROLES = [
  { code: 'asso-treasurer', name: 'Trésorier·ère', description: 'Cotisations, dons, subventions et finances.' },
  { code: 'asso-secretary', name: 'Secrétaire', description: 'Adhérents, documents et vie statutaire.' },
  {
    code: 'asso-volunteer-manager',
    name: 'Responsable des bénévoles',
    description: 'Bénévoles, missions, participations, pôles et compétences.',
  },
  { code: 'asso-communication', name: 'Chargé·e de communication', description: 'Articles, médiathèque et newsletters.' },
  { code: 'asso-partnerships', name: 'Responsable des partenariats', description: 'Partenaires, subventions, donateurs et dons.' },
] as const;

export type RoleCode = (typeof ROLES)[number]['code'];
export const ROLE_CODES = ROLES.map((r) => r.code) as RoleCode[];

/** C create, R read, U update, D delete, P publish; '' none. Columns in the order of ROLES. */
type Rights = string;
//                                       treasurer secretary volunteer communication partnerships
export const CONTENT_RIGHTS: Record<string, [Rights, Rights, Rights, Rights, Rights]> = {
  // the treasurer records a new member with their first payment
  'api::member.member': ['CRU', 'CRU', 'CRUD', '', ''],
  'api::membership-type.membership-type': ['CRUD', 'R', 'R', '', ''],
  'api::contribution.contribution': ['CRUD', 'R', 'R', '', ''],
  'api::mission.mission': ['R', 'R', 'CRUD', 'R', 'R'],
  'api::participation.participation': ['', 'R', 'CRUD', '', ''],
  'api::partner.partner': ['R', 'R', 'R', 'R', 'CRUD'],
  'api::subsidy.subsidy': ['CRUD', 'R', '', '', 'CRUD'],
  'api::donor.donor': ['CRUD', '', '', '', 'CRUD'],
  'api::donation.donation': ['CRUD', '', '', '', 'CRUD'],
  'api::article.article': ['', 'R', '', 'CRUDP', ''],
  'api::newsletter.newsletter': ['', '', '', 'CRUD', ''],
  'api::subscriber.subscriber': ['', '', '', 'CRUD', ''],
  'api::document.document': ['R', 'CRUD', 'R', 'R', 'R'],
  'api::pole.pole': ['R', 'R', 'CRUD', 'R', 'R'],
  'api::skill.skill': ['R', 'R', 'CRUD', 'R', 'R'],
  // Not in the table: the availability slots are reference data like poles and skills.
  'api::availability-slot.availability-slot': ['R', 'R', 'CRUD', 'R', 'R'],
  'api::association.association': ['R', 'R', 'R', 'R', 'R'],
  // Logs written by the back-office (not in the table): read by those who follow them.
  'api::dues-reminder.dues-reminder': ['R', 'R', 'R', '', ''],
  'api::newsletter-delivery.newsletter-delivery': ['', '', '', 'R', ''],
  'api::mission-message.mission-message': ['', '', 'R', '', ''],
  'api::mission-message-delivery.mission-message-delivery': ['', '', 'R', '', ''],
  // Written only by the back-office (never edited, never deleted); partnerships: company receipts only (CONTENT_CONDITIONS)
  'api::receipt.receipt': ['R', '', '', '', 'R'],
  // the e-mailing of receipts (one record per receipt): the treasurer follows it
  'api::receipt-delivery.receipt-delivery': ['R', '', '', '', ''],
  // the imports' log: read and undone through the page « Importer » only
  'api::import-batch.import-batch': ['', '', '', '', ''],
  // the books: the treasurer keeps them; the president (super admin) reads and closes the fiscal years
  'api::cash-account.cash-account': ['CRUD', '', '', '', ''],
  'api::ledger-category.ledger-category': ['CRUD', '', '', '', ''],
  'api::ledger-entry.ledger-entry': ['CRUD', '', '', '', ''],
  // written only by « Clôturer l’exercice » (POST /back-office/books/fiscal-years/:year/close), never changed
  'api::fiscal-year.fiscal-year': ['R', '', '', '', ''],
  // expense claims: entered for a volunteer by the treasurer or the volunteer manager (volunteers have no account);
  // their steps (approve, reimburse, waive) are the treasurer's (ACTIONS.expenseClaimsManage); a numbered claim is never deleted
  'api::expense-claim.expense-claim': ['CRUD', '', 'CRUD', '', ''],
  // bank reconciliation: statements and their lines are written by the page « Rapprochement bancaire » only
  'api::bank-statement.bank-statement': ['R', '', '', '', ''],
  'api::bank-statement-line.bank-statement-line': ['R', '', '', '', ''],
  // HelloAsso's log, forms and imported items: read and changed through the page « HelloAsso » only
  'api::helloasso-item.helloasso-item': ['', '', '', '', ''],
  'api::helloasso-form.helloasso-form': ['', '', '', '', ''],
  'api::helloasso-sync.helloasso-sync': ['', '', '', '', ''],
};

/** Permission conditions of the content-manager rights above, by content type and role (admin-roles.ts registers them). */
export const CONTENT_CONDITIONS: Record<string, Partial<Record<RoleCode, string[]>>> = {
  'api::receipt.receipt': { 'asso-partnerships': ['api::company-receipts'] },
};

/** Confidential documents: only these roles (and the super admin) see them. */
export const CONFIDENTIAL_READERS: RoleCode[] = ['asso-treasurer', 'asso-secretary'];

/** The tax receipts' PDFs in the media library: only these roles (and the super admin) see them; the others read receipts through their own page. */
export const RECEIPT_FILE_READERS: RoleCode[] = ['asso-treasurer'];

const ALL: RoleCode[] = [...ROLE_CODES];

/** The back-office's own actions (src/contract/permissions.ts); backups stay with the super admin. */
export const BACK_OFFICE_RIGHTS: Record<string, RoleCode[]> = {
  [ACTIONS.duesRead]: ['asso-treasurer', 'asso-secretary', 'asso-volunteer-manager'],
  [ACTIONS.duesRemind]: ['asso-treasurer'],
  [ACTIONS.exportsRead]: ALL,
  [ACTIONS.reportsRead]: ['asso-treasurer', 'asso-partnerships'],
  [ACTIONS.statsRead]: ALL,
  [ACTIONS.calendarRead]: ALL,
  // one secret URL shared by the bureau: one person changes it, nobody's phone loses it by surprise
  [ACTIONS.calendarFeed]: ['asso-volunteer-manager'],
  [ACTIONS.newslettersSend]: ['asso-communication'],
  [ACTIONS.missionsMessage]: ['asso-volunteer-manager'],
  [ACTIONS.backupsManage]: [],
  // the president is the super admin (every right)
  [ACTIONS.receiptsGenerate]: ['asso-treasurer'],
  [ACTIONS.receiptsCancel]: ['asso-treasurer'],
  [ACTIONS.receiptsSend]: ['asso-treasurer'],
  // bringing the lists of the tools the association leaves: each kind by whoever keeps it
  [ACTIONS.importsMembers]: ['asso-secretary'],
  [ACTIONS.importsContributions]: ['asso-treasurer'],
  [ACTIONS.importsDonors]: ['asso-treasurer'],
  [ACTIONS.importsDonations]: ['asso-treasurer'],
  // online payments arrive as contributions, donations and tickets: the treasurer watches them
  [ACTIONS.helloassoManage]: ['asso-treasurer'],
  // the books: the treasurer reads the balances and closes a fiscal year (as the president, super admin)
  [ACTIONS.booksRead]: ['asso-treasurer'],
  [ACTIONS.booksClose]: ['asso-treasurer'],
  [ACTIONS.expenseClaimsManage]: ['asso-treasurer'],
  [ACTIONS.booksReconcile]: ['asso-treasurer'],
  // the compte de résultat: the treasurer (and the president); a subsidy's financial report also by who follows the subsidies
  [ACTIONS.booksReports]: ['asso-treasurer'],
  [ACTIONS.subsidyReports]: ['asso-treasurer', 'asso-partnerships'],
};

/**
 * Media library: everyone reads and uploads; only communication (and the super admin) edits and
 * deletes files (Strapi 5.54 has no separate delete action: deleting a file needs assets.update).
 */
export const MEDIA_RIGHTS: Record<string, RoleCode[]> = {
  'plugin::upload.read': ALL,
  'plugin::upload.assets.create': ALL,
  'plugin::upload.assets.download': ALL,
  'plugin::upload.assets.copy-link': ALL,
  'plugin::upload.assets.update': ['asso-communication'],
};

export const CM_ACTIONS: Record<string, string> = {
  C: 'plugin::content-manager.explorer.create',
  R: 'plugin::content-manager.explorer.read',
  U: 'plugin::content-manager.explorer.update',
  D: 'plugin::content-manager.explorer.delete',
  P: 'plugin::content-manager.explorer.publish',
};

/** The letters of one role's column for a content type ('' when none). */
export const rightsOf = (code: RoleCode, uid: string): string => CONTENT_RIGHTS[uid]?.[ROLE_CODES.indexOf(code)] ?? '';
