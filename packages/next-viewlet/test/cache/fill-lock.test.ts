import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFillLock } from '../../src/cache/fill-lock.ts';
import { createRevalidationLease } from '../../src/cache/revalidation-lease.ts';

/** A store of plain values with leases on the (faked) Date clock: no timers of its own, so every timer counted is the lock's. */
function leaseStore() {
  const values = new Map<string, { value: string; until: number }>();
  const read = (key: string) => {
    const held = values.get(key);
    return held && held.until > Date.now() ? held.value : null;
  };
  return {
    setIfAbsent: vi.fn(async (key: string, value: string, ttlMs: number): Promise<true | string | null> => {
      const current = read(key);
      if (current !== null) return current;
      values.set(key, { value, until: Date.now() + ttlMs });
      return true;
    }),
    getMany: async (keys: string[]) => keys.map(read),
    deleteIfEquals: async (key: string, value: string) => {
      const match = read(key) === value;
      if (match) values.delete(key);
      return match;
    },
    put: (key: string, value: string) => values.set(key, { value, until: Number.POSITIVE_INFINITY }),
  };
}

const keys = { entry: 'e:{k}', lock: 'l:{k}' };

afterEach(() => {
  vi.useRealTimers();
});

describe('fill lock', () => {
  it('the holder renders again on a miss while its lease lasts, and defers to the store once it has ended', async () => {
    vi.useFakeTimers();
    const store = leaseStore();
    const lock = createFillLock(store, { leaseMs: 5000, waitMs: 100 });
    const other = createFillLock(store, { leaseMs: 5000, waitMs: 100 });
    expect(await lock.claimOrWait('k', keys, async () => undefined)).toBeUndefined(); // taken: render
    expect(await lock.claimOrWait('k', keys, async () => undefined)).toBeUndefined(); // still ours
    expect(store.setIfAbsent).toHaveBeenCalledTimes(1);
    // Another instance waits for the holder's entry.
    const waiting = other.claimOrWait('k', keys, async (text) => text ?? undefined);
    store.put(keys.entry, 'the entry');
    await vi.advanceTimersByTimeAsync(100);
    expect(await waiting).toBe('the entry');
    // After the lease, the holder asks the store again (and gets it: the lease in the store ended too).
    vi.setSystemTime(Date.now() + 5000);
    expect(await lock.claimOrWait('k', keys, async () => undefined)).toBeUndefined();
    expect(store.setIfAbsent).toHaveBeenCalledTimes(3);
  });

  it('a claim leaves no timer behind (a timer made in a request keeps the whole request alive until it fires)', async () => {
    vi.useFakeTimers();
    const store = leaseStore();
    const lock = createFillLock(store, { leaseMs: 5000, waitMs: 100 });
    for (let i = 0; i < 50; i++) await lock.claimOrWait(`k${i}`, { entry: `e:{k${i}}`, lock: `l:{k${i}}` }, async () => undefined);
    expect(vi.getTimerCount()).toBe(0);
    lock.release('k0');
    expect(await store.getMany(['l:{k0}', 'l:{k1}'])).toEqual([null, expect.any(String)]);
  });
});

describe('revalidation lease', () => {
  it('a claim leaves no timer behind, and an ended lease can be claimed again', async () => {
    vi.useFakeTimers();
    const store = leaseStore();
    const lease = createRevalidationLease({ store, leaseMs: 5000, now: () => Date.now() });
    for (let i = 0; i < 50; i++) expect((await lease.claim(`k${i}`, `r:{k${i}}`)).mine).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect((await lease.claim('k0', 'r:{k0}')).mine).toBe(false);
    vi.setSystemTime(Date.now() + 5000);
    expect((await lease.claim('k0', 'r:{k0}')).mine).toBe(true);
  });

  it('an entry that landed between the miss and the claim is used: the lock is taken, the entry read once more, the lock let go', async () => {
    const store = leaseStore();
    const lock = createFillLock(store, { leaseMs: 5000, waitMs: 100 });
    // The miss read nothing; meanwhile another instance stored the entry and released its lock.
    store.put(keys.entry, 'stored elsewhere');
    expect(await lock.claimOrWait('k', keys, async (text) => text ?? undefined)).toBe('stored elsewhere');
    expect(await store.getMany([keys.lock])).toEqual([null]); // let go at once, not held for the lease
    // Nothing landed: the lock stays taken and the caller renders.
    expect(await lock.claimOrWait('k2', { entry: 'e:{k2}', lock: 'l:{k2}' }, async (text) => text ?? undefined)).toBeUndefined();
    expect(await store.getMany(['l:{k2}'])).not.toEqual([null]);
  });
});
