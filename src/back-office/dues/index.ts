import { badRequest } from '../../core/errors';
import { DateTime } from 'luxon';
import type { AdminContext, BackOfficeModule, Strapi } from '../types';
import { ACTIONS } from '../../contract/permissions';
import { todayInParis } from '../../core/dates';
import { associationGraceDays, DEFAULT_EXPIRING_WITHIN_DAYS, DuesStatus, DUES_STATUSES, DUES_STATUS_LABELS } from './status';
import { duesCounts, duesRows, duesSearch } from './list';
import { runReminders } from './reminders';
import { sendDigest } from './digest';
import { readAccess, type ReadAccess } from '../exports/access';
import {
  CONTRIBUTION,
  contributionRules,
  MEMBER,
  memberDuesRules,
  MEMBERSHIP_TYPE,
  membershipTypeRules,
  nameUnnamedContributions,
} from './rules';
import { contentRights } from '../access/rights';
import { contributionFormOptions, findMembers, quoteContribution, readContributionForm, recordContribution } from './record';

/** HTTP 400 with a French message naming the parameter; nothing is done. */
const badParam = (field: string, message: string) => badRequest(`${field} : ${message}`, field);

const statusParam = (value: unknown): DuesStatus | undefined => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && (DUES_STATUSES as string[]).includes(value)) return value as DuesStatus;
  const known = DUES_STATUSES.map((s) => `${s} (${DUES_STATUS_LABELS[s].toLowerCase()})`).join(', ');
  throw badParam('status', `valeur « ${String(value)} » inconnue ; valeurs possibles : ${known}.`);
};

const withinParam = (value: unknown) => {
  if (value === undefined || value === '') return DEFAULT_EXPIRING_WITHIN_DAYS;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n > 365) {
    throw badParam('within', `« ${String(value)} » n\u2019est pas un nombre de jours valide (nombre entier de 0 à 365).`);
  }
  return n;
};

/** `?limit=`: the first rows of the list only (1 to 10,000); all of them when absent. */
const limitParam = (value: unknown) => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < 1 || n > 10000) {
    throw badParam('limit', `« ${String(value)} » n\u2019est pas un nombre de lignes valide (nombre entier de 1 à 10 000).`);
  }
  return n;
};

/** `?search=`: words to find in the member's name, number or e-mail address (200 characters at most). */
const searchParam = (value: unknown) => {
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.length > 200) throw badParam('search', 'texte de 200 caractères au plus attendu.');
  return value;
};

const todayParam = (value: unknown) => {
  if (value === undefined || value === null || value === '') return todayInParis();
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || !DateTime.fromISO(value).isValid) {
    throw badParam('today', `« ${String(value)} » n\u2019est pas une date valide (format AAAA-MM-JJ, ex. 2026-03-31).`);
  }
  return value;
};

const dryRunParam = (value: unknown) => {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw badParam('dryRun', 'attendu true (simulation, rien n\u2019est envoyé) ou false (envoi réel).');
  return value;
};

const listOptions = async (strapi: Strapi, query: Record<string, unknown>) => ({
  today: todayInParis(),
  expiringWithinDays: withinParam(query.within),
  graceDays: await associationGraceDays(strapi),
});

/**
 * Columns of the dues list that need more than the dues right: the fields they show, which the admin
 * must be allowed to read for every member (a read right limited by conditions is not enough here).
 */
const GUARDED_COLUMNS: Record<'email' | 'lastAmount' | 'membershipType', Array<[string, string]>> = {
  email: [['api::member.member', 'email']],
  lastAmount: [['api::contribution.contribution', 'amount']],
  membershipType: [
    ['api::contribution.contribution', 'membershipType'],
    ['api::membership-type.membership-type', 'name'],
  ],
};

const hiddenFields = (access: ReadAccess) =>
  (Object.keys(GUARDED_COLUMNS) as Array<keyof typeof GUARDED_COLUMNS>).filter(
    (key) => !GUARDED_COLUMNS[key].every(([uid, field]) => access.canRead(uid, field) && !access.isConditional(uid))
  );

/** The content-manager right the « Enregistrer une cotisation » endpoints require (fields are checked in the handler). */
const CREATE_CONTRIBUTIONS: [string, string] = ['plugin::content-manager.explorer.create', CONTRIBUTION];

/** The fields the dialog writes and reads must be within the admin's rights, as in the content manager. */
const assertMayRecord = (ctx: AdminContext, form?: { amount?: unknown; reference?: unknown }) => {
  const rights = contentRights(strapi, ctx.state.userAbility);
  const written = ['member', 'membershipType', 'paidAt', 'periodStart', 'paymentMethod'];
  if (form && form.amount !== undefined && form.amount !== null && form.amount !== '') written.push('amount');
  if (form && form.reference !== undefined && form.reference !== null && form.reference !== '') written.push('reference');
  rights.assert('create', CONTRIBUTION, written, 'des cotisations');
  rights.assert('read', MEMBER, ['firstName', 'lastName', 'duesPaidUntil'], 'les adhérents');
  rights.assert('read', 'api::membership-type.membership-type', ['name', 'amount'], 'les types d’adhésion');
};

