import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStoreClock } from '../../src/cache/store-clock.ts';
import { createTagSystem, type TagSystemOptions } from '../../src/cache/tag-system.ts';
import { chaosStore } from '../support/chaos-store.ts';
import { type ManualClock, manualClock } from '../support/manual-clock.ts';
import { sharedMemoryStore } from '../support/shared-memory-store.ts';

const YEAR_S = 31_536_000;

/** Instances (tag systems) on one shared in-process store, all on one manual clock. */
function cluster(options: { journalMaxLength?: number; maxKnownTags?: number } = {}) {
  const clock = manualClock();
  const backend = sharedMemoryStore({ now: clock.now, ...(options.journalMaxLength && { journalMaxLength: options.journalMaxLength }) });
  const instance = (extra: Partial<TagSystemOptions> = {}) => {
    const store = chaosStore(backend);
    const tags = createTagSystem({
      store,
      clock: createStoreClock(store, { now: clock.now }),
      recordTtlMs: YEAR_S * 1000,
      now: clock.now,
      ...(options.maxKnownTags && { maxKnownTags: options.maxKnownTags }),
      ...extra,
    });
    return { store, tags };
  };
  return { clock, instance };
}

/** Moves the clock on so that what follows happens strictly later. */
const later = (clock: ManualClock, ms = 10) => {
  clock.advance(ms);
  return clock.now();
};

