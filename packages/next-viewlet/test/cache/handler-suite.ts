/**
 * The cache handler's behaviour, run against every store (memory, redis,
 * redis-cluster, upstash, and the memory store presented as shared): what Next
 * sees through get / set / refreshTags / getExpiration / updateTags. Time moves
 * for real here (the shared stores keep their own clock): transitions are
 * awaited by polling for the condition, never by sleeping.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetStats, stats } from '../../src/cache/cache-stats.ts';
import { createCacheHandler, type CacheHandlerOptions, type ViewletCacheHandler } from '../../src/cache/next-cache-handler.ts';
import type { ViewletStore } from '../../src/stores/types.ts';
import { failingStream, makeEntry, readText } from '../support/cache-entries.ts';
import { chaosStore } from '../support/chaos-store.ts';
import { deferred } from '../support/manual-clock.ts';
import { randomPrefix } from '../support/redis-server.ts';
import { failOnUnhandledRejections } from '../support/unhandled-rejections.ts';

export interface HandlerTarget {
  name: string;
  /** A new store on the shared backend, with this prefix. */
  create(prefix: string): ViewletStore;
  /** Whether the store is shared between processes (its `shared` flag). */
  shared: boolean;
}

const YEAR_S = 31_536_000;
/** Lets pending callbacks and I/O run (turns of the event loop, not a duration). */
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Tests that need two processes on one store: only for shared stores. */
function describeSharedBackend(target: HandlerTarget, body: () => void): void {
  if (target.shared) body();
  else {
    it('an unshared store: entries stay decoded in process, refreshTags makes no store call', async () => {
      const store = chaosStore(target.create(randomPrefix(target.name)));
      const h = createCacheHandler({ store });
      await h.set('k', Promise.resolve(makeEntry({ value: 'local', tags: ['t'] })));
      store.resetCalls();
      await h.refreshTags();
      expect(await readText(await h.get('k', ['_N_T_/page']))).toBe('local');
      expect(store.calls.set).toBe(0);
      expect(store.calls.readJournal).toBe(0);
      await h.updateTags(['t']);
      expect(await h.get('k', [])).toBeUndefined();
      await h.close();
    });
  }
}

