/**
 * Replay protection over a real (in-memory) ViewletStore, the ordering of the
 * replay record against validation and invalidation, and failing closed when
 * the store is down.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorOf, expectRefused, NOW_S, setup, signedRequest } from '../support/webhook.ts';
import { faultyStore } from '../support/test-store.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

afterEach(() => {
  vi.useRealTimers();
});

describe('replays', () => {
  it('the same message twice: invalidated once, then 200 { duplicate: true }', async () => {
    const { handler, invalidate, store } = setup();
    expect((await handler(signedRequest())).status).toBe(200);
    const again = await handler(signedRequest());
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true, revalidated: 0, mode: 'revalidate', tags: [] });
    expect(invalidate).toHaveBeenCalledTimes(1);
    const record = store.records.get('webhook:msg_test_1');
    expect(record?.value).toBe(`done ${sha256(JSON.stringify({ tags: ['product:1'] }))}`);
    expect(record?.expiresAt).toBe(store.clock.now + 601_000);
  });

  it('a retry with the same id and body but a fresh timestamp and signature is a duplicate too', async () => {
    const { handler, invalidate, clock } = setup();
    await handler(signedRequest());
    clock.now += 120_000;
    const retry = await handler(signedRequest({ timestamp: NOW_S + 120 }));
    expect(await retry.json()).toMatchObject({ duplicate: true });
    expect(invalidate).toHaveBeenCalledTimes(1);
  });

  it('the same id with another body → 409, and the first record stays', async () => {
    const { handler, invalidate, store } = setup();
    await handler(signedRequest({ payload: { tags: ['product:1'] } }));
    const response = await handler(signedRequest({ payload: { tags: ['product:2'] } }));
    expect(response.status).toBe(409);
    expect((await errorOf(response)).code).toBe('E_WEBHOOK_REPLAY');
    expect(invalidate).toHaveBeenCalledTimes(1);
    expect(store.records.get('webhook:msg_test_1')?.value).toBe(`done ${sha256(JSON.stringify({ tags: ['product:1'] }))}`);
  });

  it('the record outlives the last moment the timestamp is accepted (whole seconds are floored)', async () => {
    const { handler, invalidate, clock } = setup();
    // Signed 300 s ahead of the receiver: accepted from now until the clock reads NOW_S + 600.999.
    const message = () => signedRequest({ timestamp: NOW_S + 300 });
    expect((await handler(message())).status).toBe(200);
    clock.now += 600_000 + 999;
    const replay = await handler(message());
    expect(await replay.json()).toMatchObject({ duplicate: true });
    expect(invalidate).toHaveBeenCalledTimes(1);
  });

  it('uses replayTtlSeconds and replayKeyPrefix', async () => {
    const { handler, store } = setup({ replayTtlSeconds: 900, replayKeyPrefix: 'shop:wh:' });
    await handler(signedRequest());
    expect(store.records.get('shop:wh:msg_test_1')?.expiresAt).toBe(store.clock.now + 901_000);
  });

  it('a message refused by the schema leaves no record: the fixed body can be sent under the same id', async () => {
    const ctx = setup();
    await expectRefused(ctx, await ctx.handler(signedRequest({ payload: { tags: ['_N_T_/x'] } })), 400, 'E_WEBHOOK_PAYLOAD');
    const fixed = await ctx.handler(signedRequest({ payload: { tags: ['product:1'] } }));
    expect(await fixed.json()).toEqual({ revalidated: 1, mode: 'revalidate', tags: ['product:1'] });
    expect(ctx.invalidate).toHaveBeenCalledTimes(1);
  });

  it('a failed invalidation → 500, the record is removed, and a retry invalidates', async () => {
    const ctx = setup();
    ctx.invalidate.mockRejectedValueOnce(new Error('revalidateTag failed'));
    const failed = await ctx.handler(signedRequest());
    expect(failed.status).toBe(500);
    expect((await errorOf(failed)).code).toBe('E_WEBHOOK_INVALIDATE');
    expect(ctx.store.records.size).toBe(0);
    expect(ctx.events[0]).toMatchObject({ type: 'rejected', code: 'E_WEBHOOK_INVALIDATE', cause: expect.any(Error) });
    expect(ctx.logs).toEqual([
      'error: revalidation webhook: E_WEBHOOK_INVALIDATE: the invalidation failed; retry with the same webhook-id. Cause: Error: revalidateTag failed',
    ]);
    expect((await ctx.handler(signedRequest())).status).toBe(200);
    expect(ctx.invalidate).toHaveBeenCalledTimes(2);
    expect(ctx.store.records.size).toBe(1);
  });

  it('concurrent deliveries of one message invalidate once', async () => {
    const { handler, invalidate } = setup();
    const responses = await Promise.all(Array.from({ length: 5 }, () => handler(signedRequest())));
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ duplicate?: boolean }>));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(bodies.filter((b) => b.duplicate)).toHaveLength(4);
    expect(invalidate).toHaveBeenCalledTimes(1);
  });
});

describe('replay store failures (fail closed)', () => {
  it('a throwing store → 503 E_WEBHOOK_STORE, nothing invalidated, cause reported to onEvent only', async () => {
    const store = faultyStore('throw');
    const ctx = setup({ store });
    const response = await ctx.handler(signedRequest());
    expect(response.status).toBe(503);
    const error = await errorOf(response);
    expect(error.code).toBe('E_WEBHOOK_STORE');
    expect(error.message).not.toContain('ECONNREFUSED');
    expect(ctx.invalidate).not.toHaveBeenCalled();
    expect(store.calls).toBeGreaterThan(0);
    expect(ctx.events[0]).toMatchObject({
      type: 'rejected',
      status: 503,
      cause: expect.objectContaining({ message: 'ECONNREFUSED 127.0.0.1:6379' }),
    });
  });

  it('a hanging store → 503 once storeTimeoutMs has passed, not before', async () => {
    vi.useFakeTimers();
    const ctx = setup({ store: faultyStore('hang'), storeTimeoutMs: 100 });
    let answered: Response | undefined;
    const pending = ctx.handler(signedRequest()).then((response) => (answered = response));
    await vi.advanceTimersByTimeAsync(99);
    expect(answered).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    const response = await pending;
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe('E_WEBHOOK_STORE');
    expect(ctx.invalidate).not.toHaveBeenCalled();
  });

  it('a store that writes the record only after storeTimeoutMs: the retry the 503 asks for still invalidates', async () => {
    vi.useFakeTimers();
    const ctx = setup({ storeTimeoutMs: 50 });
    const real = ctx.store.setIfAbsent.bind(ctx.store);
    vi.spyOn(ctx.store, 'setIfAbsent').mockImplementationOnce(async (key, value, ttlMs) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return real(key, value, ttlMs);
    });
    const refused = ctx.handler(signedRequest());
    await vi.advanceTimersByTimeAsync(50);
    expect((await refused).status).toBe(503);
    // The late write lands, and the record the refused message left is removed again.
    await vi.advanceTimersByTimeAsync(100);
    expect(ctx.store.records.size).toBe(0);
    const retry = await ctx.handler(signedRequest());
    expect(await retry.json()).toEqual({ revalidated: 1, mode: 'revalidate', tags: ['product:1'] });
    expect(ctx.invalidate).toHaveBeenCalledTimes(1);
  });

  it('a store answering null twice (record vanishing) → 503, not a pass', async () => {
    const ctx = setup();
    vi.spyOn(ctx.store, 'setIfAbsent').mockResolvedValue(null);
    expect((await ctx.handler(signedRequest())).status).toBe(503);
    expect(ctx.invalidate).not.toHaveBeenCalled();
  });

  it('a store that recovers works again on the next request', async () => {
    const ctx = setup();
    const spy = vi.spyOn(ctx.store, 'setIfAbsent').mockRejectedValueOnce(new Error('blip'));
    expect((await ctx.handler(signedRequest())).status).toBe(503);
    expect((await ctx.handler(signedRequest())).status).toBe(200);
    expect(spy).toHaveBeenCalledTimes(2);
    expect(ctx.invalidate).toHaveBeenCalledTimes(1);
  });
});
