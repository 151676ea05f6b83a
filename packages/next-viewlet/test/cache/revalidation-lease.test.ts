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
