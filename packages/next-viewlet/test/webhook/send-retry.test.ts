/**
 * The sender's retries, against the real handler called in-process (its
 * `fetch` hands the Request to the handler), on fake timers: which answers are
 * retried, the back-off and `Retry-After`, the same webhook-id every time, and
 * the cap on the reply's size.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sendRevalidation, WebhookResponseError } from '../../src/webhook/send.ts';
import { chaosStore } from '../support/chaos-store.ts';
import { memoryStore } from '../support/test-store.ts';
import { SECRET, setup } from '../support/webhook.ts';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const URL_ = 'https://shop.test/api/viewlets/revalidate';

/** The handler as `fetch`, recording each request's webhook-id. */
function wired(ctx: ReturnType<typeof setup>, before?: (n: number) => Response | Error | undefined) {
  const ids: string[] = [];
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const request = new Request(url, init);
    ids.push(request.headers.get('webhook-id')!);
    const injected = before?.(ids.length);
    if (injected instanceof Error) throw injected;
    return injected ?? ctx.handler(request);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, ids, calls: fetch };
}

async function settle<T>(promise: Promise<T>): Promise<T | unknown> {
  return promise.then(
    (value) => value,
    (error: unknown) => error,
  );
}

describe('sendRevalidation retries', () => {
  it('a 503 from a store outage, then recovery: retried with the same id until 200, and invalidated once', async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const store = chaosStore(memoryStore());
    store.failing = true;
    const ctx = setup({ store, now: Date.now });
    const { fetch, ids } = wired(ctx);
    const sent = settle(sendRevalidation({ url: URL_, secret: SECRET, tags: ['product:1'], fetch }));
    await vi.advanceTimersByTimeAsync(0);
    expect(ids).toHaveLength(1);
    // The answer asks for 5 s (Retry-After), more than the first back-off of 0.5 s.
    await vi.advanceTimersByTimeAsync(4_999);
    expect(ids).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(ids).toHaveLength(2);
    store.failing = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await sent).toEqual({ revalidated: 1, mode: 'revalidate', tags: ['product:1'] });
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    expect(ctx.invalidate).toHaveBeenCalledTimes(1);
  });

  it('network errors back off exponentially with jitter, up to `attempts`, then throw status 0', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0); // the shortest waits: half of each back-off
    const ctx = setup();
    const { fetch, ids } = wired(ctx, () => new TypeError('fetch failed'));
    const sent = settle(sendRevalidation({ url: URL_, secret: SECRET, tags: ['a'], fetch, retry: { attempts: 4, firstDelayMs: 1000 } }));
    await vi.advanceTimersByTimeAsync(0);
    const seen = [ids.length];
    for (const wait of [500, 1000, 2000]) {
      await vi.advanceTimersByTimeAsync(wait - 1);
      seen.push(ids.length);
      await vi.advanceTimersByTimeAsync(1);
      seen.push(ids.length);
    }
    expect(seen).toEqual([1, 1, 2, 2, 3, 3, 4]);
    const error = (await sent) as WebhookResponseError;
    expect(error).toBeInstanceOf(WebhookResponseError);
    expect([error.status, error.message]).toEqual([0, `could not reach ${URL_}: fetch failed`]);
    expect(new Set(ids).size).toBe(1);
  });

  it('a 429 waits for Retry-After; one longer than maxDelayMs ends the retries', async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const ctx = setup({ now: Date.now, signedRateLimit: { limit: 1, windowMs: 3_000 } });
    await sendRevalidation({ url: URL_, secret: SECRET, tags: ['a'], fetch: wired(ctx).fetch });
    const { fetch, ids } = wired(ctx);
    const sent = settle(sendRevalidation({ url: URL_, secret: SECRET, tags: ['b'], fetch }));
    await vi.advanceTimersByTimeAsync(2_999);
    expect(ids).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await sent).toMatchObject({ revalidated: 1, tags: ['b'] });

    const limited = setup({ now: Date.now, signedRateLimit: { limit: 1, windowMs: 60_000 } });
    await sendRevalidation({ url: URL_, secret: SECRET, tags: ['a'], fetch: wired(limited).fetch });
    const once = wired(limited);
    const error = (await settle(
      sendRevalidation({ url: URL_, secret: SECRET, tags: ['b'], fetch: once.fetch, retry: { maxDelayMs: 10_000 } }),
    )) as WebhookResponseError;
    expect([error.status, error.retryAfterSeconds, once.ids.length]).toEqual([429, 60, 1]);
  });

  it('answers that a retry cannot fix are not retried', async () => {
    const ctx = setup({ now: Date.now });
    const refused = wired(ctx);
    const error = (await settle(
      sendRevalidation({ url: URL_, secret: SECRET, tags: ['_N_T_/x'], fetch: refused.fetch }),
    )) as WebhookResponseError;
    expect([error.status, refused.ids.length]).toEqual([400, 1]);
    const disabled = wired(setup({ secrets: [undefined], now: Date.now }));
    const off = (await settle(sendRevalidation({ url: URL_, secret: SECRET, tags: ['a'], fetch: disabled.fetch }))) as WebhookResponseError;
    expect([off.status, off.remoteCode, disabled.ids.length]).toEqual([503, 'E_WEBHOOK_DISABLED', 1]);
  });

  it('reads at most 64 KiB of a reply', async () => {
    const huge = new Response('x'.repeat(200_000), { status: 200, headers: { 'content-type': 'text/plain' } });
    const { fetch } = wired(setup(), () => huge);
    const error = (await settle(sendRevalidation({ url: URL_, secret: SECRET, tags: ['a'], fetch }))) as WebhookResponseError;
    expect(error).toBeInstanceOf(WebhookResponseError);
    expect([error.status, error.message]).toEqual([
      200,
      `the receiver answered 200 with more than 65536 bytes; is ${URL_} the webhook route?`,
    ]);
  });

  it('refuses malformed retry options', async () => {
    await expect(sendRevalidation({ url: URL_, secret: SECRET, tags: ['a'], retry: { attempts: 0 } })).rejects.toMatchObject({
      code: 'E_WEBHOOK_OPTIONS',
    });
  });
});
