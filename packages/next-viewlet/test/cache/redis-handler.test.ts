import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCacheCore } from '../../src/cache/cache-core.ts';
import { guardStore } from '../../src/cache/guarded-store.ts';
import { createCacheHandler, type ViewletCacheHandler } from '../../src/cache/next-cache-handler.ts';
import { createRedisStore } from '../../src/stores/redis-store.ts';
import { makeEntry, readText } from '../support/cache-entries.ts';
import { chaosStore } from '../support/chaos-store.ts';
import { randomPrefix, useRedisServer } from '../support/redis-server.ts';
import { failOnUnhandledRejections } from '../support/unhandled-rejections.ts';
import { describeCacheHandler } from './handler-suite.ts';

const redis = useRedisServer();

describeCacheHandler({ name: 'redis', shared: true, create: (prefix) => createRedisStore({ url: redis.server.url, prefix }) });

describe('cache handler on redis: stampede lock', () => {
  failOnUnhandledRejections();
  const opened: ViewletCacheHandler[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((h) => h.close()));
  });
  /** Two instances on one namespace, each behind a chaos store that counts its calls. */
  const pair = (options: { lockWaitMs?: number; lockLeaseMs?: number } = {}) => {
    const prefix = randomPrefix('lock');
    return [0, 1].map(() => {
      const store = chaosStore(createRedisStore({ url: redis.server.url, prefix }));
      const handler = createCacheHandler({ store, ...options });
      opened.push(handler);
      return { handler, store };
    }) as [
      { handler: ViewletCacheHandler; store: ReturnType<typeof chaosStore> },
      { handler: ViewletCacheHandler; store: ReturnType<typeof chaosStore> },
    ];
  };

  it("a miss on B waits for A's in-flight fill and returns A's entry", async () => {
    const [a, b] = pair({ lockWaitMs: 5000 });
    expect(await a.handler.get('k', [])).toBeUndefined(); // A takes the fill lock and renders
    b.store.resetCalls();
    const waiting = b.handler.get('k', []);
    await vi.waitFor(() => expect(b.store.calls.getMany).toBeGreaterThanOrEqual(2)); // B is polling for A's entry
    await a.handler.set('k', Promise.resolve(makeEntry({ value: 'rendered once' })));
    expect(await readText(await waiting)).toBe('rendered once');
    expect(b.store.calls.set).toBe(0);
  });

  it('the wait is bounded when the filler never stores: the waiter gives up and renders', async () => {
    const [a, b] = pair({ lockWaitMs: 300 });
    expect(await a.handler.get('k', [])).toBeUndefined();
    b.store.resetCalls();
    expect(await b.handler.get('k', [])).toBeUndefined();
    expect(b.store.calls.getMany).toBeGreaterThanOrEqual(2); // it did wait, polling
    const [, lock] = await b.store.getMany(['e:{x}', b.store.keys.find((key) => key.startsWith('l:'))!]);
    expect(lock).not.toBeNull(); // A's lease still runs: B stopped because its wait ended
  });

  it('waiters stop at once when the filler gives up (its entry was not cacheable)', async () => {
    const [a, b] = pair({ lockWaitMs: 10_000 });
    expect(await a.handler.get('k', [])).toBeUndefined();
    b.store.resetCalls();
    const waiting = b.handler.get('k', []);
    await vi.waitFor(() => expect(b.store.calls.getMany).toBeGreaterThanOrEqual(2));
    await a.handler.set('k', Promise.resolve(makeEntry({ revalidate: 0, expire: 0 }))); // a failure: not stored, lock released
    const polls = b.store.calls.getMany;
    expect(await waiting).toBeUndefined();
    // It stopped at the next poll, long before its 10 s wait (which would take ~40 polls).
    expect(b.store.calls.getMany - polls).toBeLessThanOrEqual(2);
  });

  it('a fill that never stores (Next calls no set() after a failed render) does not make its own instance wait', async () => {
    const [a, b] = pair({ lockWaitMs: 5000 });
    expect(await a.handler.get('k', [])).toBeUndefined(); // A takes the lock; the render throws, so no set() follows
    a.store.resetCalls();
    expect(await a.handler.get('k', [])).toBeUndefined(); // the next request on A renders at once
    expect(a.store.calls.setIfAbsent).toBe(0);
    expect(a.store.calls.getMany).toBe(1); // its read, and no polling
    // B still defers to A's lease, and gets the entry of A's second render.
    b.store.resetCalls();
    const waiting = b.handler.get('k', []);
    await vi.waitFor(() => expect(b.store.calls.getMany).toBeGreaterThanOrEqual(2));
    await a.handler.set('k', Promise.resolve(makeEntry({ value: 'second try' })));
    expect(await readText(await waiting)).toBe('second try');
  });

  it('a lock taken by a SET NX whose reply came too late is still released', async () => {
    const prefix = randomPrefix('lock');
    const slow = chaosStore(createRedisStore({ url: redis.server.url, prefix }));
    slow.replyDelayMs.setIfAbsent = 600; // applied at once, answered after the deadline
    const a = createCacheHandler({ store: slow, timeoutMs: 200, lockWaitMs: 5000 });
    const bStore = chaosStore(createRedisStore({ url: redis.server.url, prefix }));
    const b = createCacheHandler({ store: bStore, lockWaitMs: 5000 });
    opened.push(a, b);
    expect(await a.get('k', [])).toBeUndefined(); // the lock call timed out: A renders
    await vi.waitFor(() => expect(slow.calls.setIfAbsent).toBe(1));
    await a.set('k', Promise.resolve(makeEntry({ revalidate: 0, expire: 0 }))); // nothing to store: release
    await expect.poll(async () => (await bStore.getMany([slow.keys.find((key) => key.startsWith('l:'))!]))[0]).toBeNull();
    bStore.resetCalls();
    expect(await b.get('k', [])).toBeUndefined(); // B takes the lock at once instead of waiting for A's
    expect(bStore.calls.getMany).toBe(2); // the miss, and one read of the entry after taking the lock: no polling
  });

  it('a lock outlives no lease: after it, another instance fills', async () => {
    const [a, b] = pair({ lockLeaseMs: 200, lockWaitMs: 100 });
    expect(await a.handler.get('k', [])).toBeUndefined();
    const lockKey = a.store.keys.find((key) => key.startsWith('l:'))!;
    await expect.poll(async () => (await b.store.getMany([lockKey]))[0]).toBeNull(); // the lease ran out
    expect(await b.handler.get('k', [])).toBeUndefined(); // B took the expired lock: it renders
    await b.handler.set('k', Promise.resolve(makeEntry({ value: 'B' })));
    expect(await readText(await a.handler.get('k', []))).toBe('B');
  });
});

