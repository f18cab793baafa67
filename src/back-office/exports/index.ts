import type { UID } from '@strapi/strapi';
import type { BackOfficeModule, Strapi } from '../types';
import { notFound } from '../../core/errors';
import { ACTIONS } from '../../contract/permissions';
import { readAccess, type ReadAccess } from './access';
import { DATASETS, datasetByName } from './datasets';
import { csvStream, prepareExport, xlsxOnly } from './engine';
import { workbookStream, XLSX_CONTENT_TYPE } from './xlsx';
import { filterValues, valueLabel } from './filters';
import { currentFiscalYear, fiscalYearStartMonth } from '../reports/financial';

/** Records offered in the admin page's relation filters: their label field. */
const OPTION_LABEL: Record<string, string> = {
  'api::pole.pole': 'name',
  'api::membership-type.membership-type': 'name',
  'api::partner.partner': 'name',
  'api::mission.mission': 'title',
};

/** What the admin page shows: the datasets this admin may export, their filters and choices. */
const catalog = async (strapi: Strapi, access: ReadAccess) => {
  const options = new Map<string, Array<{ value: string; label: string }>>();
  const optionsOf = async (uid: string) => {
    if (!options.has(uid)) {
      const field = OPTION_LABEL[uid];
      const rows = access.canRead(uid, field)
        ? await strapi.db.query(uid as UID.ContentType).findMany({
            select: ['documentId', field],
            orderBy: uid.includes('mission') ? { startAt: 'desc' } : { [field]: 'asc' },
            limit: 500,
          })
        : [];
      options.set(
        uid,
        rows.map((r: Record<string, unknown>) => ({ value: String(r.documentId), label: String(r[field] ?? '') }))
      );
    }
    return options.get(uid)!;
  };
  const datasets = [];
  for (const d of DATASETS) {
    if (!access.canReadType(d.uid) || access.isConditional(d.uid)) continue;
    const filters = [];
    for (const f of d.filters) {
      if (!f.reads.every(([uid, field]) => access.canRead(uid, field))) continue;
      const values =
        f.kind === 'enum'
          ? filterValues(strapi, f).map((v) => ({ value: v, label: valueLabel(v, f) }))
          : f.kind === 'relation'
            ? await optionsOf(f.target!)
            : undefined;
      filters.push({ param: f.param, label: f.label, kind: f.kind, options: values });
    }
    datasets.push({ name: d.name, label: d.label, filters });
  }
  return datasets;
};

const exportsModule: BackOfficeModule = {
  name: 'exports',
  routes: [
    {
      method: 'GET',
      path: '/exports',
      actions: [ACTIONS.exportsRead],
      handler: async (ctx) => {
        // the fiscal year in progress: the default of the financial report's year selector
        ctx.body = {
          datasets: await catalog(strapi, readAccess(strapi, ctx.state.userAbility)),
          currentFiscalYear: currentFiscalYear(await fiscalYearStartMonth(strapi)),
        };
      },
    },
    {
      method: 'GET',
      path: '/exports/:file',
      actions: [ACTIONS.exportsRead],
      handler: async (ctx) => {
        // <name>.csv (?format=fr|iso|xlsx) or <name>.xlsx: same columns, rights and filters
        const match = /^([a-z]+)\.(csv|xlsx)$/.exec(ctx.params.file);
        const dataset = match && datasetByName(match[1]);
        if (!dataset)
          throw notFound(
            `Export inconnu : « ${ctx.params.file} » (exports possibles : ${DATASETS.map((d) => `${d.name}.csv`).join(', ')}, ou .xlsx).`
          );
        const query = match[2] === 'xlsx' ? { ...ctx.query, format: xlsxOnly(ctx.query.format) } : ctx.query;
        const { fields, format, csvFormat, sheet, batches, fileName } = await prepareExport(
          strapi,
          dataset,
          readAccess(strapi, ctx.state.userAbility),
          query
        );
        ctx.set('Content-Disposition', `attachment; filename="${fileName}"`);
        ctx.set('Cache-Control', 'no-store');
        if (format === 'xlsx') {
          ctx.set('Content-Type', XLSX_CONTENT_TYPE);
          ctx.body = workbookStream([sheet]);
        } else {
          ctx.set('Content-Type', 'text/csv; charset=utf-8');
          ctx.body = csvStream(fields, csvFormat, batches);
        }
      },
    },
  ],
};

export default exportsModule;
