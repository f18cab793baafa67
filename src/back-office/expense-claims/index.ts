import type { BackOfficeModule } from '../types';
import { ACTIONS, CONTENT_ACTIONS } from '../../contract/permissions';
import { claimEntryRules, claimRules, CLAIM } from './rules';
import { renderClaimPdf } from './pdf';
import {
  approveClaim,
  listClaims,
  readClaim,
  reimburseClaim,
  reimbursementOptions,
  refuseClaim,
  submitClaim,
  waiveClaim,
} from './workflow';
import { notFound } from '../../core/errors';

const READ: [string, string] = [CONTENT_ACTIONS.read, CLAIM];
const ENTER: [string, string] = [CONTENT_ACTIONS.update, CLAIM];

/**
 * Expense claims (notes de frais): entered for a member by the treasurer or the volunteer manager,
 * submitted (numbered), approved or refused, then reimbursed (one expense entry) or waived (one
 * donation « abandon de frais », eligible for a tax receipt) by the treasurer. See docs/books.md.
 */
const expenseClaims: BackOfficeModule = {
  name: 'expense-claims',
  writeRules: { [CLAIM]: claimRules, 'api::ledger-entry.ledger-entry': claimEntryRules },
  routes: [
    {
      method: 'GET',
      path: '/expense-claims',
      actions: [READ],
      handler: async (ctx) => {
        ctx.body = { data: await listClaims(strapi, ctx.query.status) };
      },
    },
    {
      method: 'GET',
      path: '/expense-claims/options',
      actions: [ACTIONS.expenseClaimsManage],
      handler: async (ctx) => {
        ctx.body = { data: await reimbursementOptions(strapi) };
      },
    },
    {
      method: 'POST',
      path: '/expense-claims/:documentId/submit',
      actions: [ENTER],
      handler: async (ctx) => {
        ctx.body = { data: await submitClaim(strapi, ctx.params.documentId) };
      },
    },
    {
      method: 'POST',
      path: '/expense-claims/:documentId/approve',
      actions: [ACTIONS.expenseClaimsManage],
      handler: async (ctx) => {
        ctx.body = { data: await approveClaim(strapi, ctx.params.documentId, ctx.state.user) };
      },
    },
    {
      method: 'POST',
      path: '/expense-claims/:documentId/refuse',
      actions: [ACTIONS.expenseClaimsManage],
      handler: async (ctx) => {
        ctx.body = { data: await refuseClaim(strapi, ctx.params.documentId, ctx.request.body ?? {}) };
      },
    },
    {
      method: 'POST',
      path: '/expense-claims/:documentId/reimburse',
      actions: [ACTIONS.expenseClaimsManage],
      handler: async (ctx) => {
        ctx.body = { data: await reimburseClaim(strapi, ctx.params.documentId, ctx.request.body ?? {}) };
      },
    },
    {
      method: 'POST',
      path: '/expense-claims/:documentId/waive',
      actions: [ACTIONS.expenseClaimsManage],
      handler: async (ctx) => {
        ctx.body = { data: await waiveClaim(strapi, ctx.params.documentId, ctx.request.body ?? {}) };
      },
    },
    {
      method: 'GET',
      path: '/expense-claims/:documentId/pdf',
      actions: [READ],
      handler: async (ctx) => {
        const claim = await readClaim(strapi, ctx.params.documentId);
        if (!claim) throw notFound('Note de frais introuvable.');
        const pdf = await renderClaimPdf(strapi, claim);
        ctx.set('Content-Type', 'application/pdf');
        ctx.set('Content-Disposition', `attachment; filename="${claim.number ?? 'note-de-frais-brouillon'}.pdf"`);
        ctx.body = pdf;
      },
    },
  ],
};

export default expenseClaims;