describe('tag system on the journal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sees another instance's invalidation at its next refresh, in one journal read", async () => {
    const { clock, instance } = cluster();
    const a = instance();
    const b = instance();
    await a.tags.refresh();
    const generated = later(clock);
    later(clock);
    await b.tags.invalidate(['product:1']);
    expect(a.tags.freshness(['product:1'], generated, clock.now())).toBe('fresh');
    a.store.resetCalls();
    await a.tags.refresh();
    expect(a.store.calls).toMatchObject({ readJournal: 1, getTagRecords: 0 });
    expect(a.tags.freshness(['product:1'], generated, clock.now())).toBe('expired');
    expect(a.tags.freshness(['product:1'], later(clock), clock.now())).toBe('fresh');
  });

  it('a refresh costs one read with no entries however many tags the instance has seen', async () => {
    const { clock, instance } = cluster();
    const a = instance();
    const b = instance();
    await a.tags.refresh();
    await b.tags.invalidate(Array.from({ length: 500 }, (_, i) => `seen:${i}`));
    await a.tags.refresh();
    await a.tags.load(
      Array.from({ length: 2000 }, (_, i) => `_N_T_/paths/${i}`),
      clock.now() - 60_000,
    );
    a.store.resetCalls();
    for (let i = 0; i < 5; i++) await a.tags.refresh();
    expect(a.store.calls).toMatchObject({ readJournal: 5, getTagRecords: 0, getMany: 0 });
  });

  it('needs no record read for an entry generated after the first journal read; an older one reads its unknown tags once', async () => {
    const { clock, instance } = cluster();
    const a = instance();
    const b = instance();
    const old = later(clock);
    later(clock);
    await b.tags.invalidate(['before-a-started']);
    later(clock);
    await a.tags.refresh(); // coverage starts here
    a.store.resetCalls();
    await a.tags.load(['before-a-started', 'other'], later(clock));
    expect(a.store.calls.getTagRecords).toBe(0);
    await a.tags.load(['before-a-started', 'other'], old);
    expect(a.store.calls.getTagRecords).toBe(1);
    expect(a.tags.freshness(['before-a-started'], old, clock.now())).toBe('expired');
    expect(a.tags.freshness(['other'], old, clock.now())).toBe('fresh');
    await a.tags.load(['before-a-started', 'other'], old); // both known now, "never invalidated" included
    expect(a.store.calls.getTagRecords).toBe(1);
  });

  it('before its first journal read an instance reads the records of every unknown tag', async () => {
    const { clock, instance } = cluster();
    const b = instance();
    await b.tags.invalidate(['t']);
    const a = instance();
    await a.tags.load(['t'], later(clock) - 20);
    expect(a.store.calls.getTagRecords).toBe(1);
    expect(a.tags.freshness(['t'], clock.now() - 20, clock.now())).toBe('expired');
  });

  it('an instance that fell behind the journal re-reads the tags it holds, and its coverage starts where the journal does', async () => {
    const { clock, instance } = cluster({ journalMaxLength: 2 });
    const a = instance();
    const b = instance();
    await a.tags.refresh();
    const generated = later(clock);
    later(clock);
    await a.tags.load(['held'], generated - 100); // A holds a record for `held` (never invalidated)
    await b.tags.invalidate(['held']);
    await b.tags.invalidate(['unheld']);
    await b.tags.invalidate(['x', 'y']); // trims `held` and `unheld` out of the journal
    a.store.resetCalls();
    await a.tags.refresh();
    expect(a.store.calls).toMatchObject({ readJournal: 1, getTagRecords: 1 });
    expect(a.tags.freshness(['held'], generated, clock.now())).toBe('expired');
    expect(a.tags.freshness(['x'], generated, clock.now())).toBe('expired');
    // `unheld` went by in the trimmed part: an entry from before the journal's start reads it.
    await a.tags.load(['unheld'], generated);
    expect(a.store.calls.getTagRecords).toBe(2);
    expect(a.tags.freshness(['unheld'], generated, clock.now())).toBe('expired');
  });

  it('after forgetting a record (LRU), entries generated up to it read their unknown tags again', async () => {
    const { clock, instance } = cluster({ maxKnownTags: 2 });
    const a = instance();
    const b = instance();
    await a.tags.refresh();
    const generated = later(clock);
    later(clock);
    await b.tags.invalidate(['one']);
    await b.tags.invalidate(['two']);
    await b.tags.invalidate(['three']); // A learns all three and can hold two
    await a.tags.refresh();
    a.store.resetCalls();
    await a.tags.load(['one', 'two', 'three'], generated);
    expect(a.store.calls.getTagRecords).toBe(1);
    expect(a.tags.freshness(['one', 'two', 'three'], generated, clock.now())).toBe('expired');
    await a.tags.load(['one'], later(clock));
    expect(a.store.calls.getTagRecords).toBe(1);
  });

  it('reads a long journal in pages within one refresh', async () => {
    const { clock, instance } = cluster();
    const a = instance();
    const b = instance();
    await a.tags.refresh();
    const generated = later(clock);
    later(clock);
    await b.tags.invalidate(Array.from({ length: 2500 }, (_, i) => `bulk:${i}`));
    a.store.resetCalls();
    await a.tags.refresh();
    expect(a.store.calls.readJournal).toBe(3);
    expect(a.tags.freshness(['bulk:0', 'bulk:2499'], generated, clock.now())).toBe('expired');
  });

  it('a soft invalidation is stale until its expiry; a hard one after it expires what it covers', async () => {
    const { clock, instance } = cluster();
    const a = instance();
    await a.tags.refresh();
    const first = later(clock);
    later(clock);
    expect(await a.tags.invalidate(['t'], { expire: 60 })).toMatchObject({ recorded: true });
    expect(a.tags.freshness(['t'], first, clock.now())).toBe('stale');
    clock.advance(60_000);
    expect(a.tags.freshness(['t'], first, clock.now())).toBe('expired');
    const second = later(clock);
    later(clock);
    await a.tags.invalidate(['t'], {}); // revalidateTag(t, 'max'): stale until re-rendered
    expect(a.tags.freshness(['t'], second, clock.now() + YEAR_S * 1000)).toBe('stale');
    expect(a.tags.freshness(['t'], first, clock.now())).toBe('expired');
  });

  it('an invalidation the store missed is honoured at once, counted, and written again with back-off until it lands', async () => {
    vi.useFakeTimers();
    const { clock, instance } = cluster();
    const a = instance({ retryMs: { first: 100, max: 1000 } });
    const b = instance();
    await b.tags.refresh();
    const generated = later(clock);
    later(clock);
    a.store.failing = true;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(await a.tags.invalidate(['t'])).toEqual({ recorded: false, entries: [] });
      expect(warn.mock.calls.some(([line]) => /writes them again/.test(String(line)))).toBe(true);
      expect(a.tags.freshness(['t'], generated, clock.now())).toBe('expired');
      expect(a.tags.pending()).toBe(1);
      a.store.resetCalls();
      await vi.advanceTimersByTimeAsync(2000); // still failing: retried with growing waits
      const attempts = a.store.calls.invalidate;
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect(attempts).toBeLessThanOrEqual(6);
      a.store.failing = false;
      await vi.advanceTimersByTimeAsync(2000);
      expect(a.tags.pending()).toBe(0);
    } finally {
      warn.mockRestore();
    }
    await b.tags.refresh();
    expect(b.tags.freshness(['t'], generated, clock.now())).toBe('expired');
  });

  it('flush writes what is pending now, and says whether anything is left', async () => {
    const { clock, instance } = cluster();
    const a = instance({ retryMs: { first: 60_000, max: 60_000 } });
    const b = instance();
    await b.tags.refresh();
    const generated = later(clock);
    later(clock);
    a.store.failing = true;
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    await a.tags.invalidate(['t'], {});
    vi.restoreAllMocks();
    a.store.failing = false;
    expect(await a.tags.flush(1000)).toBe(true);
    expect(a.tags.pending()).toBe(0);
    await b.tags.refresh();
    expect(b.tags.freshness(['t'], generated, clock.now())).toBe('stale');
    a.tags.close();
  });

  it('a refresh whose read left before our invalidation landed does not take the invalidation back', async () => {
    const { clock, instance } = cluster();
    const a = instance();
    await a.tags.refresh();
    const generated = later(clock);
    later(clock);
    const readJournal = a.store.readJournal;
    let letGo!: () => void;
    a.store.readJournal = async (cursor, limit) => {
      const read = await readJournal(cursor, limit); // read now, answered once let go
      await new Promise<void>((resolve) => {
        letGo = resolve;
      });
      return read;
    };
    const refreshing = a.tags.refresh();
    await vi.waitFor(() => expect(letGo).toBeTypeOf('function'));
    await a.tags.invalidate(['t']);
    letGo();
    await refreshing;
    expect(a.tags.freshness(['t'], generated, clock.now())).toBe('expired');
  });
});
