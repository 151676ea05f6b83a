/**
 * Metrics attribution, with the real cache handler over a memory store. Next
 * is played by the test: it runs the viewlet call, asks the handler inside the
 * call's async context (`get`, then on a miss `set`), and runs the cached body
 * (`timedRender`) outside it, as Next does (a clean async snapshot).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countStat, stats } from '../../src/cache/cache-stats.ts';
import { createCacheHandler, type ViewletCacheHandler } from '../../src/cache/next-cache-handler.ts';
import { metricsRegistry, resetMetrics, storeCounters, viewletCounters } from '../../src/metrics/metrics-registry.ts';
import { countStoredBytes, noteCacheRead } from '../../src/metrics/cache-handler-metrics.ts';
import { markErrorCounted, timedRender } from '../../src/metrics/timed-render.ts';
import { trackViewletCall } from '../../src/metrics/track-viewlet-call.ts';
import { currentViewletCall, readOutcome } from '../../src/metrics/viewlet-call.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { makeEntry } from '../support/cache-entries.ts';

let handler: ViewletCacheHandler;
beforeEach(() => {
  resetMetrics();
  handler = createCacheHandler({ store: createMemoryStore({ prefix: `t${Math.random()}:` }), statsName: 'mem' });
});
afterEach(async () => {
  await handler.close();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  resetMetrics();
});

/** One viewlet call as Next makes it: a read, and on a miss a render (outside the call's context) and a write. */
async function call(name: string, key: string, value = '<p>hi</p>', entry: Parameters<typeof makeEntry>[0] = {}) {
  const tracked = trackViewletCall(name)!;
  await tracked.cached(async () => {
    if (await handler.get(key, [])) return;
    const rendered = await timedRender(name, async () => value);
    await handler.set(key, Promise.resolve(makeEntry({ ...entry, value: rendered })));
  });
  tracked.done();
}

describe('per-viewlet outcomes from the cache handler', () => {
  it('counts a miss (with its render and bytes), then hits, per viewlet and per store', async () => {
    await call('teaser', 'k1', '<p>12345</p>');
    await call('teaser', 'k1');
    await call('teaser', 'k1');
    await call('nav', 'k2', 'ab');
    expect(viewletCounters('teaser')).toMatchObject({ miss: 1, hit: 2, stale: 0, render: 1, error: 0, bytesStored: 12, rendering: 0 });
    expect(viewletCounters('nav')).toMatchObject({ miss: 1, hit: 0, render: 1, bytesStored: 2 });
    expect(storeCounters('mem')).toMatchObject({ miss: 2, hit: 2, set: 2, bytesStored: 14 });
  });

  it('an entry past its revalidate time, or marked by a tag, is stale', async () => {
    await call('deal', 'k1', 'x', { timestamp: Date.now() - 10_000, revalidate: 1 });
    await call('deal', 'k1');
    expect(viewletCounters('deal')).toMatchObject({ miss: 1, stale: 1, hit: 0 });
    expect(readOutcome({ timestamp: 1000, revalidate: -1 }, 1001)).toBe('stale');
    expect(readOutcome({ timestamp: 1000, revalidate: 5 }, 5999)).toBe('hit');
    expect(readOutcome({ timestamp: 1000, revalidate: 5 }, 6001)).toBe('stale');
    expect(readOutcome(undefined)).toBe('miss');
  });

  it('a call Next served without asking the handler (a fill already in flight) is "joined"; a call without the cache is "uncached"', async () => {
    const joined = trackViewletCall('teaser')!;
    await joined.cached(async () => {});
    joined.done();
    const direct = trackViewletCall('teaser')!;
    direct.uncached();
    await timedRender('teaser', () => 'x');
    direct.done();
    expect(viewletCounters('teaser')).toMatchObject({ joined: 1, uncached: 1, render: 1, hit: 0, miss: 0 });
  });

  it('the handler registers its store’s breaker and pending invalidations for the stats, until it is closed', async () => {
    await handler.get('k', []);
    const probe = metricsRegistry().probes.get('mem');
    expect({ breaker: probe?.breaker(), pending: probe?.pendingInvalidations() }).toEqual({ breaker: 'closed', pending: 0 });
    await handler.close();
    expect(metricsRegistry().probes.has('mem')).toBe(false);
  });

  it('reads outside a viewlet call count for the store only', async () => {
    await handler.get('other', []);
    expect(currentViewletCall()).toBeUndefined();
    expect(storeCounters('mem').miss).toBe(1);
    expect(metricsRegistry().viewlets.size).toBe(0);
  });

  it('the render runs outside the call context, like Next’s cached body, and still counts by name', async () => {
    const tracked = trackViewletCall('teaser')!;
    let seenInBody: unknown = 'unset';
    await tracked.cached(async () => {
      noteCacheRead(undefined);
      // Next runs the body in a clean snapshot: no call is visible there.
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          queueMicrotask(() => resolve());
        }),
      );
    });
    await timedRender('teaser', async () => {
      seenInBody = currentViewletCall();
    });
    tracked.done();
    expect(seenInBody).toBeUndefined();
    expect(viewletCounters('teaser')).toMatchObject({ miss: 1, render: 1 });
  });

  it('counts the bytes of an entry only when the cache read all of it', async () => {
    const small = createCacheHandler({ store: createMemoryStore({ prefix: `s${Math.random()}:` }), statsName: 'small', maxEntryBytes: 4 });
    const tracked = trackViewletCall('big')!;
    await tracked.cached(async () => {
      await small.get('k', []);
      await small.set('k', Promise.resolve(makeEntry({ value: 'far too large' })));
      await small.set('k2', Promise.resolve(makeEntry({ value: 'ok', expire: 0 })));
    });
    tracked.done();
    expect(storeCounters('small')).toMatchObject({ skip: 2, set: 0, bytesStored: 0 });
    expect(viewletCounters('big').bytesStored).toBe(0);
    await small.close();
  });
});

