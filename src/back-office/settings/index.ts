import type { BackOfficeModule, Strapi } from '../types';
import { COMPONENT_LABELS, LABELS } from '../../contract/labels';

/** Fields shown in the list view of each collection (the bureau can change them afterwards). */
const LIST_COLUMNS: Record<string, string[]> = {
  'api::member.member': ['memberNumber', 'lastName', 'firstName', 'city', 'duesPaidUntil', 'isVolunteer'],
  'api::contribution.contribution': ['member', 'amount', 'paidAt', 'periodEnd', 'paymentMethod'],
  'api::mission.mission': ['title', 'kind', 'startAt', 'status', 'pole'],
  'api::participation.participation': ['displayName', 'mission', 'member', 'status', 'hours'],
  'api::partner.partner': ['name', 'kind', 'contactName', 'isPublic'],
  'api::subsidy.subsidy': ['title', 'funder', 'fiscalYear', 'amountGranted', 'status'],
  'api::donor.donor': ['lastName', 'firstName', 'companyName', 'city'],
  'api::donation.donation': ['donor', 'amount', 'receivedAt', 'nature'],
  'api::document.document': ['title', 'category', 'documentDate', 'confidential'],
  'api::newsletter-delivery.newsletter-delivery': ['newsletter', 'email', 'status', 'sentAt', 'attempts'],
  'api::mission-message.mission-message': ['subject', 'mission', 'status', 'sentCount', 'recipientsCount', 'sentBy'],
  'api::mission-message-delivery.mission-message-delivery': ['missionMessage', 'email', 'status', 'sentAt', 'attempts'],
  'api::dues-reminder.dues-reminder': ['member', 'duesPaidUntil', 'offsetDays', 'remindedOn', 'status'],
  'api::receipt.receipt': ['number', 'donorName', 'total', 'issuedOn', 'cancelled', 'sentAt'],
  'api::receipt-delivery.receipt-delivery': ['receipt', 'email', 'status', 'sentAt', 'attempts'],
  'api::cash-account.cash-account': ['name', 'kind', 'iban'],
  'api::ledger-category.ledger-category': ['number', 'name', 'kind', 'active'],
  'api::ledger-entry.ledger-entry': ['date', 'label', 'amount', 'direction', 'category', 'cashAccount'],
  'api::bank-statement.bank-statement': ['fileName', 'account', 'firstDate', 'lastDate', 'newLineCount', 'importedAt'],
  'api::bank-statement-line.bank-statement-line': ['date', 'label', 'amount', 'status', 'account'],
  'api::fiscal-year.fiscal-year': ['year', 'closedAt', 'closedBy', 'entryCount', 'income', 'expense'],
  'api::expense-claim.expense-claim': ['number', 'member', 'purpose', 'total', 'status'],
};

/** Derived fields: shown, never edited by hand. */
const READ_ONLY: Record<string, string[]> = {
  'api::member.member': ['duesPaidUntil', 'memberNumber', 'displayName'],
  'api::contribution.contribution': ['displayName'],
  'api::donor.donor': ['displayName'],
  'api::participation.participation': ['displayName'],
  'api::newsletter.newsletter': ['status', 'sentAt', 'recipientsCount', 'sentCount', 'failedCount'],
  'api::mission-message.mission-message': ['status', 'sentAt', 'recipientsCount', 'sentCount', 'failedCount', 'sentBy'],
  // a tax receipt is never edited (src/back-office/receipts): every field is shown, none editable
  'api::receipt.receipt': [
    'number',
    'numberYear',
    'sequence',
    'mode',
    'donorKind',
    'donor',
    'donations',
    'donorName',
    'donorEmail',
    'periodStart',
    'periodEnd',
    'total',
    'issuedOn',
    'issuedBy',
    'snapshot',
    'cancelled',
    'cancelledAt',
    'cancelledBy',
    'cancelReason',
    'replaces',
    'pdf',
    'cancelledPdf',
    'sentAt',
  ],
  'api::ledger-category.ledger-category': ['displayName'],
  'api::fiscal-year.fiscal-year': ['year', 'closedAt', 'closedBy', 'entryCount', 'income', 'expense'],
  // an expense claim's number, total and steps come from the back-office (src/back-office/expense-claims)
  'api::expense-claim.expense-claim': [
    'number',
    'numberYear',
    'sequence',
    'total',
    'status',
    'submittedAt',
    'approvedAt',
    'approvedBy',
    'refusedAt',
    'refusalReason',
    'paidOn',
    'waivedAt',
    'ledgerEntry',
    'donation',
  ],
  // an entry's origin and source are set by the back-office (derived entries, expense claims); its reconciliation by the page « Rapprochement bancaire »
  'api::ledger-entry.ledger-entry': ['origin', 'contribution', 'donation', 'expenseClaim', 'reconciledAt', 'bankLines'],
  'api::bank-statement.bank-statement': [
    'account',
    'fileName',
    'fileHash',
    'format',
    'layout',
    'firstDate',
    'lastDate',
    'lineCount',
    'newLineCount',
    'duplicateCount',
    'closingBalance',
    'closingDate',
    'importedBy',
    'importedAt',
    'lines',
  ],
  'api::bank-statement-line.bank-statement-line': [
    'statement',
    'account',
    'date',
    'label',
    'amount',
    'bankReference',
    'uniqueKey',
    'status',
    'entry',
    'matchedAt',
    'matchedBy',
  ],
};

