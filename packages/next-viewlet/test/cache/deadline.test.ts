import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { blamesStore, StoreTimeoutError, withDeadline } from '../../src/cache/deadline.ts';
import { deferred } from '../support/manual-clock.ts';

describe('withDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Runs the `setImmediate` a timer that just fired has queued (the deadline's extra I/O turn). */
  const ioTurn = () => vi.advanceTimersByTimeAsync(1); // fake timers run an immediate one ms on

  /** The fake clock, plus `lag` ms of event-loop blocking reported on top of it from the moment `block` is called. */
  function laggyNow() {
    let lag = 0;
    return { now: () => Date.now() + lag, block: (ms: number) => void (lag += ms) };
  }

  it('settles with the work when it answers in time', async () => {
    const reply = deferred<string>();
    const call = withDeadline(reply.promise, { ms: 500, maxExtensionMs: 2000, what: 'get' });
    await vi.advanceTimersByTimeAsync(499);
    reply.resolve('value');
    await expect(call).resolves.toBe('value');
  });

  it('passes the work’s own failure through', async () => {
    const call = withDeadline(Promise.reject(new Error('connection refused')), { ms: 500, maxExtensionMs: 0, what: 'get' });
    await expect(call).rejects.toThrow('connection refused');
  });

  it('gives up at the deadline with a conclusive timeout when the loop kept time', async () => {
    const call = withDeadline(new Promise<never>(() => {}), { ms: 500, maxExtensionMs: 2000, what: 'get' });
    const outcome = call.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(500);
    await ioTurn();
    const error = await outcome;
    expect(error).toBeInstanceOf(StoreTimeoutError);
    expect(error).toMatchObject({ code: 'E_STORE_TIMEOUT', conclusive: true });
    expect(blamesStore(error)).toBe(true);
  });

  it('reads a reply that arrived while the timer was due: I/O gets one more turn before judging', async () => {
    const reply = deferred<string>();
    const call = withDeadline(reply.promise, { ms: 500, maxExtensionMs: 0, what: 'get' });
    // A reply that lands in the same loop iteration the timer fires in, after it.
    setTimeout(() => reply.resolve('late but there'), 500);
    await vi.advanceTimersByTimeAsync(500);
    await expect(call).resolves.toBe('late but there');
  });

  it('gives the store the time the event loop was blocked for, again', async () => {
    const clock = laggyNow();
    const reply = deferred<string>();
    const call = withDeadline(reply.promise, { ms: 500, maxExtensionMs: 2000, what: 'get', now: clock.now });
    clock.block(300); // the timer will fire 300 ms late
    await vi.advanceTimersByTimeAsync(500);
    await ioTurn();
    await vi.advanceTimersByTimeAsync(298);
    reply.resolve('answered within the store’s own 500 ms');
    await expect(call).resolves.toBe('answered within the store’s own 500 ms');
  });

  it('stops waiting once the extensions are used up, without blaming the store', async () => {
    const clock = laggyNow();
    const call = withDeadline(new Promise<never>(() => {}), { ms: 500, maxExtensionMs: 400, what: 'get', now: clock.now });
    const outcome = call.catch((error: unknown) => error);
    clock.block(10_000); // the first timer fires 10 s late: extended by the 400 ms left
    await vi.advanceTimersByTimeAsync(500);
    await ioTurn();
    clock.block(10_000); // and the loop is still blocked when the extension ends
    await vi.advanceTimersByTimeAsync(400);
    await ioTurn();
    const error = await outcome;
    expect(error).toMatchObject({ code: 'E_STORE_TIMEOUT', conclusive: false });
    expect(blamesStore(error)).toBe(false);
  });

  it('blames the store when it still has not answered after an extension the loop kept', async () => {
    const clock = laggyNow();
    const call = withDeadline(new Promise<never>(() => {}), { ms: 500, maxExtensionMs: 2000, what: 'get', now: clock.now });
    const outcome = call.catch((error: unknown) => error);
    clock.block(200);
    await vi.advanceTimersByTimeAsync(500); // late by 200: extended by 200
    await ioTurn();
    clock.block(-200); // the loop keeps time again
    await vi.advanceTimersByTimeAsync(200);
    await ioTurn();
    expect(await outcome).toMatchObject({ conclusive: true });
  });

  it('leaves no timer behind once settled', async () => {
    await withDeadline(Promise.resolve(1), { ms: 500, maxExtensionMs: 0, what: 'get' });
    expect(vi.getTimerCount()).toBe(0);
  });
});
