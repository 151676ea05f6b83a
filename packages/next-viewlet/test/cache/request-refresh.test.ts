import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  LOOKUP_WINDOW_MS,
  markLookupRefresh,
  refreshedThisRequest,
  refreshOncePerRequest,
  routeHashOf,
} from '../../src/cache/request-refresh.ts';
import { createSharedTier, entryTierFor } from '../../src/cache/shared-tier.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { sharedMemoryStore } from '../support/shared-memory-store.ts';

// What `next start` sets up before it loads its storages.
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
const { workAsyncStorage } = createRequire(import.meta.url)('next/dist/server/app-render/work-async-storage.external.js') as {
  workAsyncStorage: { run<T>(store: object, fn: () => T): T };
};

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const keyOf = (page: string, path: string) => `/route-cache/APP_PAGE/${sha(page)}/$${path}`;
/** Runs `fn` as Next runs a render: inside a work store naming the route and when the render started. */
const inRender = <T>(page: string, requestStartTime: number, fn: () => T): T => workAsyncStorage.run({ page, requestStartTime }, fn);
const clock = () => performance.timeOrigin + performance.now();

describe('one journal read per request across the two handlers', () => {
  const tier = createSharedTier(sharedMemoryStore());
  const other = createSharedTier(sharedMemoryStore());

  it('reads the route hash of a response-cache key, and nothing of other keys', () => {
    expect(routeHashOf(keyOf('/products/[id]/page', '/products/1'))).toBe(sha('/products/[id]/page'));
    expect(routeHashOf('9041833dc487')).toBeUndefined();
    expect(routeHashOf('["fn",["viewlet"],["build"]]')).toBeUndefined();
  });

  it("a render skips its read when its route's lookup read the same tier just before it started", async () => {
    let finished = false;
    const read = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      finished = true;
    });
    markLookupRefresh(keyOf('/shop/page', '/shop'), tier, read);
    const skipped = await inRender('/shop/page', clock(), () => refreshedThisRequest(tier));
    expect(skipped).toBe(true);
    expect(finished).toBe(true); // it waited for the lookup's read to finish
  });

  it('reads again for another route, another tier, a lookup too long before, or outside a render', async () => {
    markLookupRefresh(keyOf('/a/page', '/a'), tier, Promise.resolve());
    expect(await inRender('/b/page', clock(), () => refreshedThisRequest(tier))).toBe(false);
    expect(await inRender('/a/page', clock(), () => refreshedThisRequest(other))).toBe(false);
    expect(await inRender('/a/page', clock() + LOOKUP_WINDOW_MS + 1000, () => refreshedThisRequest(tier))).toBe(false);
    expect(await refreshedThisRequest(tier)).toBe(false);
  });

  it("a tier of another kind's entries, judged by this tier's tags, counts as the same tier", async () => {
    const kind = entryTierFor(createMemoryStore(), tier);
    markLookupRefresh(keyOf('/k/page', '/k'), tier, Promise.resolve());
    expect(await inRender('/k/page', clock(), () => refreshedThisRequest(kind))).toBe(true);
  });

  it('kinds judged by one tag tier read its journal once per request; each request reads', async () => {
    const kind = entryTierFor(createMemoryStore(), tier);
    let reads = 0;
    const read = async () => {
      reads += 1;
    };
    const request = () =>
      inRender('/p/page', clock(), async () => {
        await Promise.all([refreshOncePerRequest(tier, read), refreshOncePerRequest(kind, read)]);
        await refreshOncePerRequest(kind, read);
      });
    await request();
    expect(reads).toBe(1);
    await request();
    expect(reads).toBe(2);
    await refreshOncePerRequest(other, read); // outside a request: it just reads
    expect(reads).toBe(3);
  });

  it('reads again when the lookup read failed', async () => {
    const failed = Promise.reject(new Error('store down'));
    failed.catch(() => {});
    markLookupRefresh(keyOf('/c/page', '/c'), tier, failed);
    expect(await inRender('/c/page', clock(), () => refreshedThisRequest(tier))).toBe(false);
  });
});
