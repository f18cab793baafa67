import { startStrapi, TestApp, DB_CLIENT, SUPER_ADMIN } from '../helpers/strapi';

/**
 * Behind a proxy (IS_PROXIED=true, PROXY_HOPS=1), the client IP is the address the proxy appended,
 * the right-most X-Forwarded-For entry: an address the client writes itself in X-Forwarded-For is
 * not believed. The public rate limits and the admin login throttling cannot be dodged by changing it.
 * (Here the test client plays the proxy: it sends "<what the visitor wrote>, <the visitor's address>".)
 */
describe(`client address behind a proxy (${DB_CLIENT})`, () => {
  let app: TestApp;
  const forwarded = (spoofed: string, real: string) => `${spoofed}, ${real}`;

  beforeAll(async () => {
    app = await startStrapi({ env: { IS_PROXIED: 'true', PROXY_HOPS: '1', ADMIN_RATE_LIMIT: 'true', SUBSCRIBE_RATE_PER_MINUTE: '3' } });
  }, 300_000); // a boot can be slow on a busy machine
  afterAll(() => app?.stop());

  const subscribe = (xff: string) => app.http().post('/api/subscribers').set('X-Forwarded-For', xff).send({ email: 'pas-une-adresse' });

  it('a public form: a new X-Forwarded-For value at each request does not escape the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await subscribe(forwarded(`10.0.0.${i}`, '203.0.113.10'))).status);
    expect(statuses.slice(0, 3)).toEqual([400, 400, 400]);
    expect(statuses.slice(3)).toEqual([429, 429, 429]);
    const blocked = await subscribe(forwarded('198.51.100.99', '203.0.113.10'));
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.message).toMatch(/^Trop de demandes depuis cette adresse/);
    // another visitor (another address appended by the proxy) is not blocked
    expect((await subscribe(forwarded('10.0.0.1', '203.0.113.11'))).status).toBe(400);
    // nor is a visitor the proxy reports alone
    expect((await subscribe('203.0.113.12')).status).toBe(400);
  });

  it('the admin login throttling: a new X-Forwarded-For value at each attempt does not escape it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await app
        .http()
        .post('/admin/login')
        .set('X-Forwarded-For', forwarded(`10.1.0.${i}`, '203.0.113.20'))
        .send({ email: SUPER_ADMIN.email, password: `Mauvais-${i}-Essai` });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 3)).toEqual([400, 400, 400]);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    // the right password waits too, from that address, whatever it writes
    const right = await app
      .http()
      .post('/admin/login')
      .set('X-Forwarded-For', forwarded('10.1.1.1', '203.0.113.20'))
      .send({ email: SUPER_ADMIN.email, password: SUPER_ADMIN.password });
    expect(right.status).toBe(429);
    // the president, from another address, logs in
    const other = await app
      .http()
      .post('/admin/login')
      .set('X-Forwarded-For', forwarded('203.0.113.20', '203.0.113.21'))
      .send({ email: SUPER_ADMIN.email, password: SUPER_ADMIN.password });
    expect(other.status).toBe(200);
  });
});
