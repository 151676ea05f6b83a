/**
 * The incremental cache handler's behaviour, run against every store (memory,
 * the memory store presented as shared, redis, redis-cluster, upstash): what
 * Next sees through get / set / revalidateTag for pages, route responses and
 * fetches, on one instance and on two instances of one backend. Transitions
 * are awaited by polling for the condition, never by sleeping; lifetimes in
 * time are covered with an injected clock in incremental-core.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIncrementalCore, type IncrementalCore, type IncrementalCoreOptions } from '../../src/cache/incremental-core.ts';
import type { ViewletStore } from '../../src/stores/types.ts';
import { chaosStore, type ChaosStore } from '../support/chaos-store.ts';
import {
  binary,
  FETCH_KEY,
  fetchGet,
  fetchSet,
  fetchValue,
  PAGE_KEY,
  pageGet,
  pageSet,
  pageValue,
  ROUTE_KEY,
  routeGet,
  routeValue,
  htmlOf,
} from '../support/incremental-values.ts';
import { randomPrefix } from '../support/redis-server.ts';
import { failOnUnhandledRejections } from '../support/unhandled-rejections.ts';

export interface IncrementalTarget {
  name: string;
  /** A new store on the shared backend, with this prefix. */
  create(prefix: string): ViewletStore;
  shared: boolean;
}

/** An instance of the app: `get` reads the journal first, as the handler does once per request. */
type Instance = { core: IncrementalCore; store: ChaosStore; get: IncrementalCore['get'] };
const YEAR_S = 31_536_000;

