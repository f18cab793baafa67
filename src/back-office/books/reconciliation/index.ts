import fs from 'fs';
import { refuseTooLargeFile } from '../../media/too-large-file';
import type { AdminContext, BackOfficeModule, BackOfficeRoute, Strapi } from '../../types';
import { ACTIONS, CONTENT_ACTIONS } from '../../../contract/permissions';
import { badRequest } from '../../../core/errors';
import { balancesAt, readBalanceDate } from '../balances';
import { CASH_ACCOUNT, CATEGORY, ENTRY } from '../rules';
import { createEntryFromLine } from './entries';
import { acceptProposals, confirmMatch, ignoreLine, listLines, unmatchLine } from './matching';
import { reconciliationWriteRules } from './rules';
import { importStatement, listStatements, readAccount, statementMaxMb, type Author } from './statements';

/**
 * Bank reconciliation (« rapprochement bancaire »): a bank statement imported for a cash account (CSV of a
 * French bank, or OFX), its operations matched with the books' entries (proposals a person confirms, or
 * accepts all at once when unambiguous), the missing entries created from the operations, and the
 * balances book vs reconciled vs statement. Every route needs « Rapprochement bancaire » (the treasurer;
 * the president, super admin). See docs/books.md.
 */
let app: Strapi;

const authorOf = (ctx: AdminContext): Author => {
  const user = ctx.state.user;
  if (!user) return { name: 'ligne de commande' };
  const name = [user.firstname, user.lastname].filter(Boolean).join(' ');
  return { name: name ? `${name} <${user.email}>` : user.email };
};

const fileOf = (ctx: AdminContext) => {
  const file = ctx.request.files?.file as { filepath?: string; originalFilename?: string; name?: string } | undefined | unknown[];
  return (Array.isArray(file) ? file[0] : file) as { filepath?: string; originalFilename?: string; name?: string } | undefined;
};

const BASE = '/books/reconciliation';
const STATEMENTS_PATH = /^\/back-office\/books\/reconciliation\/statements\/?$/i;
const actions = [ACTIONS.booksReconcile];
/** and the content-manager right on the entries that the route reads, changes (their reconciliation) or creates */
const onEntries = (right: 'read' | 'update' | 'create'): BackOfficeRoute['actions'] => [
  ACTIONS.booksReconcile,
  [CONTENT_ACTIONS[right], ENTRY],
];

const reconciliation: BackOfficeModule = {
  name: 'reconciliation',
  writeRules: reconciliationWriteRules,
  routes: [
    {
      // what the page needs to start: the accounts, the categories a new entry may take, the file size limit
      method: 'GET',
      path: BASE,
      actions,
      handler: async (ctx) => {
        const accounts = await app.db
          .query(CASH_ACCOUNT)
          .findMany({ orderBy: { name: 'asc' }, select: ['documentId', 'name', 'kind', 'iban'] });
        const categories = await app.db
          .query(CATEGORY)
          .findMany({ where: { active: true }, orderBy: { number: 'asc' }, select: ['documentId', 'displayName', 'kind'] });
        ctx.body = { accounts, categories, maxMb: statementMaxMb() };
      },
    },
    {
      method: 'GET',
      path: `${BASE}/statements`,
      actions,
      handler: async (ctx) => {
        const account = await readAccount(app, ctx.query.account);
        ctx.body = { data: await listStatements(app, account.documentId) };
      },
    },
    {
      method: 'POST',
      path: `${BASE}/statements`,
      actions,
      handler: async (ctx) => {
        const file = fileOf(ctx);
        try {
          if (!file?.filepath) throw badRequest('Fichier : joignez le relevé de la banque (CSV ou OFX).', 'file');
          const result = await importStatement(app, {
            accountDocumentId: ctx.request.body?.account,
            buffer: fs.readFileSync(file.filepath),
            fileName: String(file.originalFilename ?? file.name ?? 'relevé'),
            author: authorOf(ctx),
          });
          ctx.status = result.alreadyImported ? 200 : 201;
          ctx.body = { data: result };
        } finally {
          if (file?.filepath) fs.rm(file.filepath, { force: true }, () => undefined);
        }
      },
    },
    {
      // ?account=documentId[&status=unmatched|matched|ignored]: the operations, the unmatched with their proposals
      method: 'GET',
      path: `${BASE}/lines`,
      actions: onEntries('read'),
      handler: async (ctx) => {
        const account = await readAccount(app, ctx.query.account);
        ctx.body = { data: await listLines(app, account, ctx.query.status) };
      },
    },
    {
      method: 'POST',
      path: `${BASE}/lines/:id/match`,
      actions: onEntries('update'),
      handler: async (ctx) => {
        ctx.body = { data: await confirmMatch(app, ctx.params.id, ctx.request.body?.entry, authorOf(ctx)) };
      },
    },
    {
      method: 'POST',
      path: `${BASE}/lines/:id/unmatch`,
      actions: onEntries('update'),
      handler: async (ctx) => {
        ctx.body = { data: await unmatchLine(app, ctx.params.id) };
      },
    },
    {
      method: 'POST',
      path: `${BASE}/lines/:id/ignore`,
      actions,
      handler: async (ctx) => {
        ctx.body = { data: await ignoreLine(app, ctx.params.id, authorOf(ctx)) };
      },
    },
    {
      method: 'POST',
      path: `${BASE}/lines/:id/create-entry`,
      actions: onEntries('create'),
      handler: async (ctx) => {
        ctx.status = 201;
        ctx.body = { data: await createEntryFromLine(app, ctx.params.id, ctx.request.body ?? {}, authorOf(ctx)) };
      },
    },
    {
      // { account }: every unambiguous proposal of the account matched at once
      method: 'POST',
      path: `${BASE}/accept`,
      actions: onEntries('update'),
      handler: async (ctx) => {
        const account = await readAccount(app, ctx.request.body?.account);
        ctx.body = { data: await acceptProposals(app, account, authorOf(ctx)) };
      },
    },
    {
      // ?account=…&date=…: the account's balance in the books, reconciled, and as its latest statement says
      method: 'GET',
      path: `${BASE}/balances`,
      actions,
      handler: async (ctx) => {
        const account = await readAccount(app, ctx.query.account);
        const all = await balancesAt(app, readBalanceDate(ctx.query.date));
        ctx.body = { data: { ...all, accounts: all.accounts.filter((a) => a.documentId === account.documentId) } };
      },
    },
  ],
  register(strapi) {
    app = strapi;
    // a file over the body parser's limit: a French 400 naming the file, nothing written
    refuseTooLargeFile(strapi, STATEMENTS_PATH, () => `Fichier : trop volumineux, un relevé est limité à ${statementMaxMb()} Mo.`);
  },
};

export default reconciliation;