describe('cache handler on redis: outages', () => {
  failOnUnhandledRejections();

  it('degrades to the first tier and misses while redis is down, the circuit opens, and it all recovers', async () => {
    const prefix = randomPrefix('outage');
    const store = chaosStore(createRedisStore({ url: redis.server.url, prefix, timeoutMs: 200 }));
    const core = createCacheCore({ store, timeoutMs: 200, failureThreshold: 3, cooldownMs: 400, lockWaitMs: 100 });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await core.set('k', Promise.resolve(makeEntry({ value: 'cached' })));
      await redis.server.stop();

      // The first tier still answers for what this instance has.
      expect(await readText(await core.get('k', []))).toBe('cached');
      // A miss costs one read (no lock attempt without a store), and never throws.
      store.resetCalls();
      expect(await core.get('absent', [])).toBeUndefined();
      expect(store.calls).toMatchObject({ getMany: 1, setIfAbsent: 0 });
      await core.refreshTags();
      expect((await core.updateTags(['t'])).recorded).toBe(false);
      await core.set('k2', Promise.resolve(makeEntry()));
      await expect.poll(() => core.store.breaker.state).toBe('open');

      // Open: calls fail fast, without reaching the store.
      store.resetCalls();
      expect(await core.get('absent-2', [])).toBeUndefined();
      expect(store.calls.getMany).toBe(0);

      await redis.server.start();
      await expect
        .poll(
          async () => {
            await core.set('after', Promise.resolve(makeEntry({ value: 'back' })));
            return core.store.breaker.state;
          },
          { timeout: 15_000, interval: 100 },
        )
        .toBe('closed');
      // Written through to redis again: a second instance sees it, and the missed invalidation lands.
      const other = createCacheCore({ store: createRedisStore({ url: redis.server.url, prefix }) });
      expect(await readText(await other.get('after', []))).toBe('back');
      await expect.poll(() => core.pendingInvalidations(), { timeout: 15_000 }).toBe(0);
      await other.close();
    } finally {
      warn.mockRestore();
      await core.close();
    }
  });
});

describe('circuit breaker on redis: a first failure is confirmed', () => {
  failOnUnhandledRejections();
  // A paused server (SIGSTOP): connected, silent. Resumed after every test whatever happened.
  const pause = () => process.kill(redis.server.pid as number, 'SIGSTOP');
  const resume = () => process.kill(redis.server.pid as number, 'SIGCONT');
  afterEach(resume);
  const quiet = { debug() {}, warn() {}, error() {}, warnOnce() {}, clearWarning: () => false };
  const guarded = () => {
    const store = chaosStore(createRedisStore({ url: redis.server.url, prefix: randomPrefix('confirm') }));
    return { store, guarded: guardStore(store, { timeoutMs: 200, confirmTimeoutMs: 300, failureThreshold: 5, log: quiet }) };
  };

  it('a hung store opens the circuit after one read deadline and the check, not after a second read', async () => {
    const { store, guarded: g } = guarded();
    try {
      await store.getMany(['warm']); // connected (unguarded: connecting may take longer than the deadline)
      store.resetCalls();
      pause();
      await expect(g.getMany(['k'])).rejects.toMatchObject({ code: 'E_STORE_TIMEOUT' });
      await expect.poll(() => g.breaker.state).toBe('open');
      expect(store.calls).toMatchObject({ getMany: 1, time: 1 }); // one read, one check
    } finally {
      resume();
      await g.close();
    }
  });

  it('a single slow reply does not: the check queued behind it is answered', async () => {
    const { store, guarded: g } = guarded();
    try {
      await store.getMany(['warm']);
      store.resetCalls();
      pause();
      await expect(g.getMany(['k'])).rejects.toMatchObject({ code: 'E_STORE_TIMEOUT' });
      await expect.poll(() => store.calls.time).toBe(1); // the check went out
      resume(); // the store answers again, late for the read, in time for the check
      await store.time(); // replies come in order on one connection: the check was answered before this
      expect(g.breaker.state).toBe('closed');
    } finally {
      await g.close();
    }
  });
});
