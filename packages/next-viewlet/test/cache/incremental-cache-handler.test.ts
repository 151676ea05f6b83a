/**
 * The class Next instantiates (a new instance per request): state shared by
 * its instances, the build output read on a miss, one journal read per request
 * across it and the `'use cache'` handler (through Next's real work store), and
 * one registry entry per tier.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { createIncrementalCacheHandler, type ViewletIncrementalCacheClass } from '../../src/cache/incremental-cache-handler.ts';
import { createCacheHandler } from '../../src/cache/next-cache-handler.ts';
import { pendingInvalidations, registeredHandlers } from '../../src/cache/process-handlers.ts';
import { setProcessStore } from '../../src/stores/from-env.ts';
import { BUILT_HTML, type BuildFixture, buildFixture } from '../support/build-fixture.ts';
import { chaosStore } from '../support/chaos-store.ts';
import { PAGE_KEY, pageGet, pageSet, pageValue, htmlOf } from '../support/incremental-values.ts';
import { sharedMemoryStore } from '../support/shared-memory-store.ts';

type WorkStorage = { run<T>(store: unknown, fn: () => T): T };
// What `next start` sets up before it loads its storages.
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
const { workAsyncStorage } = createRequire(import.meta.url)('next/dist/server/app-render/work-async-storage.external.js') as {
  workAsyncStorage: WorkStorage;
};

describe('incremental cache handler class', () => {
  const classes: ViewletIncrementalCacheClass[] = [];
  let fixture: BuildFixture | undefined;
  afterEach(async () => {
    await Promise.all(classes.splice(0).map((Handler) => Handler.close()));
    setProcessStore(undefined);
    fixture?.remove();
    fixture = undefined;
  });

  it('instances of one class (one per request) share entries; the build output is read on a miss', async () => {
    fixture = buildFixture();
    const Handler = createIncrementalCacheHandler({ store: sharedMemoryStore() });
    classes.push(Handler);
    const ctx = { serverDistDir: fixture.serverDistDir };
    const first = await new Handler(ctx).get(PAGE_KEY, pageGet);
    expect(htmlOf(first)).toBe(BUILT_HTML);
    await new Handler(ctx).set(PAGE_KEY, pageValue({ html: 'set by request 2' }), pageSet());
    expect(htmlOf(await new Handler(ctx).get(PAGE_KEY, pageGet))).toBe('set by request 2');
    // Another build: not its entry, and not its files.
    expect(await new Handler({ serverDistDir: '/nonexistent/.next/server' }).get(PAGE_KEY, pageGet)).toBeNull();
  });

  it('one journal read per request across both handlers on the process store', async () => {
    const store = chaosStore(sharedMemoryStore());
    setProcessStore(store);
    const Handler = createIncrementalCacheHandler();
    classes.push(Handler);
    const useCache = createCacheHandler();
    try {
      await useCache.refreshTags(); // first use: the clock and the journal's end
      store.resetCalls();
      // The response-cache lookup of the page (route `/page`), outside any work store, then its render.
      await new Handler({}).get(PAGE_KEY, pageGet);
      const renderStart = performance.timeOrigin + performance.now();
      await workAsyncStorage.run({ page: '/page', requestStartTime: renderStart }, () => useCache.refreshTags());
      expect(store.calls.readJournal).toBe(1);
      // A render of another route, or outside a request, reads as before.
      await workAsyncStorage.run({ page: '/other/page', requestStartTime: renderStart }, () => useCache.refreshTags());
      await useCache.refreshTags();
      expect(store.calls.readJournal).toBe(3);
    } finally {
      await useCache.close();
    }
  });

  it('the registry holds one handler per tier: an invalidation is recorded once', async () => {
    const store = chaosStore(sharedMemoryStore());
    setProcessStore(store);
    const Handler = createIncrementalCacheHandler();
    classes.push(Handler);
    const useCache = createCacheHandler();
    try {
      await useCache.refreshTags();
      await new Handler({}).get(PAGE_KEY, pageGet);
      expect(registeredHandlers().filter((handler) => handler.name === store.name)).toHaveLength(1);
      store.resetCalls();
      // Next hands one revalidateTag to both handlers in the same moment.
      await Promise.all([useCache.updateTags(['shell-data']), new Handler({}).revalidateTag('shell-data')]);
      expect(store.calls.invalidate).toBe(1);
      expect(pendingInvalidations()).toBe(0);
    } finally {
      await useCache.close();
    }
  });
});
