import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { guardStore } from '../../src/cache/guarded-store.ts';
import type { ViewletStore } from '../../src/stores/types.ts';
import { deferred } from '../support/manual-clock.ts';
import { memoryStore } from '../support/test-store.ts';

const quiet = { debug() {}, warn() {}, error() {}, warnOnce() {}, clearWarning: () => false };

/**
 * A store that connects on first use, as the Redis ones do: `open()` and every
 * call wait for the connection, which the test brings up (or never does).
 */
function connectingStore() {
  const inner = memoryStore();
  const connection = deferred();
  let opens = 0;
  const connected =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await connection.promise;
      return call(...args);
    };
  const store: ViewletStore = {
    ...inner,
    open: async () => {
      opens += 1;
      await connection.promise;
    },
    getMany: connected(inner.getMany),
    time: connected(inner.time),
  };
  return { store, connect: () => connection.resolve(), opens: () => opens };
}

/** Whether `promise` has settled, read without awaiting it. */
function settledFlag(promise: Promise<unknown>) {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return () => settled;
}

describe('guarded store: the first connection', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is not judged by the read deadline: calls made meanwhile wait for it, and the circuit stays closed', async () => {
    const { store, connect, opens } = connectingStore();
    const guarded = guardStore(store, { timeoutMs: 500, openTimeoutMs: 5000, log: quiet });
    const read = guarded.getMany(['k']);
    const settled = settledFlag(read);
    await vi.advanceTimersByTimeAsync(1500); // three read deadlines: a cluster's discovery under a burst
    expect(settled()).toBe(false);
    connect();
    await expect(read).resolves.toEqual([null]);
    expect(guarded.breaker.state).toBe('closed');
    // Connected: the next call neither opens again nor waits.
    await expect(guarded.getMany(['k'])).resolves.toEqual([null]);
    expect(opens()).toBe(1);
  });

  it('a connection that never comes fails the calls at openTimeoutMs, once: later calls have the read deadline', async () => {
    const { store, opens } = connectingStore();
    // No confirming check and a high threshold: the circuit stays closed, so the second call reaches the store.
    const guarded = guardStore(store, { timeoutMs: 500, openTimeoutMs: 2000, confirmTimeoutMs: 0, failureThreshold: 10, log: quiet });
    const first = guarded.getMany(['k']).catch((error: unknown) => error);
    const firstSettled = settledFlag(first);
    await vi.advanceTimersByTimeAsync(1999);
    expect(firstSettled()).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    await vi.advanceTimersByTimeAsync(1); // the deadline's extra I/O turn
    expect(await first).toMatchObject({ code: 'E_STORE_TIMEOUT', message: expect.stringContaining('open (first connection)') });

    const second = guarded.getMany(['k']).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(502);
    expect(await second).toMatchObject({
      code: 'E_STORE_TIMEOUT',
      message: expect.stringContaining('getMany got no answer within 500 ms'),
    });
    expect(opens()).toBe(1);
  });

  it('a connection refused fails the waiting calls with its error and counts against the store', async () => {
    const inner = memoryStore();
    const store: ViewletStore = { ...inner, open: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')) };
    const guarded = guardStore(store, { timeoutMs: 500, confirmTimeoutMs: 0, failureThreshold: 1, log: quiet });
    await expect(guarded.getMany(['k'])).rejects.toThrow('ECONNREFUSED');
    expect(guarded.breaker.state).toBe('open');
  });
});