/** Main field (shown in relations) of each collection. */
const MAIN_FIELD: Record<string, string> = {
  // "Martin Claire (n° 42)", not three "Martin" (members/display-names.ts)
  'api::member.member': 'displayName',
  'api::donor.donor': 'displayName',
  'api::participation.participation': 'displayName',
  // « Martin Claire (n° 42) — du 01/01/2026 au 31/12/2026 », not a bare date
  'api::contribution.contribution': 'displayName',
  'api::donation.donation': 'receivedAt',
  'api::subsidy.subsidy': 'title',
  'api::bank-statement.bank-statement': 'fileName',
  'api::bank-statement-line.bank-statement-line': 'label',
  'api::newsletter.newsletter': 'subject',
  'api::subscriber.subscriber': 'email',
  'api::newsletter-delivery.newsletter-delivery': 'email',
  // never the private keys (deliveryKey, messageKey), which nobody may read
  'api::mission-message.mission-message': 'subject',
  'api::mission-message-delivery.mission-message-delivery': 'email',
  'api::dues-reminder.dues-reminder': 'remindedOn',
  'api::receipt.receipt': 'number',
  'api::receipt-delivery.receipt-delivery': 'email',
  // « 606 Achats », not a bare number
  'api::ledger-category.ledger-category': 'displayName',
  'api::ledger-entry.ledger-entry': 'label',
  'api::expense-claim.expense-claim': 'purpose',
};

/** Default order of the list views (Strapi sorts by the first text field, e.g. members by first name). */
const DEFAULT_SORT: Record<string, [string, 'ASC' | 'DESC']> = {
  'api::member.member': ['lastName', 'ASC'],
  'api::donor.donor': ['lastName', 'ASC'],
  'api::participation.participation': ['createdAt', 'DESC'],
  'api::contribution.contribution': ['paidAt', 'DESC'],
  'api::donation.donation': ['receivedAt', 'DESC'],
  'api::expense-claim.expense-claim': ['createdAt', 'DESC'],
  'api::mission.mission': ['startAt', 'DESC'],
  'api::subsidy.subsidy': ['fiscalYear', 'DESC'],
  'api::newsletter-delivery.newsletter-delivery': ['createdAt', 'DESC'],
  'api::mission-message.mission-message': ['createdAt', 'DESC'],
  'api::mission-message-delivery.mission-message-delivery': ['createdAt', 'DESC'],
  'api::dues-reminder.dues-reminder': ['createdAt', 'DESC'],
  'api::receipt.receipt': ['number', 'DESC'],
  'api::receipt-delivery.receipt-delivery': ['createdAt', 'DESC'],
  'api::ledger-category.ledger-category': ['number', 'ASC'],
  'api::ledger-entry.ledger-entry': ['date', 'DESC'],
  'api::fiscal-year.fiscal-year': ['year', 'DESC'],
  'api::bank-statement.bank-statement': ['importedAt', 'DESC'],
  'api::bank-statement-line.bank-statement-line': ['date', 'DESC'],
};

/** What is read here of a content type or a component (the content manager's services are untyped). */
interface SchemaLike {
  uid?: string;
  attributes?: Record<string, { type: string; target?: string }>;
}

/** What is read and changed here of the content manager's configuration of a type. */
interface FieldMetadata {
  edit?: { label?: string; mainField?: string; editable?: boolean };
  list?: { label?: string };
}
interface CmConfiguration {
  metadatas?: Record<string, FieldMetadata>;
}

/** What Strapi's content manager picks when nothing is configured: the first string field, or id. */
const strapiDefaultMainField = (contentType: SchemaLike) =>
  Object.keys(contentType.attributes ?? {}).find((key) => contentType.attributes[key].type === 'string' && key !== 'id') ?? 'id';

