import { afterEach, describe, expect, it } from 'vitest';
import { createCacheHandler, type ViewletCacheHandler } from '../../src/cache/next-cache-handler.ts';
import { createCacheCore } from '../../src/cache/cache-core.ts';
import { createRedisStore } from '../../src/stores/redis-store.ts';
import { makeEntry, readText } from '../support/cache-entries.ts';
import { chaosStore } from '../support/chaos-store.ts';
import { randomPrefix, useRedisServer } from '../support/redis-server.ts';
import { failOnUnhandledRejections, sleep } from '../support/unhandled-rejections.ts';
import { describeCacheHandler } from './handler-suite.ts';

const redis = useRedisServer();

describeCacheHandler({
  name: 'redis',
  shared: true,
  create: (prefix) => createRedisStore({ url: redis.server.url, prefix, timeoutMs: 500 }),
});

describe('cache handler on redis: stampede lock', () => {
  failOnUnhandledRejections();
  const opened: ViewletCacheHandler[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((h) => h.close()));
  });
  const pair = (options: { lockWaitMs?: number; lockLeaseMs?: number } = {}) => {
    const prefix = randomPrefix('lock');
    return [0, 1].map(() => {
      const h = createCacheHandler({ store: createRedisStore({ url: redis.server.url, prefix }), ...options });
      opened.push(h);
      return h;
    }) as [ViewletCacheHandler, ViewletCacheHandler];
  };

  it("a miss on B waits for A's in-flight fill and returns A's entry", async () => {
    const [a, b] = pair({ lockWaitMs: 3000 });
    expect(await a.get('k', [])).toBeUndefined(); // A takes the fill lock and renders
    const started = Date.now();
    const waiting = b.get('k', []);
    await sleep(150);
    await a.set('k', Promise.resolve(makeEntry({ value: 'rendered once', timestamp: started })));
    expect(await readText(await waiting)).toBe('rendered once');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('the wait is bounded when the filler never stores', async () => {
    const [a, b] = pair({ lockWaitMs: 300 });
    expect(await a.get('k', [])).toBeUndefined();
    const started = Date.now();
    expect(await b.get('k', [])).toBeUndefined();
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(900);
  });

  it('waiters stop at once when the filler gives up (its entry was not cacheable)', async () => {
    const [a, b] = pair({ lockWaitMs: 3000 });
    expect(await a.get('k', [])).toBeUndefined();
    const started = Date.now();
    const waiting = b.get('k', []);
    await sleep(100);
    await a.set('k', Promise.resolve(makeEntry({ revalidate: 0, expire: 0 }))); // a failure: not stored, lock released
    expect(await waiting).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a fill that never stores (Next calls no set() after a failed render) does not make its own instance wait', async () => {
    const [a, b] = pair({ lockWaitMs: 1000 });
    expect(await a.get('k', [])).toBeUndefined(); // A takes the lock; the render throws, so no set() follows
    let started = Date.now();
    expect(await a.get('k', [])).toBeUndefined(); // the next request on A renders at once
    expect(Date.now() - started).toBeLessThan(200);
    // B still defers to A's lease, and gets the entry of A's second render.
    started = Date.now();
    const waiting = b.get('k', []);
    await sleep(100);
    await a.set('k', Promise.resolve(makeEntry({ value: 'second try' })));
    expect(await readText(await waiting)).toBe('second try');
    expect(Date.now() - started).toBeLessThan(800);
  });

  it('a lock taken by a SET NX whose reply came too late is still released', async () => {
    const prefix = randomPrefix('lock');
    const slow = chaosStore(createRedisStore({ url: redis.server.url, prefix }));
    slow.replyDelayMs.setIfAbsent = 400; // applied at once, answered after the deadline
    const a = createCacheHandler({ store: slow, timeoutMs: 200, lockWaitMs: 3000 });
    const b = createCacheHandler({ store: createRedisStore({ url: redis.server.url, prefix }), lockWaitMs: 3000 });
    opened.push(a, b);
    expect(await a.get('k', [])).toBeUndefined(); // the lock call timed out: A renders
    await sleep(300); // the late reply arrives
    await a.set('k', Promise.resolve(makeEntry({ revalidate: 0, expire: 0 }))); // nothing to store: release
    const started = Date.now();
    expect(await b.get('k', [])).toBeUndefined(); // B takes the lock at once instead of waiting for A's
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a lock outlives no lease: after it, another instance fills', async () => {
    const [a, b] = pair({ lockLeaseMs: 200, lockWaitMs: 100 });
    expect(await a.get('k', [])).toBeUndefined();
    await sleep(250);
    expect(await b.get('k', [])).toBeUndefined(); // B took the expired lock: it renders
    await b.set('k', Promise.resolve(makeEntry({ value: 'B' })));
    expect(await readText(await a.get('k', []))).toBe('B');
  });
});

describe('cache handler on redis: outages', () => {
  failOnUnhandledRejections();

  it('degrades to the first tier and misses while redis is down, the circuit opens, and it all recovers', async () => {
    const prefix = randomPrefix('outage');
    const core = createCacheCore({
      store: createRedisStore({ url: redis.server.url, prefix, timeoutMs: 200 }),
      timeoutMs: 200,
      failureThreshold: 3,
      cooldownMs: 400,
      lockWaitMs: 100,
    });
    try {
      await core.set('k', Promise.resolve(makeEntry({ value: 'cached' })));
      await redis.server.stop();

      // The first tier still answers for what this instance has.
      expect(await readText(await core.get('k', []))).toBe('cached');
      // A miss costs at most one deadline (no lock attempt without a store), and never throws.
      let started = Date.now();
      expect(await core.get('absent', [])).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(380);
      await core.refreshTags();
      await core.updateTags(['t']);
      await core.set('k2', Promise.resolve(makeEntry()));
      expect(core.store.breaker.state).toBe('open');

      // Open: calls fail fast instead of waiting for timeouts.
      started = Date.now();
      expect(await core.get('absent-2', [])).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(50);

      await redis.server.start();
      await sleep(450); // cool-down, then a probe
      let recovered = false;
      for (let i = 0; i < 40 && !recovered; i++) {
        await core.set('after', Promise.resolve(makeEntry({ value: 'back' })));
        recovered = core.store.breaker.state === 'closed';
        if (!recovered) await sleep(100);
      }
      expect(recovered).toBe(true);
      // Written through to redis again: a second instance sees it.
      const other = createCacheCore({ store: createRedisStore({ url: redis.server.url, prefix }) });
      expect(await readText(await other.get('after', []))).toBe('back');
      await other.close();
    } finally {
      await core.close();
    }
  });
});
