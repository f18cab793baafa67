import { randomBytes } from 'crypto';
import ExcelJS from 'exceljs';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { download } from '../exports/helpers';

/**
 * The Excel export is written as a stream like the CSV: over ten batches of members, every row
 * exactly once in a chunked response, one query per batch; and while the reader does not read, the
 * export stops reading the database (the workbook writer waits for the zip and the response), so
 * only a few batches are ever in memory. No durations are asserted.
 */
describe(`Excel exports in batches (${DB_CLIENT})`, () => {
  let app: TestApp;
  const dist = process.env.TEST_DIST_DIR!;

  const { BATCH_SIZE, prepareExport } = require(`${dist}/src/back-office/exports/engine`);

  const { workbookStream } = require(`${dist}/src/back-office/exports/xlsx`);

  const { datasetByName } = require(`${dist}/src/back-office/exports/datasets`);
  // 20,123 rows, whatever the batch size
  const TOTAL = Math.ceil(20_000 / BATCH_SIZE) * BATCH_SIZE + 123;
  const BATCHES = Math.ceil(TOTAL / BATCH_SIZE);

  const countBatchQueries = () => {
    const counter = { n: 0 };
    const listener = (q: { sql: string }) => {
      if (q.sql.includes('AS "__id"')) counter.n += 1;
    };
    app.strapi.db.connection.on('query', listener);
    return { counter, stop: () => app.strapi.db.connection.off('query', listener) };
  };

  const names = async (body: Buffer) => {
    const wb = new ExcelJS.Workbook();
    // ExcelJS types the buffer as its own `Buffer` (an ArrayBuffer), which Node's Buffer no longer satisfies
    await wb.xlsx.load(body as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
    const ws = wb.worksheets[0];
    const column = (ws.getRow(1).values as ExcelJS.CellValue[]).indexOf('Nom');
    const out: string[] = [];
    ws.eachRow((row, n) => {
      if (n > 1) out.push(String(row.getCell(column).value));
    });
    return out;
  };

  beforeAll(async () => {
    app = await startStrapi();
    const model = app.strapi.db.metadata.get('api::member.member');
    const col = (field: string) => model.attributes[field].columnName ?? field;
    const rows = Array.from({ length: TOTAL }, (_, i) => ({
      document_id: randomBytes(12).toString('hex'),
      [col('memberNumber')]: i + 1,
      [col('lastName')]: `Nom${i + 1}`,
      [col('firstName')]: 'Prénom',
      [col('postalCode')]: '01000',
    }));
    await app.strapi.db.connection.batchInsert(model.tableName, rows, 500);
  }, 300_000);
  afterAll(() => app?.stop());

  it('streams every member exactly once, one query per batch, in a chunked response', async () => {
    const queries = countBatchQueries();
    const res = await download(app, '/back-office/exports/members.csv?format=xlsx');
    queries.stop();
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(await names(res.body)).toEqual(Array.from({ length: TOTAL }, (_, i) => `Nom${i + 1}`));
    expect(queries.counter.n).toBe(BATCHES);
  });

  it('stops reading the database while the reader does not read (memory stays flat)', async () => {
    const everything = { canReadType: () => true, canRead: () => true, isConditional: () => false };
    const queries = countBatchQueries();
    try {
      const { sheet } = await prepareExport(app.strapi, datasetByName('members'), everything, { format: 'xlsx' });
      const out = workbookStream([sheet]);
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve) => {
        out.once('data', (chunk: Buffer) => {
          out.pause();
          chunks.push(chunk);
          resolve();
        });
      });
      await new Promise((r) => setTimeout(r, 1000));
      const whilePaused = queries.counter.n;
      expect(whilePaused).toBeGreaterThanOrEqual(1);
      // at most 8,000 of the 20,123 rows read: the rows in memory do not grow with the export
      expect(whilePaused * BATCH_SIZE).toBeLessThanOrEqual(8000);
      out.on('data', (chunk: Buffer) => chunks.push(chunk));
      await new Promise((resolve, reject) => {
        out.on('end', resolve);
        out.on('error', reject);
        out.resume();
      });
      expect(queries.counter.n).toBe(BATCHES);
      expect(new Set(await names(Buffer.concat(chunks))).size).toBe(TOTAL);
    } finally {
      queries.stop();
    }
  });
});
