import { labelOf } from '../../contract/labels';
import { duesStatusSql } from '../dues/status';
import { countedSql } from '../dues/counted';
import { SEATED } from '../missions/capacity';
import type { CellType } from './format';
import type { ExportSql, Sql } from './query';
import {
  dateRange,
  datetimeRange,
  duesStatusFilter,
  enumEquals,
  fiscalYear,
  isTrue,
  linkedTo,
  textEquals,
  yearEquals,
  type ExportFilter,
  type FilterContext,
} from './filters';

/**
 * The eight exports, declared once each: their columns (French header from labels.ts, SQL
 * expression, cell type, the fields read) and their filters. The engine (engine.ts) does the rest:
 * rights, validation, batches, CSV.
 */
export interface ExportColumn {
  key: string;
  header: string;
  /** cell type; when absent, taken from the schema of the field read last */
  type?: CellType;
  /** [uid, field] pairs the admin must be allowed to read to get this column */
  reads: Array<[string, string]>;
  sql: (s: ExportSql, ctx: FilterContext) => string | Sql;
}

export interface Dataset {
  name: string;
  uid: string;
  /** French: title on the admin page, words of the 403 message, file name */
  label: string;
  what: string;
  fileName: string;
  columns: ExportColumn[];
  filters: ExportFilter[];
}

export const MEMBER = 'api::member.member';
export const CONTRIBUTION = 'api::contribution.contribution';
export const DONATION = 'api::donation.donation';
export const DONOR = 'api::donor.donor';
export const SUBSIDY = 'api::subsidy.subsidy';
export const PARTNER = 'api::partner.partner';
export const MISSION = 'api::mission.mission';
export const PARTICIPATION = 'api::participation.participation';
export const POLE = 'api::pole.pole';
export const MEMBERSHIP_TYPE = 'api::membership-type.membership-type';

/** Column helpers bound to a dataset's content type. */
const columnsOf = (uid: string) => ({
  /** a field of the record */
  own: (field: string, type?: CellType): ExportColumn => ({
    key: field,
    header: labelOf(uid, field),
    type,
    reads: [[uid, field]],
    sql: (s) => s.col(field),
  }),
  /** a field of a to-one related record */
  rel: (field: string, target: string, targetField: string, header: string, type?: CellType): ExportColumn => ({
    key: `${field}.${targetField}`,
    header,
    type,
    reads: [
      [uid, field],
      [target, targetField],
    ],
    sql: (s) => s.ref(field, targetField),
  }),
  /** a field of a component (its read right is the parent's field path, e.g. `location.city`) */
  part: (field: string, targetField: string, header: string): ExportColumn => ({
    key: `${field}.${targetField}`,
    header,
    type: 'text',
    reads: [[uid, `${field}.${targetField}`]],
    sql: (s) => s.ref(field, targetField),
  }),
  /** names of to-many related records */
  names: (field: string, target: string, targetField: string): ExportColumn => ({
    key: field,
    header: labelOf(uid, field),
    type: 'text',
    reads: [
      [uid, field],
      [target, targetField],
    ],
    sql: (s) => s.list(field, targetField),
  }),
});

/** Sum of a decimal column in integer cents, in SQL (exact on both databases). */
export const sumCentsSql = (column: string) => `CAST(SUM(CAST(ROUND(${column} * 100) AS BIGINT)) AS BIGINT)`;

const member = columnsOf(MEMBER);
const contribution = columnsOf(CONTRIBUTION);
const donation = columnsOf(DONATION);
const donor = columnsOf(DONOR);
const subsidy = columnsOf(SUBSIDY);
const partner = columnsOf(PARTNER);
const mission = columnsOf(MISSION);
const participation = columnsOf(PARTICIPATION);

