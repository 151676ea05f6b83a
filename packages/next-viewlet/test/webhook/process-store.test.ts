/**
 * The handler's default replay store is the real process store from
 * `src/stores` (here its memory store, set through setProcessStore).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore, setProcessStore } from '../../src/stores/index.ts';
import { createRevalidationHandler } from '../../src/webhook/handler.ts';
import { NOW, SECRET, signedRequest } from '../support/webhook.ts';

afterEach(() => setProcessStore(undefined));

describe('replay protection on the process store', () => {
  it('records the message in the process store and answers a replay as a duplicate', async () => {
    const store = createMemoryStore();
    setProcessStore(store);
    const invalidate = vi.fn();
    const handler = createRevalidationHandler({ secrets: [SECRET], invalidate, now: () => NOW });
    expect((await handler(signedRequest({ id: 'msg_process' }))).status).toBe(200);
    expect(await (await handler(signedRequest({ id: 'msg_process' }))).json()).toMatchObject({ duplicate: true });
    expect((await handler(signedRequest({ id: 'msg_process', payload: { tags: ['other'] } }))).status).toBe(409);
    expect(invalidate).toHaveBeenCalledTimes(1);
    const [record] = await store.getMany(['webhook:msg_process']);
    expect(record).toMatch(/^done [0-9a-f]{64}$/);
  });
});