export function describeCacheHandler(target: HandlerTarget): void {
  describe(`cache handler on ${target.name}`, () => {
    failOnUnhandledRejections();
    const opened: ViewletCacheHandler[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((h) => h.close()));
    });
    /** Handlers made by one call share one backend namespace (like instances of one app), each behind a chaos store. */
    const handlers = (count: number, options: CacheHandlerOptions = {}) => {
      const prefix = randomPrefix(target.name);
      return Array.from({ length: count }, () => {
        const store = chaosStore(target.create(prefix));
        const handler = createCacheHandler({ timeoutMs: 500, ...options, store });
        opened.push(handler);
        return { handler, store };
      });
    };
    const one = (options?: CacheHandlerOptions) => handlers(1, options)[0]!.handler;

    it('misses, then hits with the stored value and metadata, a new stream each time', async () => {
      const h = one();
      expect(await h.get('k', [])).toBeUndefined();
      const timestamp = Date.now() - 10;
      await h.set(
        'k',
        Promise.resolve(makeEntry({ value: '<p>ünïcode</p>', tags: ['a', 'b'], timestamp, revalidate: 60, expire: 600, stale: 5 })),
      );
      const first = await h.get('k', []);
      expect(first).toMatchObject({ tags: ['a', 'b'], revalidate: 60, expire: 600, stale: 5 });
      expect(Math.abs(first!.timestamp - timestamp)).toBeLessThanOrEqual(5);
      expect(await readText(first)).toBe('<p>ünïcode</p>');
      expect(await readText(await h.get('k', []))).toBe('<p>ünïcode</p>');
    });

    it('keeps binary values byte for byte', async () => {
      const h = one();
      const bytes = new Uint8Array(4096).map((_, i) => (i * 131) % 256);
      await h.set('bin', Promise.resolve(makeEntry({ value: bytes })));
      const got = await h.get('bin', []);
      expect(new Uint8Array(await new Response(got!.value).arrayBuffer())).toEqual(bytes);
    });

    it('serves an entry past revalidate but before expire (stale-while-revalidate by time)', async () => {
      const h = one();
      await h.set('k', Promise.resolve(makeEntry({ timestamp: Date.now() - 3000, revalidate: 1, expire: 60 })));
      const got = await h.get('k', []);
      expect(got).toBeDefined();
      // Next sees timestamp + revalidate in the past: it serves this and re-renders in the background.
      expect(got!.timestamp + got!.revalidate * 1000).toBeLessThan(Date.now());
      expect(await readText(got)).toBe('hello');
    });

    it('drops an entry once it expires', async () => {
      const h = one();
      await h.set('k', Promise.resolve(makeEntry({ timestamp: Date.now() - 800, revalidate: 1, expire: 1 })));
      expect(await h.get('k', [])).toBeDefined();
      await expect.poll(() => h.get('k', []), { timeout: 3000, interval: 25 }).toBeUndefined();
    });

    it('soft invalidation: stale (revalidate -1) until the invalidation expires, not a miss', async () => {
      const h = one();
      await h.set('k', Promise.resolve(makeEntry({ tags: ['product:1'], timestamp: Date.now() - 50 })));
      await h.set('other', Promise.resolve(makeEntry({ tags: ['product:2'], timestamp: Date.now() - 50 })));
      await h.updateTags(['product:1'], { expire: YEAR_S }); // revalidateTag(tag, 'max')
      const got = await h.get('k', []);
      expect(got?.revalidate).toBe(-1);
      expect(await readText(got)).toBe('hello');
      expect((await h.get('other', []))?.revalidate).toBe(60);
      // The background re-render stores a new generation: fresh again.
      await h.set('k', Promise.resolve(makeEntry({ value: 'new', tags: ['product:1'] })));
      const renewed = await h.get('k', []);
      expect(renewed?.revalidate).toBe(60);
      expect(await readText(renewed)).toBe('new');
    });

    it('soft invalidation with a short expiry: stale first, a miss once it has passed', async () => {
      const h = one();
      await h.set('k', Promise.resolve(makeEntry({ tags: ['t'], timestamp: Date.now() - 50 })));
      await h.updateTags(['t'], { expire: 1 });
      expect((await h.get('k', []))?.revalidate).toBe(-1);
      await expect.poll(() => h.get('k', []), { timeout: 4000, interval: 50 }).toBeUndefined();
    });

    it('hard invalidation (no durations) expires tagged entries at once, and only those', async () => {
      const h = one();
      await h.set('k', Promise.resolve(makeEntry({ tags: ['t', 'u'], timestamp: Date.now() - 50 })));
      await h.set('other', Promise.resolve(makeEntry({ tags: ['u'], timestamp: Date.now() - 50 })));
      await h.updateTags(['t']);
      expect(await h.get('k', [])).toBeUndefined();
      expect(await h.get('other', [])).toBeDefined();
    });

    it('a soft invalidation after a hard one keeps older entries expired', async () => {
      const { handler: h, store } = handlers(1)[0]!;
      await h.set('old', Promise.resolve(makeEntry({ tags: ['t'], timestamp: Date.now() - 500 })));
      await h.updateTags(['t']);
      const afterHard = (await store.time()) + 1;
      await expect.poll(() => store.time()).toBeGreaterThan(afterHard);
      await h.set('mid', Promise.resolve(makeEntry({ tags: ['t'], timestamp: afterHard })));
      await expect.poll(() => store.time()).toBeGreaterThan(afterHard + 1);
      await h.updateTags(['t'], { expire: YEAR_S });
      expect(await h.get('old', [])).toBeUndefined();
      expect((await h.get('mid', []))?.revalidate).toBe(-1);
    });

    it('checks soft (implicit) tags in get and reports Infinity from getExpiration', async () => {
      const h = one();
      expect(await h.getExpiration(['_N_T_/products'])).toBe(Number.POSITIVE_INFINITY);
      await h.set('k', Promise.resolve(makeEntry({ timestamp: Date.now() - 50 })));
      expect(await h.get('k', ['_N_T_/products'])).toBeDefined();
      await h.updateTags(['_N_T_/products'], { expire: YEAR_S });
      expect((await h.get('k', ['_N_T_/products']))?.revalidate).toBe(-1);
      expect((await h.get('k', ['_N_T_/elsewhere']))?.revalidate).toBe(60);
      await h.updateTags(['_N_T_/products']);
      expect(await h.get('k', ['_N_T_/products'])).toBeUndefined();
    });

    it('an invalidation during the render counts: the entry is judged by when its generation started', async () => {
      const h = one();
      const started = Date.now() - 100;
      await h.updateTags(['t']); // lands while the render is running
      await h.set('hard', Promise.resolve(makeEntry({ tags: ['t'], timestamp: started })));
      expect(await h.get('hard', [])).toBeUndefined();
      await h.updateTags(['s'], { expire: YEAR_S });
      await h.set('soft', Promise.resolve(makeEntry({ tags: ['s'], timestamp: started })));
      expect((await h.get('soft', []))?.revalidate).toBe(-1);
    });

    it('a get waits for a pending set of the same key', async () => {
      const h = one();
      const entry = deferred<ReturnType<typeof makeEntry>>();
      const setDone = h.set('k', entry.promise);
      let resolved = false;
      const reading = h.get('k', []).then((got) => {
        resolved = true;
        return got;
      });
      await turns();
      expect(resolved).toBe(false);
      entry.resolve(makeEntry({ value: 'filled' }));
      expect(await readText(await reading)).toBe('filled');
      await setDone;
    });

    it('does not store what must not be stored: oversize, failed streams, failures, expire 0, revalidate 0', async () => {
      const h = one({ maxEntryBytes: 1000 });
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      try {
        await h.set('big', Promise.resolve(makeEntry({ value: 'x'.repeat(1001) })));
        await h.set('big', Promise.resolve(makeEntry({ value: 'x'.repeat(1001) })));
        expect(warn.mock.calls.filter(([line]) => String(line).includes('maxEntryBytes'))).toHaveLength(1);
      } finally {
        warn.mockRestore();
      }
      await h.set('broken', Promise.resolve({ ...makeEntry(), value: failingStream() }));
      await h.set('failure', Promise.resolve(makeEntry({ revalidate: 0, expire: 0, stale: 0 })));
      await h.set('expire0', Promise.resolve(makeEntry({ expire: 0 })));
      await h.set('revalidate0', Promise.resolve(makeEntry({ revalidate: 0 })));
      await h.set('rejected', Promise.reject(new Error('generation failed')));
      await h.set('fits', Promise.resolve(makeEntry({ value: 'x'.repeat(1000) })));
      for (const key of ['big', 'broken', 'failure', 'expire0', 'revalidate0', 'rejected']) {
        expect(await h.get(key, []), key).toBeUndefined();
      }
      expect(await readText(await h.get('fits', []))).toHaveLength(1000);
    });

    it('counts hits, stale hits and misses per store', async () => {
      resetStats();
      const h = one();
      await h.get('nothing', []);
      await h.set('k', Promise.resolve(makeEntry({ tags: ['t'] })));
      await h.get('k', []);
      await h.updateTags(['t'], { expire: 60 });
      await h.get('k', []);
      expect(stats()[target.name]).toMatchObject({ miss: 1, hit: 1, stale: 1, set: 1 });
    });

    it('never throws and never waits out a slow store: reads give up at the deadline', async () => {
      const { handler: h, store } = handlers(1, { timeoutMs: 100, failureThreshold: 1000 })[0]!;
      store.delayMs = 3000;
      resetStats();
      expect(await h.get('k', ['_N_T_/x'])).toBeUndefined();
      expect(stats()[target.name]?.error).toBeGreaterThan(0);
      store.delayMs = 0;
      store.failing = true;
      await expect(h.refreshTags()).resolves.toBeUndefined();
      await expect(h.getExpiration(['a'])).resolves.toBe(Number.POSITIVE_INFINITY);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      await expect(h.updateTags(['a'])).resolves.toBeUndefined();
      warn.mockRestore();
      await expect(h.set('k', Promise.resolve(makeEntry()))).resolves.toBeUndefined();
      expect(await h.get('other', [])).toBeUndefined();
    });

    describeSharedBackend(target, () => {
      it('two instances on one backend: a set on A is a hit on B; an invalidation on B reaches A after refreshTags()', async () => {
        const [a, b] = handlers(2).map((x) => x.handler);
        await a!.refreshTags();
        await a!.set('k', Promise.resolve(makeEntry({ value: 'from A', tags: ['t'], timestamp: Date.now() - 50 })));
        await b!.refreshTags();
        expect(await readText(await b!.get('k', []))).toBe('from A');
        expect((await a!.get('k', []))?.revalidate).toBe(60);
        await b!.updateTags(['t']);
        await a!.refreshTags();
        expect(await a!.get('k', [])).toBeUndefined();
      });

      it('refreshTags is one journal read, however many tags and paths an instance has seen', async () => {
        const { handler: h, store } = handlers(1)[0]!;
        await h.refreshTags();
        for (let i = 0; i < 50; i++) {
          await h.set(`k${i}`, Promise.resolve(makeEntry({ tags: [`t${i}`, 'shared'] })));
          await h.get(`k${i}`, [`_N_T_/page/${i}`]);
        }
        store.resetCalls();
        await h.refreshTags();
        const { time: _clockRefinement, ...calls } = store.calls;
        expect(calls.readJournal).toBe(1);
        expect(Object.values(calls).reduce((x: number, y: number) => x + y, 0)).toBe(1);
      });

      it('refreshTags makes no store call while throttled', async () => {
        const { handler: h, store } = handlers(1, { tagRefreshIntervalMs: 60_000 })[0]!;
        await h.refreshTags();
        store.resetCalls();
        await h.refreshTags();
        const { time: _clockRefinement, ...calls } = store.calls;
        expect(Object.values(calls).reduce((x: number, y: number) => x + y, 0)).toBe(0);
      });

      it('the reads of one moment go to the store together: ten cold gets, one getMany', async () => {
        const [a, b] = handlers(2);
        await b!.handler.refreshTags();
        const coveredFrom = await b!.store.time();
        await expect.poll(() => b!.store.time()).toBeGreaterThan(coveredFrom); // entries generated after B's first journal read
        for (let i = 0; i < 10; i++)
          await a!.handler.set(`v${i}`, Promise.resolve(makeEntry({ value: `viewlet ${i}`, tags: [`viewlet:${i}`] })));
        b!.store.resetCalls();
        const got = await Promise.all(Array.from({ length: 10 }, (_, i) => b!.handler.get(`v${i}`, ['_N_T_/page'])));
        expect(await Promise.all(got.map(readText))).toEqual(Array.from({ length: 10 }, (_, i) => `viewlet ${i}`));
        expect(b!.store.calls.getMany).toBe(1);
        expect(b!.store.calls.getTagRecords).toBe(0);
      });

      it('store keys are a fixed-length digest: no part of the cache key appears in them', async () => {
        const { handler: h, store } = handlers(1)[0]!;
        const cacheKey = '["build-7","fn-abc",["member-price",{"user":"alice@example.com","path":"/products/1"},["1"]]]';
        store.resetCalls();
        await h.get(cacheKey, []);
        await h.set(cacheKey, Promise.resolve(makeEntry()));
        expect(store.keys.length).toBeGreaterThan(0);
        for (const key of store.keys) {
          expect(key).toMatch(/^[elr]:\{[A-Za-z0-9_-]{22}\}$/);
          expect(key).not.toContain('alice');
        }
      });

      it('a stale entry is re-rendered by one instance: the others serve it as fresh meanwhile', async () => {
        const [a, b] = handlers(2).map((x) => x.handler);
        await a!.set('k', Promise.resolve(makeEntry({ value: 'old', timestamp: Date.now() - 5000, revalidate: 1, expire: 3600 })));
        const isStale = (entry: Awaited<ReturnType<ViewletCacheHandler['get']>>) =>
          entry!.revalidate < 0 || entry!.timestamp + entry!.revalidate * 1000 < Date.now();
        const [onA, onB] = [await a!.get('k', []), await b!.get('k', [])];
        expect([isStale(onA), isStale(onB)]).toEqual([true, false]); // one re-render cluster-wide
        expect(isStale(await a!.get('k', []))).toBe(false); // A does not start a second one either
        expect(await readText(onB)).toBe('old');
        await a!.set('k', Promise.resolve(makeEntry({ value: 'new' })));
        const renewed = await b!.get('k', []);
        expect(await readText(renewed)).toBe('new');
        expect(isStale(renewed)).toBe(false);
      });

      it('a soft invalidation is re-rendered once cluster-wide too', async () => {
        const [a, b] = handlers(2).map((x) => x.handler);
        await a!.refreshTags();
        await b!.refreshTags();
        await a!.set('k', Promise.resolve(makeEntry({ tags: ['t'], timestamp: Date.now() - 50 })));
        await b!.updateTags(['t'], { expire: YEAR_S });
        await a!.refreshTags();
        const revalidates = [(await a!.get('k', []))?.revalidate, (await b!.get('k', []))?.revalidate];
        expect(revalidates.filter((r) => r === -1)).toHaveLength(1);
      });

      it('a get waits for the first tier to hold a new entry, not for the store to acknowledge it', async () => {
        const { handler: h, store } = handlers(1)[0]!;
        store.replyDelayMs.set = 1500; // written at once, acknowledged late
        let acknowledged = false;
        const setting = h.set('k', Promise.resolve(makeEntry({ value: 'fresh' }))).then(() => {
          acknowledged = true;
        });
        expect(await readText(await h.get('k', []))).toBe('fresh');
        expect(acknowledged).toBe(false);
        await setting;
      });

      it('an invalidation the store missed is honoured here and written again until the store takes it', async () => {
        const [a, b] = handlers(2, { failureThreshold: 1000, confirmTimeoutMs: 0 }); // the circuit stays closed
        await b!.handler.refreshTags();
        await a!.handler.set('k', Promise.resolve(makeEntry({ tags: ['t'], timestamp: Date.now() - 50 })));
        expect(await b!.handler.get('k', [])).toBeDefined();
        a!.store.failing = true;
        const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
        try {
          await a!.handler.updateTags(['t']);
          expect(await a!.handler.get('k', [])).toBeUndefined();
          expect(await b!.handler.get('k', [])).toBeDefined();
          a!.store.failing = false;
          await expect
            .poll(
              async () => {
                await b!.handler.refreshTags();
                return b!.handler.get('k', []);
              },
              { timeout: 10_000, interval: 100 },
            )
            .toBeUndefined();
        } finally {
          warn.mockRestore();
        }
      });

      it('a busy event loop does not make the store look failed: replies that arrived during the block are read', async () => {
        resetStats();
        const [a, b] = handlers(2, { timeoutMs: 200, failureThreshold: 1 });
        await a!.handler.refreshTags();
        await a!.handler.set('k', Promise.resolve(makeEntry({ value: 'shared' })));
        const reading = b!.handler.get('k', []);
        const blockedUntil = Date.now() + 600; // the process is busy rendering for 600 ms
        while (Date.now() < blockedUntil) {
          // burn CPU: no timer, no socket is served meanwhile
        }
        expect(await readText(await reading)).toBe('shared');
        expect(stats()[target.name]?.error ?? 0).toBe(0);
      });
    });
  });
}