/** Main fields this module set before a better one existed: replaced like Strapi's defaults. */
const FORMER_MAIN_FIELD: Record<string, string> = { 'api::contribution.contribution': 'paidAt' };

/** Main fields that are still Strapi's default (or our former choice), so ours may replace them (the bureau's own choice is kept). */
const replaceableMainFields = (target: SchemaLike) => [
  strapiDefaultMainField(target),
  'id',
  ...(FORMER_MAIN_FIELD[target?.uid] ? [FORMER_MAIN_FIELD[target.uid]] : []),
];

/**
 * A relation field shows its target by the main field stored in the metadata of the relation itself
 * (contribution → member: `metadatas.member.edit.mainField`), not by the target's settings: set it
 * to the target's main field, unless the bureau chose another one.
 */
const applyRelationMainFields = (strapi: Strapi, config: CmConfiguration, contentType: SchemaLike) => {
  let changed = false;
  for (const [field, attr] of Object.entries(contentType.attributes ?? {})) {
    const wanted = attr.type === 'relation' ? MAIN_FIELD[attr.target] : undefined;
    const edit = config.metadatas?.[field]?.edit;
    if (!wanted || !edit) continue;
    const target = strapi.contentTypes[attr.target as keyof typeof strapi.contentTypes];
    if (edit.mainField !== wanted && (edit.mainField === undefined || replaceableMainFields(target).includes(edit.mainField))) {
      edit.mainField = wanted;
      changed = true;
    }
  }
  return changed;
};

/**
 * French labels in the content manager, applied at bootstrap only where the label is still
 * Strapi's default (the field's name): a label the bureau changed is kept.
 */
const applyLabels = (config: CmConfiguration, labels: Record<string, string>, uid?: string) => {
  let changed = false;
  for (const [field, meta] of Object.entries(config.metadatas ?? {})) {
    const label = labels[field];
    if (!label) continue;
    for (const view of ['edit', 'list'] as const) {
      if (meta[view] && (meta[view].label === field || !meta[view].label)) {
        meta[view].label = label;
        changed = true;
      }
    }
    if (uid && READ_ONLY[uid]?.includes(field) && meta.edit && meta.edit.editable !== false) {
      meta.edit.editable = false;
      changed = true;
    }
  }
  return changed;
};

export const applyContentManagerSettings = async (strapi: Strapi) => {
  const cm = strapi.plugin('content-manager');
  const ctService = cm.service('content-types');
  for (const [uid, labels] of Object.entries(LABELS)) {
    const contentType = ctService.findContentType(uid);
    if (!contentType) continue;
    const config = await ctService.findConfiguration(contentType);
    let changed = applyLabels(config, labels, uid);
    const columns = LIST_COLUMNS[uid];
    const defaultColumns = ['id', 'documentId'];
    if (columns && (config.layouts?.list ?? []).some((c: string) => defaultColumns.includes(c))) {
      config.layouts.list = columns;
      changed = true;
    }
    // main field (shown in relations) and default sort: ours, unless the bureau chose another one
    const mainField = MAIN_FIELD[uid];
    if (
      mainField &&
      config.settings &&
      config.settings.mainField !== mainField &&
      replaceableMainFields(contentType).includes(config.settings.mainField)
    ) {
      config.settings.mainField = mainField;
      changed = true;
    }
    if (applyRelationMainFields(strapi, config, contentType)) changed = true;
    const sortBy = DEFAULT_SORT[uid];
    if (sortBy && config.settings && [strapiDefaultMainField(contentType), 'id'].includes(config.settings.defaultSortBy)) {
      config.settings.defaultSortBy = sortBy[0];
      config.settings.defaultSortOrder = sortBy[1];
      changed = true;
    }
    if (changed) {
      const { uid: _uid, ...rest } = config;
      await ctService.updateConfiguration(contentType, rest);
    }
  }
  const compService = cm.service('components');
  for (const [uid, labels] of Object.entries(COMPONENT_LABELS)) {
    const component = compService.findComponent(uid);
    if (!component) continue;
    const config = await compService.findConfiguration(component);
    if (applyLabels(config, labels)) {
      const { uid: _uid, category: _c, ...rest } = config;
      await compService.updateConfiguration(component, rest);
    }
  }
};

const settings: BackOfficeModule = {
  name: 'settings',
  routes: [
    {
      // For monitoring and for the admin pages: is the back-office up, and who am I.
      method: 'GET',
      path: '/ping',
      actions: [],
      handler: (ctx) => {
        ctx.body = { ok: true, user: { id: ctx.state.user?.id, email: ctx.state.user?.email } };
      },
    },
  ],
  async bootstrap(strapi) {
    await applyContentManagerSettings(strapi);
  },
};

export default settings;
