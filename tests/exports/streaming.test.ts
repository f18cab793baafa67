import { randomBytes } from 'crypto';
import { startStrapi, TestApp, DB_CLIENT } from '../helpers/strapi';
import { download, parseCsv } from './helpers';

/**
 * "Rows read from the database in batches and streamed to the response: memory stays flat
 * whatever the size". Over ten batches of members: every row exactly once across the batch
 * boundaries, one query per batch, a chunked response; and, reading the CSV stream slowly, the
 * export stops reading the database until the reader catches up (back-pressure), so only a couple
 * of batches are ever in memory. No durations are asserted.
 */
describe(`CSV exports in batches (${DB_CLIENT})`, () => {
  let app: TestApp;
  const dist = process.env.TEST_DIST_DIR!;

  const { BATCH_SIZE, prepareExport, csvStream } = require(`${dist}/src/back-office/exports/engine`);

  const { datasetByName } = require(`${dist}/src/back-office/exports/datasets`);
  // 20,123 rows, whatever the batch size
  const TOTAL = Math.ceil(20_000 / BATCH_SIZE) * BATCH_SIZE + 123;
  const BATCHES = Math.ceil(TOTAL / BATCH_SIZE); // the last one is short: no extra query

  /** Counts the batch queries of the exports (they select the row id as "__id"). */
  const countBatchQueries = () => {
    const counter = { n: 0 };
    const listener = (q: { sql: string }) => {
      if (q.sql.includes('AS "__id"')) counter.n += 1;
    };
    app.strapi.db.connection.on('query', listener);
    return { counter, stop: () => app.strapi.db.connection.off('query', listener) };
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
    }));
    await app.strapi.db.connection.batchInsert(model.tableName, rows, 500);
  }, 300_000); // a boot can be slow on a busy machine
  afterAll(() => app?.stop());

  it('streams every member exactly once, one query per batch, in a chunked response', async () => {
    const queries = countBatchQueries();
    const res = await download(app, '/back-office/exports/members.csv');
    queries.stop();
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const { rows } = parseCsv(res.body);
    expect(rows).toHaveLength(TOTAL);
    expect(rows.map((r) => r['Nom'])).toEqual(Array.from({ length: TOTAL }, (_, i) => `Nom${i + 1}`));
    expect(queries.counter.n).toBe(BATCHES);
  });

  it('stops reading the database while the reader does not read (memory stays flat)', async () => {
    const everything = { canReadType: () => true, canRead: () => true, isConditional: () => false };
    const queries = countBatchQueries();
    try {
      const { fields, format, batches } = await prepareExport(app.strapi, datasetByName('members'), everything, {});
      const out = csvStream(fields, format, batches);
      const chunks: Buffer[] = [];
      // read one chunk, then stop reading for a while: the pipeline must not run ahead to the end
      await new Promise<void>((resolve) => {
        out.once('data', (chunk: Buffer | string) => {
          out.pause();
          chunks.push(Buffer.from(chunk));
          resolve();
        });
      });
      await new Promise((r) => setTimeout(r, 500));
      const whilePaused = queries.counter.n;
      expect(whilePaused).toBeGreaterThanOrEqual(1);
      // at most 8,000 of the 20,123 rows read: the rows in memory do not grow with the export
      expect(whilePaused * BATCH_SIZE).toBeLessThanOrEqual(8000);
      // the reader goes on: the rest follows, every row once
      out.on('data', (chunk: Buffer | string) => chunks.push(Buffer.from(chunk)));
      await new Promise((resolve, reject) => {
        out.on('end', resolve);
        out.on('error', reject);
        out.resume();
      });
      expect(queries.counter.n).toBe(BATCHES);
      const { rows } = parseCsv(Buffer.concat(chunks));
      expect(rows).toHaveLength(TOTAL);
      expect(new Set(rows.map((r) => r['Nom'])).size).toBe(TOTAL);
    } finally {
      queries.stop();
    }
  });
});