export function describeIncrementalCache(target: IncrementalTarget): void {
  describe(`incremental cache on ${target.name}`, () => {
    failOnUnhandledRejections();
    const opened: IncrementalCore[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((core) => core.close()));
    });
    /** Instances of one app on one backend namespace, each behind a chaos store. */
    const instances = (count: number, options: Partial<IncrementalCoreOptions> = {}, prefix = randomPrefix(target.name)): Instance[] =>
      Array.from({ length: count }, () => {
        const store = chaosStore(target.create(prefix));
        const core = createIncrementalCore({ timeoutMs: 1000, buildId: 'build-1', ...options, store });
        opened.push(core);
        const get: IncrementalCore['get'] = async (key, ctx) => {
          await core.refresh();
          return core.get(key, ctx);
        };
        return { core, store, get };
      });
    const one = (options?: Partial<IncrementalCoreOptions>) => {
      const { core, get } = instances(1, options)[0]!;
      return { get, set: core.set, revalidateTag: core.revalidateTag };
    };

    it('a page: misses, then hits with its HTML, bytes, segment data, headers and lifetime', async () => {
      const core = one();
      expect(await core.get(PAGE_KEY, pageGet)).toBeNull();
      const before = Date.now();
      await core.set(PAGE_KEY, pageValue(), pageSet());
      const got = await core.get(PAGE_KEY, pageGet);
      expect(got?.value).toEqual(pageValue());
      expect(got?.cacheControl).toEqual({ revalidate: 2_592_000, expire: YEAR_S });
      expect(got?.lastModified).toBeGreaterThanOrEqual(before - 50);
      expect(got?.lastModified).toBeLessThanOrEqual(Date.now() + 50);
    });

    it('a route response and a fetch result keep their bytes and fields', async () => {
      const core = one();
      await core.set(ROUTE_KEY, routeValue(), { kind: 'APP_ROUTE', cacheControl: { revalidate: 3600, expire: 86_400 } });
      await core.set(FETCH_KEY, fetchValue(), fetchSet());
      expect((await core.get(ROUTE_KEY, routeGet))?.value).toEqual(routeValue());
      expect((await core.get(FETCH_KEY, fetchGet()))?.value).toEqual(fetchValue());
    });

    it('a hard invalidation of a page tag: regenerate now, the old value kept for stale-if-error', async () => {
      const core = one();
      await core.set(PAGE_KEY, pageValue(), pageSet());
      await core.revalidateTag(['shell-data']); // updateTag / revalidateTag(t, { expire: 0 })
      const got = await core.get(PAGE_KEY, pageGet);
      expect(got?.lastModified).toBe(-1);
      expect(got?.value).toEqual(pageValue());
      await core.set(PAGE_KEY, pageValue({ html: 'new' }), pageSet());
      const renewed = await core.get(PAGE_KEY, pageGet);
      expect(renewed?.lastModified).toBeGreaterThan(0);
      expect(htmlOf(renewed)).toBe('new');
    });

    it('a soft invalidation: stale for Next (past revalidate, before expire) once, fresh after the regeneration', async () => {
      const core = one();
      await core.set(PAGE_KEY, pageValue(), pageSet());
      await core.revalidateTag(['shell-data'], { expire: YEAR_S }); // revalidateTag(t, 'max')
      const got = await core.get(PAGE_KEY, pageGet);
      const now = Date.now();
      expect(got!.lastModified + 2_592_000 * 1000).toBeLessThan(now);
      expect(got!.lastModified + YEAR_S * 1000).toBeGreaterThan(now);
      expect(got?.value).toEqual(pageValue());
      await core.set(PAGE_KEY, pageValue({ html: 'regenerated' }), pageSet());
      const renewed = await core.get(PAGE_KEY, pageGet);
      expect(renewed!.lastModified + 2_592_000 * 1000).toBeGreaterThan(Date.now());
      expect(htmlOf(renewed)).toBe('regenerated');
    });

    it('a soft invalidation of a page that never goes stale by time: a one-second revalidate for that answer', async () => {
      const core = one();
      await core.set(PAGE_KEY, pageValue(), { ...pageGet, cacheControl: { revalidate: false } });
      await core.revalidateTag(['shell-data'], { expire: YEAR_S });
      const got = await core.get(PAGE_KEY, pageGet);
      expect(got?.cacheControl).toEqual({ revalidate: 1 });
      expect(got!.lastModified + 1000).toBeLessThan(Date.now());
    });

    it('fetch: its tags and the soft (path) tags of the request are judged; hard is a miss, soft is stale', async () => {
      const core = one();
      await core.set(FETCH_KEY, fetchValue(), fetchSet());
      await core.revalidateTag(['api-data'], { expire: YEAR_S });
      const stale = await core.get(FETCH_KEY, fetchGet());
      expect((Date.now() - stale!.lastModified) / 1000).toBeGreaterThan(60); // older than its revalidate: Next refreshes it
      await core.set(FETCH_KEY, fetchValue('again'), fetchSet());
      expect((await core.get(FETCH_KEY, fetchGet()))!.lastModified).toBeGreaterThan(Date.now() - 60_000);
      await core.revalidateTag(['_N_T_/api/data']); // revalidatePath('/api/data')
      expect(await core.get(FETCH_KEY, fetchGet())).toBeNull();
      expect(await core.get(FETCH_KEY, fetchGet(['api-data'], ['_N_T_/other']))).not.toBeNull();
    });

    it('pages are keyed by build id, fetch results are not', async () => {
      const prefix = randomPrefix(target.name);
      const [old] = instances(1, { buildId: 'build-1' }, prefix);
      const [next] = instances(1, { buildId: 'build-2' }, prefix);
      await old!.core.set(PAGE_KEY, pageValue(), pageSet());
      await old!.core.set(FETCH_KEY, fetchValue(), fetchSet());
      expect(await next!.get(PAGE_KEY, pageGet)).toBeNull();
      if (target.shared) expect((await next!.get(FETCH_KEY, fetchGet()))?.value).toEqual(fetchValue());
    });

    it('never throws: a failing store is a miss, a set still lands in the first tier', async () => {
      const [{ core: inner, store, get }] = instances(1, { failureThreshold: 100 }) as [Instance];
      const core = { get, set: inner.set, revalidateTag: inner.revalidateTag };
      store.failing = true;
      expect(await core.get(PAGE_KEY, pageGet)).toBeNull();
      await core.set(PAGE_KEY, pageValue(), pageSet());
      expect((await core.get(PAGE_KEY, pageGet))?.value).toEqual(pageValue());
      await expect(core.revalidateTag(['shell-data'])).resolves.toMatchObject({ recorded: false });
    });

    if (!target.shared) {
      it('an unshared store: entries live in this process only, no entry reaches the store', async () => {
        const [{ core, store, get }] = instances(1) as [Instance];
        await core.set(PAGE_KEY, pageValue(), pageSet());
        expect((await get(PAGE_KEY, pageGet))?.value).toEqual(pageValue());
        expect(store.calls.set).toBe(0);
        expect(store.calls.setIfAbsent).toBe(0);
      });
      return;
    }

    it('two instances: a page set on A is a hit on B, byte for byte (non-UTF-8 bytes through a text store)', async () => {
      const [a, b] = instances(2) as [Instance, Instance];
      const page = pageValue({ rsc: binary(4096) });
      await a.core.set(PAGE_KEY, page, pageSet());
      expect((await b.get(PAGE_KEY, pageGet))?.value).toEqual(page);
    });

    it('a hard purge on B is seen by A on its next request; a soft purge likewise, served stale once', async () => {
      const [a, b] = instances(2) as [Instance, Instance];
      await a.core.set(PAGE_KEY, pageValue(), pageSet());
      expect((await a.get(PAGE_KEY, pageGet))?.lastModified).toBeGreaterThan(0);
      await b.core.revalidateTag(['shell-data']);
      expect((await a.get(PAGE_KEY, pageGet))?.lastModified).toBe(-1);
      await a.core.set(PAGE_KEY, pageValue({ html: 'v2' }), pageSet());

      await b.core.revalidateTag(['shell-data'], { expire: YEAR_S });
      const stale = await a.get(PAGE_KEY, pageGet);
      expect(stale!.lastModified + 2_592_000 * 1000).toBeLessThan(Date.now());
      expect(htmlOf(stale)).toBe('v2');
    });

    it('a soft purge is regenerated by one instance: the other serves the stale copy as fresh meanwhile', async () => {
      const [a, b] = instances(2) as [Instance, Instance];
      await a.core.set(PAGE_KEY, pageValue(), pageSet());
      await a.core.revalidateTag(['shell-data'], { expire: YEAR_S });
      const onA = await a.get(PAGE_KEY, pageGet);
      const onB = await b.get(PAGE_KEY, pageGet);
      expect(onA!.lastModified + 2_592_000 * 1000).toBeLessThan(Date.now()); // A regenerates
      expect(onB!.lastModified + 2_592_000 * 1000).toBeGreaterThan(Date.now()); // B does not
      await a.core.set(PAGE_KEY, pageValue({ html: 'once' }), pageSet());
      expect(htmlOf(await b.get(PAGE_KEY, pageGet))).toBe('once');
    });

    it('a hard purge: one instance regenerates, the other waits for its entry instead of rendering', async () => {
      const [a, b] = instances(2, { lockWaitMs: 5000 }) as [Instance, Instance];
      await a.core.set(PAGE_KEY, pageValue(), pageSet());
      await b.get(PAGE_KEY, pageGet); // B holds the page in its first tier
      await a.core.revalidateTag(['shell-data']);
      expect((await a.get(PAGE_KEY, pageGet))?.lastModified).toBe(-1); // A takes the fill lock
      b.store.resetCalls();
      const waiting = b.get(PAGE_KEY, pageGet);
      await vi.waitFor(() => expect(b.store.calls.getMany).toBeGreaterThanOrEqual(2)); // B polls for A's entry
      await a.core.set(PAGE_KEY, pageValue({ html: 'regenerated on A' }), pageSet());
      const got = await waiting;
      expect(got?.lastModified).toBeGreaterThan(0);
      expect(htmlOf(got)).toBe('regenerated on A');
    });

    it('a value Next re-stores after a failed regeneration stays on this instance', async () => {
      const [a, b] = instances(2) as [Instance, Instance];
      await a.core.set(PAGE_KEY, pageValue(), pageSet());
      await a.core.revalidateTag(['shell-data']);
      const previous = await a.get(PAGE_KEY, pageGet);
      a.store.resetCalls();
      // retainPreviousCacheEntry: the same value object, revalidate clamped to 3 s
      await a.core.set(PAGE_KEY, previous!.value, pageSet(3, YEAR_S));
      expect(a.store.calls.set).toBe(0);
      expect((await a.get(PAGE_KEY, pageGet))?.lastModified).toBeGreaterThan(0); // A's back-off: served for 3 s
      expect((await b.get(PAGE_KEY, pageGet))?.lastModified).toBe(-1); // B still sees it purged
    });

    it('an entry larger than maxEntryBytes stays in the first tier of its instance, logged once', async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      try {
        const [a, b] = instances(2, { maxEntryBytes: 2048 }) as [Instance, Instance];
        await a.core.set(PAGE_KEY, pageValue({ rsc: binary(8192) }), pageSet());
        await a.core.set(PAGE_KEY, pageValue({ rsc: binary(8192) }), pageSet());
        expect(a.store.calls.set).toBe(0);
        expect((await a.get(PAGE_KEY, pageGet))?.value).toEqual(pageValue({ rsc: binary(8192) }));
        expect(await b.get(PAGE_KEY, pageGet)).toBeNull();
        expect(warn.mock.calls.filter(([line]) => String(line).includes('maxEntryBytes'))).toHaveLength(1);
      } finally {
        warn.mockRestore();
      }
    });

    it('store keys are fixed-length digests: neither the path nor the build id appears in them', async () => {
      const [a] = instances(1, { buildId: 'build-secret' }) as [Instance];
      await a.core.set(PAGE_KEY, pageValue(), pageSet());
      expect(a.store.keys.length).toBeGreaterThan(0);
      for (const key of a.store.keys) {
        expect(key).toMatch(/^[elr]:\{[A-Za-z0-9_-]{22}\}$/);
        expect(key).not.toContain('build-secret');
      }
    });
  });
}
