/**
 * The webhook's default invalidation: recorded in the store through the cache
 * handler registered in this process (even before any cache call), only then
 * handed to Next's revalidateTag, and Next's repeat of it through
 * `updateTags` after the response is not written a second time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCacheHandler } from '../../src/cache/next-cache-handler.ts';
import { pendingInvalidations, registeredHandlers } from '../../src/cache/process-handlers.ts';
import { recordAndRevalidate } from '../../src/webhook/record-invalidation.ts';
import { chaosStore } from '../support/chaos-store.ts';
import { nextCacheMock } from '../support/next-mocks.ts';
import { memoryStore } from '../support/test-store.ts';

vi.mock('next/cache', async () => (await import('../support/next-mocks.ts')).nextCacheMock);

const handlers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(handlers.splice(0).map((h) => h.close()));
  nextCacheMock.revalidateTag.mockReset();
});

function handlerOn() {
  const store = chaosStore(memoryStore());
  const handler = createCacheHandler({ store, logger: { debug() {}, warn() {}, error() {} } });
  handlers.push(handler);
  return { store, handler };
}

describe('recordAndRevalidate', () => {
  it('records through a handler that has not served a cache call yet, then calls revalidateTag; the repeat is absorbed', async () => {
    const { store, handler } = handlerOn();
    expect(registeredHandlers().length).toBeGreaterThan(0);
    const order: string[] = [];
    const realInvalidate = store.invalidate;
    store.invalidate = async (...args) => {
      order.push('store');
      return realInvalidate(...args);
    };
    nextCacheMock.revalidateTag.mockImplementation(() => order.push('revalidateTag'));

    expect(await recordAndRevalidate({ tags: ['product:1'], mode: 'revalidate' })).toEqual({ recorded: true });
    expect(order).toEqual(['store', 'revalidateTag']);
    expect(nextCacheMock.revalidateTag).toHaveBeenCalledWith('product:1', 'max');
    expect((await store.getTagRecords(['product:1']))[0]).toMatchObject({ at: expect.any(Number) });

    // What Next does after the response (a later turn of the event loop): the same tags and durations, once more.
    await new Promise((resolve) => setImmediate(resolve));
    await handler.updateTags(['product:1'], { expire: 31_536_000 });
    expect(store.calls.invalidate).toBe(1);
    // A later invalidation of the same tags (after this turn of the event loop) is a new one.
    await new Promise((resolve) => setImmediate(resolve));
    await handler.updateTags(['product:1'], { expire: 31_536_000 });
    expect(store.calls.invalidate).toBe(2);
  });

  it('expire → { expire: 0 } and revalidateTag(tag, { expire: 0 })', async () => {
    const { store } = handlerOn();
    await recordAndRevalidate({ tags: ['a'], mode: 'expire' });
    expect(nextCacheMock.revalidateTag).toHaveBeenCalledWith('a', { expire: 0 });
    const [record] = await store.getTagRecords(['a']);
    expect(record?.expireAt).toBe(record?.at);
  });

  it('a store that does not take it: { recorded: false }, revalidateTag not called, the invalidation pending for retry', async () => {
    const { store } = handlerOn();
    store.failNext.invalidate = 'before';
    expect(await recordAndRevalidate({ tags: ['b'], mode: 'revalidate' })).toEqual({ recorded: false });
    expect(nextCacheMock.revalidateTag).not.toHaveBeenCalled();
    expect(pendingInvalidations()).toBe(1);
  });
});
