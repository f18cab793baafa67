import { spawnSync } from 'child_process';
import crypto from 'crypto';
import path from 'path';

/**
 * The rate limits in Redis (REDIS_URL): two processes of the back-office count in one place. Each
 * "process" here is a separate copy of the compiled store module (its own Redis connection, its own
 * memory), as two instances would have. Needs the Redis server of the machine (127.0.0.1:6379):
 * skipped, saying so, when it does not answer.
 */
const REDIS_URL = 'redis://127.0.0.1:6379';

/** Whether Redis answers PING within a second (asked from a child process: the suite decides before it starts). */
const redisAnswers = () => {
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `const s=require('net').connect(6379,'127.0.0.1');s.setTimeout(1000,()=>process.exit(1));s.on('error',()=>process.exit(1));` +
        `s.on('connect',()=>s.write('PING\\r\\n'));s.on('data',d=>process.exit(String(d).startsWith('+PONG')?0:1));`,
    ],
    { timeout: 3000 }
  );
  return probe.status === 0;
};

const reachable = redisAnswers();
const withRedis = reachable ? describe : describe.skip;

withRedis(`rate limits in Redis${reachable ? '' : ' (ignoré : Redis ne répond pas sur 127.0.0.1:6379)'}`, () => {
  type Store = typeof import('../../src/utils/rate-limit-store');
  type LoginStore = typeof import('../../src/utils/strapi-limiter-store');
  const copies: Array<{ store: Store; login: LoginStore }> = [];
  const saved = process.env.REDIS_URL;

  beforeAll(() => {
    process.env.REDIS_URL = REDIS_URL;
    const dist = process.env.TEST_DIST_DIR!;
    for (let i = 0; i < 2; i++) {
      jest.isolateModules(() => {
        copies.push({
          store: require(path.join(dist, 'src/utils/rate-limit-store')),
          login: require(path.join(dist, 'src/utils/strapi-limiter-store')),
        });
      });
    }
  });
  afterAll(async () => {
    await Promise.all(copies.map((c) => c.store.closeRateLimitStore()));
    if (saved === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = saved;
  });

  it('counts the requests of one visitor made on either process, and only theirs', async () => {
    expect(copies[0].store).not.toBe(copies[1].store);
    expect(copies.map((c) => c.store.storeKind(undefined))).toEqual(['redis', 'redis']);
    // a name of its own at each run: the counts stay in Redis for the window
    const limit = { name: `test-${crypto.randomUUID()}`, max: 3, windowMs: 60_000 };
    const counts: number[] = [];
    for (let n = 0; n < 5; n++) counts.push((await copies[n % 2].store.hit(undefined, limit, '203.0.113.7')).count);
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    const hit = await copies[1].store.hit(undefined, limit, '203.0.113.8');
    expect(hit.count).toBe(1);
    expect(hit.resetInMs).toBeGreaterThan(0);
    expect(hit.resetInMs).toBeLessThanOrEqual(60_000);
  });

  it('counts the admin login attempts of both processes in the store Strapi is given', async () => {
    const name = `admin-login-${crypto.randomUUID()}`;
    const stores = copies.map((c) => c.login.strapiLimiterStore(name));
    const options = { interval: 5 * 60_000, max: 5 };
    const key = 'president@test.local:/admin/login:203.0.113.9|203.0.113.9';
    const counters: number[] = [];
    for (let n = 0; n < 6; n++) counters.push((await stores[n % 2].incr(key, options)).counter);
    // Strapi refuses beyond max (5): the 6th attempt, whichever process gets it
    expect(counters).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