describe('renders and errors', () => {
  it('timedRender counts a render, its duration and, while it runs, the rendering gauge', async () => {
    let during = -1;
    await timedRender('teaser', async () => {
      during = viewletCounters('teaser').rendering;
    });
    expect(during).toBe(1);
    expect(viewletCounters('teaser')).toMatchObject({ render: 1, rendering: 0, error: 0 });
    const { values } = await metricsRegistry().renderSeconds.get();
    expect(values.find((v) => v.metricName === 'viewlet_render_duration_seconds_count')?.value).toBe(1);
  });

  it('a render that throws is one render and one error; the failed call does not count it again', async () => {
    const tracked = trackViewletCall('reviews')!;
    const failure = await tracked
      .cached(async () => {
        noteCacheRead(undefined);
        return timedRender('reviews', async () => {
          throw new Error('down');
        });
      })
      .catch((error: unknown) => error);
    tracked.failed(failure);
    expect(viewletCounters('reviews')).toMatchObject({ miss: 1, render: 1, error: 1, rendering: 0 });
  });

  it('a call that fails outside the render (identity, data-mode markup) counts one error', async () => {
    const tracked = trackViewletCall('account')!;
    tracked.failed(new Error('no identity resolver'));
    const again = trackViewletCall('account')!;
    const counted = new Error('rendered and counted already');
    markErrorCounted(counted);
    again.failed(counted);
    expect(viewletCounters('account')).toMatchObject({ error: 1, render: 0, miss: 0 });
  });
});

describe('VIEWLET_METRICS=off and VIEWLET_DEBUG', () => {
  it('off: no per-viewlet tracking, no timing, no byte counting; store counters stay', async () => {
    vi.stubEnv('VIEWLET_METRICS', 'off');
    resetMetrics();
    expect(trackViewletCall('teaser')).toBeUndefined();
    await timedRender('teaser', () => 'x');
    const pending = Promise.resolve(makeEntry());
    expect(countStoredBytes('mem', pending)).toBe(pending);
    countStat('mem', 'hit');
    expect(metricsRegistry().viewlets.size).toBe(0);
    expect(stats().mem).toMatchObject({ hit: 1 });
  });

  it('the debug line names the viewlet, the outcome and the time taken, also with metrics off', async () => {
    vi.stubEnv('VIEWLET_METRICS', 'off');
    vi.stubEnv('VIEWLET_DEBUG', '1');
    resetMetrics();
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    await call('teaser', 'k1');
    const failing = trackViewletCall('reviews')!;
    failing.failed(new Error('down'));
    const lines = debug.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('viewlet:'));
    expect(lines).toEqual([
      expect.stringMatching(/^\[next-viewlet\] viewlet: "teaser": miss in \d+\.\d ms$/),
      expect.stringMatching(/^\[next-viewlet\] viewlet: "reviews": not reached, failed after \d+\.\d ms$/),
    ]);
    expect(metricsRegistry().viewlets.size).toBe(0);
  });
});

describe('one registry per process', () => {
  it('a second copy of the modules (as Next loads the handler unbundled next to the app bundle) counts into the same registry', async () => {
    // A query string makes Vite load separate module instances, as two bundles would.
    const fresh = (path: string) => import(/* @vite-ignore */ `${new URL(path, import.meta.url).href}?copy`);
    const copy: typeof import('../../src/metrics/metrics-registry.ts') = await fresh('../../src/metrics/metrics-registry.ts');
    const callCopy: typeof import('../../src/metrics/viewlet-call.ts') = await fresh('../../src/metrics/viewlet-call.ts');
    expect(copy.viewletCounters).not.toBe(viewletCounters);
    copy.viewletCounters('teaser').hit += 2;
    expect(viewletCounters('teaser').hit).toBe(2);
    const tracked = trackViewletCall('teaser')!;
    await tracked.cached(async () => {
      expect(callCopy.currentViewletCall()?.name).toBe('teaser');
    });
  });
});
