/**
 * The defaults a Next app gets without injecting anything: the store that judges
 * tags (the process store, or the shared one with a store per cache kind) from
 * `../stores/index.ts` for replay records, and Next's `revalidateTag`.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createRevalidationHandler } from '../../src/webhook/handler.ts';
import { NOW, SECRET, signedRequest } from '../support/webhook.ts';
import { memoryStore } from '../support/test-store.ts';

const mocks = vi.hoisted(() => ({
  revalidateTag: vi.fn(),
  getTagStore: vi.fn(),
}));
vi.mock('next/cache', () => ({ revalidateTag: mocks.revalidateTag }));
vi.mock('../../src/stores/index.ts', () => ({ getTagStore: mocks.getTagStore }));

beforeEach(() => {
  mocks.revalidateTag.mockReset();
  mocks.getTagStore.mockReset();
});

describe('defaults', () => {
  it("revalidate: revalidateTag(tag, 'max') per tag; replay records go to the store that judges tags", async () => {
    const store = memoryStore();
    mocks.getTagStore.mockReturnValue(store);
    const handler = createRevalidationHandler({ secrets: [SECRET], now: () => NOW });
    const response = await handler(signedRequest({ payload: { tags: ['a', 'b'] } }));
    expect(response.status).toBe(200);
    expect(mocks.revalidateTag.mock.calls).toEqual([
      ['a', 'max'],
      ['b', 'max'],
    ]);
    expect([...store.records.keys()]).toEqual(['webhook:msg_test_1']);
  });

  it('expire: revalidateTag(tag, { expire: 0 })', async () => {
    mocks.getTagStore.mockReturnValue(memoryStore());
    const handler = createRevalidationHandler({ secrets: [SECRET], now: () => NOW });
    await handler(signedRequest({ id: 'msg_expire', payload: { tags: ['a'], mode: 'expire' } }));
    expect(mocks.revalidateTag.mock.calls).toEqual([['a', { expire: 0 }]]);
  });

  it('a store that cannot be created → 503, nothing invalidated, and it is retried on the next request', async () => {
    mocks.getTagStore.mockImplementationOnce(() => {
      throw new Error('VIEWLET_REDIS_URL is malformed');
    });
    const handler = createRevalidationHandler({ secrets: [SECRET], now: () => NOW });
    expect((await handler(signedRequest({ id: 'msg_retry' }))).status).toBe(503);
    expect(mocks.revalidateTag).not.toHaveBeenCalled();
    mocks.getTagStore.mockReturnValue(memoryStore());
    expect((await handler(signedRequest({ id: 'msg_retry' }))).status).toBe(200);
    expect(mocks.revalidateTag).toHaveBeenCalledTimes(1);
  });
});
