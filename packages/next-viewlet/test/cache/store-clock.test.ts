import { describe, expect, it } from 'vitest';
import { createStoreClock } from '../../src/cache/store-clock.ts';

function countingStore(skewMs: number) {
  const store = {
    calls: 0,
    async time() {
      store.calls++;
      await new Promise((resolve) => setTimeout(resolve, 2));
      return Date.now() + skewMs;
    },
  };
  return store;
}

describe('store clock', () => {
  it('blocks the first cache call for one round trip only, then refines in the background', async () => {
    const store = countingStore(60_000);
    const clock = createStoreClock(store, { samples: 3 });
    await clock.ensure();
    expect(store.calls).toBe(1);
    expect(Math.abs(clock.offset() - 60_000)).toBeLessThan(50);

    await clock.ensure(); // starts the full measurement without waiting for it
    expect(store.calls).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.calls).toBe(4);
    await clock.ensure(); // measured now: not due again for a minute
    expect(store.calls).toBe(4);
  });

  it('reads the store clock through the offset without a round trip', async () => {
    const store = countingStore(-30_000);
    const clock = createStoreClock(store);
    await clock.ensure();
    const calls = store.calls;
    expect(Math.abs(clock.now() - (Date.now() - 30_000))).toBeLessThan(50);
    expect(store.calls).toBe(calls);
  });
});
