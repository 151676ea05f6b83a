import { describe, expect, it, vi } from 'vitest';
import { createStoreClock } from '../../src/cache/store-clock.ts';
import { manualClock } from '../support/manual-clock.ts';

/** A store whose clock is `skewMs` ahead of the local one, answering after `rttMs` of local time. */
function skewedStore(local: ReturnType<typeof manualClock>, skewMs: number, rttMs = 2) {
  const store = {
    calls: 0,
    async time() {
      store.calls++;
      local.advance(rttMs / 2);
      const t = local.now() + skewMs;
      local.advance(rttMs / 2);
      return t;
    },
  };
  return store;
}

describe('store clock', () => {
  it('blocks the first cache call for one round trip only, then refines in the background', async () => {
    const local = manualClock();
    const store = skewedStore(local, 60_000);
    const clock = createStoreClock(store, { samples: 3, now: local.now });
    await clock.ensure();
    expect(store.calls).toBe(1);
    expect(clock.offset()).toBe(60_000);

    await clock.ensure(); // starts the full measurement without waiting for it
    await vi.waitFor(() => expect(store.calls).toBe(4));
    await clock.ensure(); // measured now: not due again for a minute
    expect(store.calls).toBe(4);
    local.advance(60_000);
    await clock.ensure();
    await vi.waitFor(() => expect(store.calls).toBe(7));
  });

  it('reads the store clock through the offset without a round trip', async () => {
    const local = manualClock();
    const store = skewedStore(local, -30_000);
    const clock = createStoreClock(store, { now: local.now });
    await clock.ensure();
    const calls = store.calls;
    expect(clock.now()).toBe(local.now() - 30_000);
    local.advance(1234);
    expect(clock.now()).toBe(local.now() - 30_000);
    expect(store.calls).toBe(calls);
  });

  it('takes an offset within the measurement’s own uncertainty as 0', async () => {
    const local = manualClock();
    const clock = createStoreClock(skewedStore(local, 1, 10), { now: local.now });
    await clock.ensure();
    expect(clock.offset()).toBe(0);
  });

  it('tries again after a failed measurement, not on every call', async () => {
    const local = manualClock();
    let fail = true;
    const store = {
      calls: 0,
      async time() {
        store.calls++;
        if (fail) throw new Error('down');
        return local.now();
      },
    };
    const clock = createStoreClock(store, { retryMs: 5000, now: local.now });
    await clock.ensure();
    await clock.ensure();
    expect(store.calls).toBe(1);
    fail = false;
    local.advance(5000);
    await clock.ensure();
    await vi.waitFor(() => expect(store.calls).toBeGreaterThan(1));
  });
});
