import { describe, expect, it } from 'vitest';
import { createRevalidationLease } from '../../src/cache/revalidation-lease.ts';
import { chaosStore } from '../support/chaos-store.ts';
import { manualClock } from '../support/manual-clock.ts';
import { sharedMemoryStore } from '../support/shared-memory-store.ts';

function instances() {
  const clock = manualClock();
  const backend = sharedMemoryStore({ now: clock.now });
  const make = () => {
    const store = chaosStore(backend);
    return { store, lease: createRevalidationLease({ store, leaseMs: 5000, now: clock.now }) };
  };
  return { clock, make };
}

describe('revalidation lease', () => {
  it('the first reader of a stale entry re-renders; other instances and its own later reads serve it as fresh until the lease ends', async () => {
    const { clock, make } = instances();
    const a = make();
    const b = make();
    expect(await a.lease.claim('k', 'r:{k}')).toEqual({ mine: true });
    expect(await b.lease.claim('k', 'r:{k}')).toEqual({ mine: false, until: clock.now() + 5000 });
    expect(await a.lease.claim('k', 'r:{k}')).toEqual({ mine: false, until: clock.now() + 5000 });
    b.store.resetCalls();
    expect((await b.lease.claim('k', 'r:{k}')).mine).toBe(false);
    expect(b.store.calls.setIfAbsent).toBe(0); // known locally until it ends
    expect((await a.lease.claim('other', 'r:{other}')).mine).toBe(true);
  });

  it('a failed re-render (nothing stored) retries once the lease has ended, not before', async () => {
    const { clock, make } = instances();
    const a = make();
    const b = make();
    expect((await a.lease.claim('k', 'r:{k}')).mine).toBe(true);
    clock.advance(4999);
    expect((await b.lease.claim('k', 'r:{k}')).mine).toBe(false);
    clock.advance(1);
    expect((await b.lease.claim('k', 'r:{k}')).mine).toBe(true);
  });

  it('a new generation ends the lease at once', async () => {
    const { make } = instances();
    const a = make();
    const b = make();
    expect((await a.lease.claim('k', 'r:{k}')).mine).toBe(true);
    a.lease.release('k');
    await expect.poll(() => b.lease.claim('k', 'r:{k}').then((c) => c.mine)).toBe(true);
  });

  it('re-renders here when the store fails (advisory)', async () => {
    const { make } = instances();
    const a = make();
    a.store.failing = true;
    expect((await a.lease.claim('k', 'r:{k}')).mine).toBe(true);
  });

  it('without a shared store the lease is this process’s own', async () => {
    const clock = manualClock();
    const lease = createRevalidationLease({ store: undefined, leaseMs: 1000, now: clock.now });
    expect((await lease.claim('k', 'r:{k}')).mine).toBe(true);
    expect((await lease.claim('k', 'r:{k}')).mine).toBe(false);
    lease.release('k');
    expect((await lease.claim('k', 'r:{k}')).mine).toBe(true);
  });
});

describe('revalidation lease back-off', () => {
  it('each failed re-render doubles the wait before the next one, up to a bound; a stored one resets it', async () => {
    const clock = manualClock();
    const lease = createRevalidationLease({ store: undefined, leaseMs: 1000, maxLeaseMs: 3000, now: clock.now });
    const waits: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      expect((await lease.claim('k', 'r:{k}')).mine).toBe(true);
      const claim = await lease.claim('k', 'r:{k}');
      if (claim.mine) throw new Error('expected the lease to hold');
      waits.push(claim.until - clock.now());
      clock.advance(claim.until - clock.now()); // the re-render failed: nothing stored, the lease ends
    }
    expect(waits).toEqual([1000, 2000, 3000, 3000]);
    expect((await lease.claim('k', 'r:{k}')).mine).toBe(true);
    lease.release('k'); // a new generation landed
    expect((await lease.claim('k', 'r:{k}')).mine).toBe(true);
    const claim = await lease.claim('k', 'r:{k}');
    expect(claim.mine === false && claim.until - clock.now()).toBe(1000);
  });
});
