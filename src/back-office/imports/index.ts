import fs from 'fs';
import { errors } from '@strapi/utils';
import { refuseTooLargeFile } from '../media/too-large-file';
import type { AdminContext, BackOfficeModule, Strapi } from '../types';
import { KIND_LABELS, type ImportKind } from './fields';
import { forbidden } from '../../core/errors';
import {
  authorOf,
  batchFor,
  commitImport,
  createImport,
  IMPORT_ACTIONS,
  importMaxMb,
  kindsAllowed,
  listImports,
  parseKind,
  readPreviewPage,
  reportCsv,
  undoImport,
  updateMapping,
} from './service';

/**
 * Imports: bring the association's existing lists in (members, contributions, donors, donations)
 * from Excel, LibreOffice, Galette, Paheko or HelloAsso files. read.ts reads a file as a table,
 * formats.ts recognises the tool and pre-fills the mapping, rows.ts reads the values, plan.ts
 * matches them against the stored records (the preview), service.ts writes them all or nothing
 * through the write rules (the new records together, rules/many.ts), and undoes them. Rights: one RBAC action per kind.
 */
let app: Strapi;

/** Whether the admin of this request may import this kind. */
const canImport = (ctx: AdminContext) => (kind: ImportKind) => !!ctx.state.userAbility?.can(IMPORT_ACTIONS[kind]);

const requireKind = (ctx: AdminContext, kind: ImportKind) => {
  if (!canImport(ctx)(kind)) throw forbidden(`Vous n\u2019avez pas le droit d\u2019importer des ${KIND_LABELS[kind].toLowerCase()}.`);
};

/** An uploaded file, as the body parser (formidable) gives it. */
interface UploadedFile {
  filepath?: string;
  originalFilename?: string | null;
  name?: string;
}

const fileOf = (ctx: AdminContext) => {
  const file = ctx.request.files?.file as UploadedFile | UploadedFile[] | undefined;
  return Array.isArray(file) ? file[0] : file;
};

const IMPORTS_PATH = /^\/back-office\/imports\/?$/i;

const imports: BackOfficeModule = {
  name: 'imports',
  routes: [
    {
      method: 'GET',
      path: '/imports',
      actions: [],
      handler: async (ctx) => {
        const kinds = kindsAllowed(canImport(ctx));
        ctx.body = {
          kinds: kinds.map((k) => ({ kind: k, label: KIND_LABELS[k] })),
          maxMb: importMaxMb(),
          imports: await listImports(app, kinds),
        };
      },
    },
    {
      method: 'POST',
      path: '/imports',
      actions: [],
      handler: async (ctx) => {
        const body = ctx.request.body ?? {};
        const file = fileOf(ctx);
        try {
          const kind = parseKind(body.kind);
          requireKind(ctx, kind);
          if (!file?.filepath)
            throw new errors.ValidationError('Fichier : joignez le fichier à importer (champ « file »).', { field: 'file' });
          const buffer = fs.readFileSync(file.filepath);
          ctx.status = 201;
          ctx.body = await createImport(app, {
            buffer,
            fileName: String(file.originalFilename ?? file.name ?? 'fichier'),
            kind,
            sheet: typeof body.sheet === 'string' ? body.sheet : null,
            author: authorOf(ctx.state.user),
          });
        } finally {
          if (file?.filepath) fs.rm(file.filepath, { force: true }, () => undefined);
        }
      },
    },
    {
      method: 'GET',
      path: '/imports/:id',
      actions: [],
      handler: async (ctx) => {
        const batch = await batchFor(app, ctx.params.id, canImport(ctx), 'open');
        const { status, page, pageSize } = ctx.query;
        ctx.body = await readPreviewPage(app, batch, {
          status: typeof status === 'string' ? status : undefined,
          page: Number(page),
          pageSize: Number(pageSize),
        });
      },
    },
    {
      method: 'GET',
      path: '/imports/:id/report',
      actions: [],
      handler: async (ctx) => {
        const batch = await batchFor(app, ctx.params.id, canImport(ctx));
        ctx.set('Content-Type', 'text/csv; charset=utf-8');
        ctx.set(
          'Content-Disposition',
          `attachment; filename="import-${batch.kind}-${String(batch.createdAt ? new Date(batch.createdAt).toISOString().slice(0, 10) : '')}.csv"`
        );
        ctx.set('Cache-Control', 'no-store');
        ctx.body = reportCsv(batch);
      },
    },
    {
      method: 'PUT',
      path: '/imports/:id/mapping',
      actions: [],
      handler: async (ctx) => {
        const batch = await batchFor(app, ctx.params.id, canImport(ctx));
        ctx.body = await updateMapping(app, batch, ctx.request.body ?? {});
      },
    },
    {
      method: 'POST',
      path: '/imports/:id/commit',
      actions: [],
      handler: async (ctx) => {
        const batch = await batchFor(app, ctx.params.id, canImport(ctx), 'commit');
        const skip = ctx.request.body?.skipErrors;
        ctx.body = await commitImport(app, batch, {
          skipErrors: skip === undefined ? undefined : skip === true || skip === 'true',
          author: authorOf(ctx.state.user),
        });
      },
    },
    {
      method: 'POST',
      path: '/imports/:id/undo',
      actions: [],
      handler: async (ctx) => {
        const batch = await batchFor(app, ctx.params.id, canImport(ctx), 'undo');
        ctx.body = await undoImport(app, batch, authorOf(ctx.state.user));
      },
    },
  ],
  register(strapi) {
    app = strapi;
    // a file over the body parser's limit: the same French 400 as a file over IMPORT_MAX_MB, nothing written
    refuseTooLargeFile(strapi, IMPORTS_PATH, () => `Fichier : trop volumineux, un import est limité à ${importMaxMb()} Mo.`);
  },
};

export default imports;
