/**
 * The cache handler's behaviour, run against every store (memory, redis, upstash):
 * what Next sees through get / set / refreshTags / getExpiration / updateTags.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetStats, stats } from '../../src/cache/cache-stats.ts';
import { createCacheHandler, type CacheHandlerOptions, type ViewletCacheHandler } from '../../src/cache/next-cache-handler.ts';
import type { ViewletStore } from '../../src/stores/types.ts';
import { makeEntry, failingStream, readText } from '../support/cache-entries.ts';
import { chaosStore } from '../support/chaos-store.ts';
import { randomPrefix } from '../support/redis-server.ts';
import { failOnUnhandledRejections, sleep } from '../support/unhandled-rejections.ts';

export interface HandlerTarget {
  name: string;
  /** A new store on the shared backend, with this prefix. */
  create(prefix: string): ViewletStore;
  /** Whether the store is shared between processes (its `shared` flag). */
  shared: boolean;
}

/** Tests that need two processes on one store: only for shared stores (redis, upstash). */
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
    /** Handlers made by one call share one backend namespace (like two instances of one app). */
    const handlers = (count: number, options: CacheHandlerOptions = {}) => {
      const prefix = randomPrefix(target.name);
      return Array.from({ length: count }, () => {
        const handler = createCacheHandler({ timeoutMs: 500, ...options, store: target.create(prefix) });
        opened.push(handler);
        return handler;
      });
    };
    const one = (options?: CacheHandlerOptions) => handlers(1, options)[0]!;

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
      await sleep(300);
      expect(await h.get('k', [])).toBeUndefined();
    });

    it('soft invalidation: stale (revalidate -1) until the invalidation expires, not a miss', async () => {
      const h = one();
      await h.set('k', Promise.resolve(makeEntry({ tags: ['product:1'], timestamp: Date.now() - 5 })));
      await h.set('other', Promise.resolve(makeEntry({ tags: ['product:2'], timestamp: Date.now() - 5 })));
      await h.updateTags(['product:1'], { expire: 31_536_000 }); // revalidateTag(tag, 'max')
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
      await h.set('k', Promise.resolve(makeEntry({ tags: ['t'], timestamp: Date.now() - 5 })));
      await h.updateTags(['t'], { expire: 1 });
      expect((await h.get('k', []))?.revalidate).toBe(-1);
      await sleep(1050);
      expect(await h.get('k', [])).toBeUndefined();
    });

    it('hard invalidation (no durations) expires tagged entries at once, and only those', async () => {
      const h = one();
      await h.set('k', Promise.resolve(makeEntry({ tags: ['t', 'u'], timestamp: Date.now() - 5 })));
      await h.set('other', Promise.resolve(makeEntry({ tags: ['u'], timestamp: Date.now() - 5 })));
      await h.updateTags(['t']);
      expect(await h.get('k', [])).toBeUndefined();
      expect(await h.get('other', [])).toBeDefined();
    });

    it('a soft invalidation after a hard one keeps older entries expired', async () => {
      const h = one();
      await h.set('old', Promise.resolve(makeEntry({ tags: ['t'], timestamp: Date.now() - 50 })));
      await h.updateTags(['t']);
      await sleep(5);
      await h.set('mid', Promise.resolve(makeEntry({ tags: ['t'] })));
      await sleep(5);
      await h.updateTags(['t'], { expire: 31_536_000 });
      expect(await h.get('old', [])).toBeUndefined();
      expect((await h.get('mid', []))?.revalidate).toBe(-1);
    });

    it('checks soft (implicit) tags in get and reports Infinity from getExpiration', async () => {
      const h = one();
      expect(await h.getExpiration(['_N_T_/products'])).toBe(Number.POSITIVE_INFINITY);
      await h.set('k', Promise.resolve(makeEntry({ timestamp: Date.now() - 5 })));
      expect(await h.get('k', ['_N_T_/products'])).toBeDefined();
      await h.updateTags(['_N_T_/products'], { expire: 31_536_000 });
      expect((await h.get('k', ['_N_T_/products']))?.revalidate).toBe(-1);
      expect((await h.get('k', ['_N_T_/elsewhere']))?.revalidate).toBe(60);
      await h.updateTags(['_N_T_/products']);
      expect(await h.get('k', ['_N_T_/products'])).toBeUndefined();
    });

    it('an invalidation during the render counts: the entry is judged by when its generation started', async () => {
      const h = one();
      const started = Date.now();
      await sleep(5);
      await h.updateTags(['t']); // lands while the render is running
      await h.set('hard', Promise.resolve(makeEntry({ tags: ['t'], timestamp: started })));
      expect(await h.get('hard', [])).toBeUndefined();
      await h.updateTags(['s'], { expire: 31_536_000 });
      await h.set('soft', Promise.resolve(makeEntry({ tags: ['s'], timestamp: started })));
      expect((await h.get('soft', []))?.revalidate).toBe(-1);
    });

    it('a get waits for a pending set of the same key', async () => {
      const h = one();
      let finish!: (entry: ReturnType<typeof makeEntry>) => void;
      const setDone = h.set('k', new Promise((resolve) => (finish = resolve)));
      let resolved = false;
      const reading = h.get('k', []).then((entry) => {
        resolved = true;
        return entry;
      });
      await sleep(30);
      expect(resolved).toBe(false);
      finish(makeEntry({ value: 'filled' }));
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

    describeSharedBackend(target, () => {
      it('two instances on one backend: a set on A is a hit on B; an invalidation on B reaches A after refreshTags()', async () => {
        const [a, b] = handlers(2);
        await a!.set('k', Promise.resolve(makeEntry({ value: 'from A', tags: ['t'], timestamp: Date.now() - 5 })));
        await b!.refreshTags();
        expect(await readText(await b!.get('k', []))).toBe('from A');
        expect((await a!.get('k', []))?.revalidate).toBe(60);
        await b!.updateTags(['t']);
        await a!.refreshTags();
        expect(await a!.get('k', [])).toBeUndefined();
      });

      it('an invalidation the store missed is honoured here and written once the store answers', async () => {
        const prefix = randomPrefix(target.name);
        const flaky = chaosStore(target.create(prefix));
        const a = createCacheHandler({ store: flaky, failureThreshold: 1000 });
        const b = createCacheHandler({ store: target.create(prefix) });
        opened.push(a, b);
        await a.set('k', Promise.resolve(makeEntry({ tags: ['t'], timestamp: Date.now() - 5 })));
        await b.refreshTags();
        expect(await b.get('k', [])).toBeDefined();
        flaky.failing = true;
        const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
        try {
          await a.updateTags(['t']);
          expect(warn.mock.calls.some(([line]) => /writes them again/.test(String(line)))).toBe(true);
        } finally {
          warn.mockRestore();
        }
        expect(await a.get('k', [])).toBeUndefined();
        flaky.failing = false;
        await a.refreshTags(); // the store answers without the invalidation: a keeps it, and writes it
        expect(await a.get('k', [])).toBeUndefined();
        await sleep(50);
        await b.refreshTags();
        expect(await b.get('k', [])).toBeUndefined();
      });

      it('refreshTags costs at most one round trip, or none when throttled', async () => {
        const prefix = randomPrefix(target.name);
        const store = chaosStore(target.create(prefix));
        const h = createCacheHandler({ store, tagRefreshIntervalMs: 60_000 });
        opened.push(h);
        await h.refreshTags(); // no known tags yet: nothing to read
        for (let i = 0; i < 5; i++) {
          await h.set(`k${i}`, Promise.resolve(makeEntry({ tags: [`t${i}`, 'shared'] })));
          await h.get(`k${i}`, ['_N_T_/page']);
        }
        store.resetCalls();
        await h.refreshTags();
        expect(store.calls.getMany).toBe(1);
        expect(Object.values(store.calls).reduce((x, y) => x + y)).toBe(1);
        store.resetCalls();
        await h.refreshTags();
        expect(store.calls.getMany).toBe(0);
      });
    });

    it('keeps time on the store clock, so a skewed store clock changes nothing Next sees', async () => {
      const prefix = randomPrefix(target.name);
      const store = chaosStore(target.create(prefix));
      store.clockSkewMs = 10 * 60_000;
      const h = createCacheHandler({ store });
      opened.push(h);
      const timestamp = Date.now() - 5;
      await h.set('k', Promise.resolve(makeEntry({ tags: ['t'], timestamp })));
      const got = await h.get('k', []);
      expect(Math.abs(got!.timestamp - timestamp)).toBeLessThanOrEqual(5);
      expect(got!.revalidate).toBe(60);
      await h.updateTags(['t'], { expire: 31_536_000 });
      expect((await h.get('k', []))?.revalidate).toBe(-1);
    });

    it('never throws and never hangs when the store fails or is slow', async () => {
      const store = chaosStore(target.create(randomPrefix(target.name)));
      const h = createCacheHandler({ store, timeoutMs: 100, failureThreshold: 1000 });
      opened.push(h);
      store.delayMs = 1000;
      let started = Date.now();
      expect(await h.get('k', ['_N_T_/x'])).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(600);
      store.delayMs = 0;
      store.failing = true;
      started = Date.now();
      await expect(h.refreshTags()).resolves.toBeUndefined();
      await expect(h.getExpiration(['a'])).resolves.toBe(Number.POSITIVE_INFINITY);
      await expect(h.updateTags(['a'])).resolves.toBeUndefined();
      await expect(h.set('k', Promise.resolve(makeEntry()))).resolves.toBeUndefined();
      expect(await h.get('other', [])).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(500);
    });
  });
}