export const DATASETS: Dataset[] = [
  {
    name: 'members',
    uid: MEMBER,
    label: 'Adhérents',
    what: 'adhérents',
    fileName: 'adherents',
    columns: [
      member.own('memberNumber'),
      member.own('lastName'),
      member.own('firstName'),
      member.own('email'),
      member.own('phone'),
      member.own('birthDate'),
      member.own('gender'),
      member.own('profession'),
      member.own('address'),
      member.own('postalCode'),
      member.own('city'),
      member.own('country'),
      member.own('origin'),
      member.own('joinedAt'),
      member.own('isVolunteer'),
      member.names('poles', POLE, 'name'),
      member.names('skills', 'api::skill.skill', 'name'),
      member.names('availability', 'api::availability-slot.availability-slot', 'name'),
      member.own('newsletterOptIn'),
      member.own('imageRights'),
      member.own('duesPaidUntil'),
      {
        key: 'duesStatus',
        header: 'Statut de cotisation',
        type: 'duesStatus',
        reads: [[MEMBER, 'duesPaidUntil']],
        sql: (s, { graceDays }) => duesStatusSql(s.col('duesPaidUntil'), { graceDays }),
      },
      member.own('notes'),
    ],
    filters: [
      textEquals(MEMBER, 'city', 'city', 'Ville'),
      textEquals(MEMBER, 'postalCode', 'postalCode', 'Code postal'),
      linkedTo(MEMBER, 'poles', POLE, 'pole', 'Pôle'),
      duesStatusFilter(MEMBER),
      isTrue(MEMBER, 'isVolunteer', 'volunteer', 'Bénévole'),
      enumEquals(MEMBER, 'gender', 'gender', 'Genre'),
      ...dateRange(MEMBER, 'joinedAt', 'joined', 'Date d\u2019adhésion'),
    ],
  },
  {
    name: 'contributions',
    uid: CONTRIBUTION,
    label: 'Cotisations',
    what: 'cotisations',
    fileName: 'cotisations',
    columns: [
      contribution.rel('member', MEMBER, 'memberNumber', labelOf(MEMBER, 'memberNumber')),
      contribution.rel('member', MEMBER, 'lastName', 'Nom de l\u2019adhérent'),
      contribution.rel('member', MEMBER, 'firstName', 'Prénom de l\u2019adhérent'),
      contribution.rel('membershipType', MEMBERSHIP_TYPE, 'name', labelOf(CONTRIBUTION, 'membershipType')),
      contribution.own('amount'),
      contribution.own('paidAt'),
      contribution.own('periodStart'),
      contribution.own('periodEnd'),
      contribution.own('paymentMethod'),
      contribution.own('reference'),
      contribution.own('notes'),
    ],
    filters: [
      ...dateRange(CONTRIBUTION, 'paidAt', 'paid', 'Payée'),
      fiscalYear(CONTRIBUTION, 'paidAt', 'date'),
      enumEquals(CONTRIBUTION, 'paymentMethod', 'paymentMethod', 'Moyen de paiement'),
      linkedTo(CONTRIBUTION, 'membershipType', MEMBERSHIP_TYPE, 'membershipType', 'Type d\u2019adhésion'),
    ],
  },
  {
    name: 'donations',
    uid: DONATION,
    label: 'Dons',
    what: 'dons',
    fileName: 'dons',
    columns: [
      donation.rel('donor', DONOR, 'kind', 'Type de donateur'),
      donation.rel('donor', DONOR, 'lastName', 'Nom du donateur'),
      donation.rel('donor', DONOR, 'firstName', 'Prénom du donateur'),
      donation.rel('donor', DONOR, 'companyName', labelOf(DONOR, 'companyName')),
      donation.own('amount'),
      donation.own('receivedAt'),
      donation.own('method'),
      donation.own('nature'),
      donation.own('campaign'),
      donation.own('reference'),
      donation.own('notes'),
    ],
    filters: [
      ...dateRange(DONATION, 'receivedAt', 'received', 'Reçu'),
      fiscalYear(DONATION, 'receivedAt', 'date'),
      enumEquals(DONATION, 'method', 'method', 'Moyen de paiement'),
      enumEquals(DONATION, 'nature', 'nature', 'Nature'),
      textEquals(DONATION, 'campaign', 'campaign', 'Campagne'),
    ],
  },
  {
    name: 'donors',
    uid: DONOR,
    label: 'Donateurs',
    what: 'donateurs',
    fileName: 'donateurs',
    columns: [
      donor.own('kind'),
      donor.own('lastName'),
      donor.own('firstName'),
      donor.own('companyName'),
      donor.own('email'),
      donor.own('phone'),
      donor.own('address'),
      donor.own('postalCode'),
      donor.own('city'),
      donor.own('country'),
      donor.rel('member', MEMBER, 'memberNumber', 'N° d\u2019adhérent lié'),
      {
        key: 'donationsCount',
        header: 'Nombre de dons',
        type: 'integer',
        reads: [[DONOR, 'donations']],
        sql: (s) => `(SELECT COUNT(*) FROM ${s.related('donations').from})`,
      },
      {
        key: 'donationsTotal',
        header: 'Total des dons (€)',
        type: 'cents',
        reads: [
          [DONOR, 'donations'],
          [DONATION, 'amount'],
        ],
        sql: (s) =>
          `(SELECT ${sumCentsSql(`x.${s.quoted(DONATION, 'amount')}`)} FROM ${s.related('donations').from} AND ${countedSql(`x.${s.quoted(DONATION, 'refunded')}`)})`,
      },
      {
        key: 'lastDonation',
        header: 'Dernier don le',
        type: 'date',
        reads: [
          [DONOR, 'donations'],
          [DONATION, 'receivedAt'],
        ],
        sql: (s) => `(SELECT MAX(x.${s.quoted(DONATION, 'receivedAt')}) FROM ${s.related('donations').from})`,
      },
      donor.own('notes'),
    ],
    filters: [enumEquals(DONOR, 'kind', 'kind', 'Type'), textEquals(DONOR, 'city', 'city', 'Ville')],
  },
  {
    name: 'subsidies',
    uid: SUBSIDY,
    label: 'Subventions',
    what: 'subventions',
    fileName: 'subventions',
    columns: [
      subsidy.own('title'),
      subsidy.rel('funder', PARTNER, 'name', labelOf(SUBSIDY, 'funder')),
      subsidy.own('fiscalYear'),
      subsidy.own('amountRequested'),
      subsidy.own('amountGranted'),
      subsidy.own('amountReceived'),
      subsidy.own('status'),
      subsidy.own('submittedAt'),
      subsidy.own('decidedAt'),
      subsidy.own('receivedAt'),
      subsidy.own('reportDueAt'),
      subsidy.own('notes'),
    ],
    filters: [
      yearEquals(SUBSIDY, 'fiscalYear', 'fiscalYear', 'Exercice'),
      enumEquals(SUBSIDY, 'status', 'status', 'Statut'),
      linkedTo(SUBSIDY, 'funder', PARTNER, 'funder', 'Financeur'),
      ...dateRange(SUBSIDY, 'reportDueAt', 'reportDue', 'Bilan à rendre'),
    ],
  },
  {
    name: 'partners',
    uid: PARTNER,
    label: 'Partenaires',
    what: 'partenaires',
    fileName: 'partenaires',
    columns: [
      partner.own('name'),
      partner.own('kind'),
      partner.own('contactName'),
      partner.own('email'),
      partner.own('phone'),
      partner.own('website'),
      partner.own('since'),
      partner.own('isPublic'),
      partner.own('description'),
    ],
    filters: [enumEquals(PARTNER, 'kind', 'kind', 'Type'), isTrue(PARTNER, 'isPublic', 'isPublic', 'Affiché sur le site')],
  },
  {
    name: 'missions',
    uid: MISSION,
    label: 'Missions et événements',
    what: 'missions',
    fileName: 'missions',
    columns: [
      mission.own('title'),
      mission.own('kind'),
      mission.own('status'),
      mission.own('startAt'),
      mission.own('endAt'),
      mission.part('location', 'name', 'Lieu'),
      mission.part('location', 'city', 'Ville'),
      mission.rel('pole', POLE, 'name', labelOf(MISSION, 'pole')),
      mission.own('capacity'),
      {
        // the places taken, by the capacity rule's own list (SEATED), as the calendar counts them
        key: 'registered',
        header: 'Inscrits (places occupées)',
        type: 'integer',
        reads: [
          [MISSION, 'participations'],
          [PARTICIPATION, 'status'],
        ],
        sql: (s) =>
          `(SELECT COUNT(*) FROM ${s.related('participations').from} AND x.${s.quoted(PARTICIPATION, 'status')} IN (${SEATED.map((status) => `'${status}'`).join(', ')}))`,
      },
      mission.own('budgetPlanned'),
      mission.own('budgetActual'),
      mission.own('isPublic'),
      mission.own('summary'),
      mission.own('internalNotes'),
    ],
    filters: [
      ...datetimeRange(MISSION, 'startAt', 'start', 'Début'),
      fiscalYear(MISSION, 'startAt', 'datetime'),
      enumEquals(MISSION, 'status', 'status', 'Statut'),
      enumEquals(MISSION, 'kind', 'kind', 'Type'),
      linkedTo(MISSION, 'pole', POLE, 'pole', 'Pôle'),
    ],
  },
  {
    name: 'participations',
    uid: PARTICIPATION,
    label: 'Participations',
    what: 'participations',
    fileName: 'participations',
    columns: [
      participation.rel('mission', MISSION, 'title', 'Mission'),
      participation.rel('mission', MISSION, 'startAt', 'Début de la mission'),
      participation.rel('member', MEMBER, 'memberNumber', labelOf(MEMBER, 'memberNumber')),
      // the person: the participation's own name (public registrations), else the member's when the role may read it
      ...(['lastName', 'firstName'] as const).map((field): ExportColumn => ({
        key: field,
        header: labelOf(PARTICIPATION, field),
        type: 'text',
        reads: [[PARTICIPATION, field]],
        sql: (s) =>
          s.access.canRead(PARTICIPATION, 'member') && s.access.canRead(MEMBER, field)
            ? `COALESCE(${s.col(field)}, ${s.ref('member', field)})`
            : s.col(field),
      })),
      participation.own('email'),
      participation.own('phone'),
      participation.own('status'),
      participation.own('role'),
      participation.own('hours', 'decimal'),
      participation.own('source'),
      participation.own('notes'),
    ],
    filters: [
      linkedTo(PARTICIPATION, 'mission', MISSION, 'mission', 'Mission'),
      enumEquals(PARTICIPATION, 'status', 'status', 'Statut'),
      ...datetimeRange(PARTICIPATION, 'startAt', 'mission', 'Date de la mission', { field: 'mission', uid: MISSION }),
    ],
  },
];

export const datasetByName = (name: string) => DATASETS.find((d) => d.name === name);
