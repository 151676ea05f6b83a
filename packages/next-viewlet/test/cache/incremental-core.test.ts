/**
 * The incremental cache's judgement in time (ISR lifetimes, generation start,
 * the build output as seed), on the memory store presented as shared with an
 * injected clock: two cores on one backend behave like two instances on one Redis.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildOutput } from '../../src/cache/build-output.ts';
import { createIncrementalCore, type IncrementalCore } from '../../src/cache/incremental-core.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import type { ViewletStore } from '../../src/stores/types.ts';
import { BUILT_HTML, type BuildFixture, buildFixture } from '../support/build-fixture.ts';
import { PAGE_KEY, pageGet, pageSet, pageValue, htmlOf } from '../support/incremental-values.ts';
import { manualClock } from '../support/manual-clock.ts';

const START = 1_800_000_000_000;

describe('incremental cache in time', () => {
  const opened: IncrementalCore[] = [];
  let fixture: BuildFixture | undefined;
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((core) => core.close()));
    fixture?.remove();
    fixture = undefined;
  });

  /** Instances on one backend and one clock; `get` reads the journal first, as the handler does per request. */
  function cluster(count: number, seedFrom?: BuildFixture) {
    const clock = manualClock(START);
    const backend: ViewletStore = { ...createMemoryStore({ now: clock.now }), shared: true, close: async () => {} };
    const output = seedFrom && buildOutput(seedFrom.serverDistDir);
    const instances = Array.from({ length: count }, () => {
      const core = createIncrementalCore({
        store: backend,
        now: clock.now,
        buildId: 'build-1',
        lockWaitMs: 0,
        ...(output && { seed: (key: string, ctx: Parameters<typeof output.read>[1]) => output.read(key, ctx) }),
      });
      opened.push(core);
      return {
        core,
        async get() {
          await core.refresh();
          return core.get(PAGE_KEY, pageGet);
        },
      };
    });
    return { clock, instances };
  }

  it('ISR (revalidate 2 s, expire 1 h): fresh, then stale for Next on one instance only, then expired', async () => {
    const { clock, instances } = cluster(2);
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    await a.core.set(PAGE_KEY, pageValue(), pageSet(2, 3600));
    clock.advance(1000);
    expect((await b.get())?.lastModified).toBe(START); // fresh: Next serves it

    clock.advance(2000);
    const onA = await a.get();
    expect(onA!.lastModified + 2000).toBeLessThan(clock.now()); // stale: A serves it and regenerates
    const onB = await b.get();
    expect(onB!.lastModified + 2000).toBeGreaterThanOrEqual(clock.now()); // B defers to A's regeneration
    await a.core.set(PAGE_KEY, pageValue({ html: 'regenerated' }), pageSet(2, 3600));
    expect(htmlOf(await b.get())).toBe('regenerated');

    clock.advance(3_600_000);
    // Past expire: never served as is (a miss, or a blocking regeneration keeping the old copy for stale-if-error).
    const expired = await b.get();
    expect(expired === null || expired.lastModified === -1).toBe(true);
  });

  it('an entry is judged from when its regeneration started: an invalidation during the render still counts', async () => {
    const { clock, instances } = cluster(1);
    const [a] = instances as [(typeof instances)[0]];
    expect(await a.get()).toBeNull(); // a miss: the render starts now
    clock.advance(500);
    await a.core.revalidateTag(['shell-data']); // lands while the page renders
    clock.advance(500);
    await a.core.set(PAGE_KEY, pageValue(), pageSet());
    expect((await a.get())?.lastModified).toBe(-1);
  });

  it('the build output: the first request after a start is a hit, judged from the files’ time', async () => {
    fixture = buildFixture();
    fixture.touch(START - 60_000);
    const { clock, instances } = cluster(2, fixture);
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    const first = await a.get();
    expect(first?.lastModified).toBe(START - 60_000);
    expect(htmlOf(first)).toBe(BUILT_HTML);

    // A tag of the page invalidated after the build: the built copy is stale, not fresh.
    clock.advance(1000);
    await b.core.revalidateTag(['shell-data'], { expire: 31_536_000 });
    const stale = await a.get();
    expect(stale!.lastModified + 2_592_000_000).toBeLessThan(clock.now());
    // A regenerates; B has its own files but the store's newer generation wins.
    await a.core.set(PAGE_KEY, pageValue({ html: 'after the purge' }), pageSet());
    expect(htmlOf(await b.get())).toBe('after the purge');
  });

  it('the build output still serves when the store is down', async () => {
    fixture = buildFixture();
    const clock = manualClock(START);
    const output = buildOutput(fixture.serverDistDir);
    const dead: ViewletStore = {
      ...createMemoryStore({ now: clock.now }),
      shared: true,
      getMany: () => Promise.reject(new Error('down')),
      readJournal: () => Promise.reject(new Error('down')),
      getTagRecords: () => Promise.reject(new Error('down')),
      setIfAbsent: () => Promise.reject(new Error('down')),
    };
    const core = createIncrementalCore({ store: dead, now: clock.now, buildId: 'build-1', seed: (key, ctx) => output.read(key, ctx) });
    opened.push(core);
    await core.refresh();
    expect(htmlOf(await core.get(PAGE_KEY, pageGet))).toBe(BUILT_HTML);
  });
});