/**
 * Dues: contributions and their defaults, the members' duesPaidUntil kept right on every write
 * (write rules), who is up to date and who must renew (admin list, counts, homepage widget), and the
 * reminders by e-mail (daily job, weekly digest for the treasurers, run on demand).
 */
const dues: BackOfficeModule = {
  name: 'dues',
  async bootstrap(strapi) {
    // contributions recorded before they had a displayName
    await nameUnnamedContributions(strapi);
  },
  writeRules: {
    [CONTRIBUTION]: contributionRules,
    [MEMBER]: memberDuesRules,
    [MEMBERSHIP_TYPE]: membershipTypeRules,
  },
  routes: [
    {
      // GET /back-office/dues?status=expiring&within=30&search=dupont&limit=100 — sorted by duesPaidUntil, never-paid
      // last; `limit`: the first rows only (meta.total: how many there are)
      method: 'GET',
      path: '/dues',
      actions: [ACTIONS.duesRead],
      async handler(ctx) {
        const status = statusParam(ctx.query.status);
        const options = await listOptions(strapi, ctx.query);
        const limit = limitParam(ctx.query.limit);
        // field-level read rights, as in the exports: a column the content manager would hide is left out (and not searched)
        const hidden = hiddenFields(readAccess(strapi, ctx.state.userAbility));
        const search = duesSearch(strapi, searchParam(ctx.query.search), !hidden.includes('email'));
        const rows = await duesRows(strapi, { ...options, statuses: status ? [status] : undefined, filter: search, limit });
        ctx.body = {
          data: rows.map(({ documentId, memberNumber, firstName, lastName, email, duesPaidUntil, status, membershipType, lastAmount }) => {
            const row: Record<string, unknown> = {
              documentId,
              memberNumber,
              firstName,
              lastName,
              email,
              duesPaidUntil,
              status,
              membershipType,
              lastAmount,
            };
            for (const key of hidden) delete row[key];
            return row;
          }),
          meta: { total: limit === undefined ? rows.length : (rows[0]?.total ?? 0), hiddenFields: hidden },
        };
      },
    },
    {
      // Counts per status, for the admin page and the homepage widget.
      method: 'GET',
      path: '/dues/summary',
      actions: [ACTIONS.duesRead],
      async handler(ctx) {
        const options = await listOptions(strapi, ctx.query);
        const counts = await duesCounts(strapi, options);
        ctx.body = {
          data: {
            today: options.today,
            within: options.expiringWithinDays,
            graceDays: options.graceDays,
            counts,
            labels: DUES_STATUS_LABELS,
          },
        };
      },
    },
    {
      // « Enregistrer une cotisation »: the dialog's lists (membership types with their amounts, payment methods, today)
      method: 'GET',
      path: '/dues/contribution-form',
      actions: [CREATE_CONTRIBUTIONS],
      async handler(ctx) {
        assertMayRecord(ctx);
        ctx.body = { data: await contributionFormOptions(strapi) };
      },
    },
    {
      // members by name or number, for the dialog opened from the Cotisations page
      method: 'GET',
      path: '/dues/members',
      actions: [CREATE_CONTRIBUTIONS],
      async handler(ctx) {
        assertMayRecord(ctx);
        ctx.body = { data: await findMembers(strapi, ctx.query.search) };
      },
    },
    {
      // what the payment would buy (period, new « payée jusqu’au », warnings); nothing is written
      method: 'POST',
      path: '/dues/contributions/quote',
      actions: [CREATE_CONTRIBUTIONS],
      async handler(ctx) {
        const form = readContributionForm(ctx.request.body);
        assertMayRecord(ctx, form);
        ctx.body = { data: await quoteContribution(strapi, form) };
      },
    },
    {
      // records the payment (Document Service: every contribution rule applies) and answers the new « payée jusqu’au »
      method: 'POST',
      path: '/dues/contributions',
      actions: [CREATE_CONTRIBUTIONS],
      async handler(ctx) {
        const form = readContributionForm(ctx.request.body);
        assertMayRecord(ctx, form);
        ctx.status = 201;
        ctx.body = { data: await recordContribution(strapi, form) };
      },
    },
    {
      method: 'POST',
      path: '/dues/reminders/run',
      actions: [ACTIONS.duesRemind],
      async handler(ctx) {
        const body = ctx.request.body ?? {};
        const today = todayParam(body.today);
        const dryRun = dryRunParam(body.dryRun);
        ctx.body = { data: await runReminders(strapi, { today, dryRun }) };
      },
    },
    {
      method: 'POST',
      path: '/dues/digest/run',
      actions: [ACTIONS.duesRemind],
      async handler(ctx) {
        ctx.body = { data: await sendDigest(strapi, { today: todayParam(ctx.request.body?.today) }) };
      },
    },
  ],
  // 08:00 Europe/Paris (the module system schedules jobs in the association's timezone)
  cron: (strapi) => ({
    // a failure is logged and recorded with the run (scheduling/runner.ts); the next run tries again
    duesReminders: { rule: '0 8 * * *', task: () => runReminders(strapi) },
    duesDigest: { rule: '0 8 * * 1', task: () => sendDigest(strapi) },
  }),
};

export default dues;
