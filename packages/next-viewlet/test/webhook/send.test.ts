/**
 * The sender against the handler behind a real node:http server on
 * 127.0.0.1, plus transport-level body tricks a Request object cannot express.
 */
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { sendRevalidation, WebhookResponseError } from '../../src/webhook/send.ts';
import { signWebhook } from '../../src/webhook/signature.ts';
import { OLD_SECRET, OTHER_SECRET, SECRET, serve, setup } from '../support/webhook.ts';
import { expectViewletRejection } from '../support/errors.ts';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function served(overrides: Parameters<typeof setup>[0] = {}) {
  // Real clock: the sender signs with Date.now().
  const ctx = setup({ now: Date.now, ...overrides });
  const server = await serve(ctx.handler);
  servers.push(server);
  return { ...ctx, url: server.url };
}

async function failure(promise: Promise<unknown>): Promise<WebhookResponseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookResponseError);
  return error as WebhookResponseError;
}

describe('sendRevalidation ↔ createRevalidationHandler over HTTP', () => {
  it('round-trips tags and mode', async () => {
    const { url, invalidate } = await served();
    const result = await sendRevalidation({ url, secret: SECRET, tags: ['product:1', 'product:2'], mode: 'expire' });
    expect(result).toEqual({ revalidated: 2, mode: 'expire', tags: ['product:1', 'product:2'] });
    expect(invalidate).toHaveBeenCalledWith({ tags: ['product:1', 'product:2'], mode: 'expire' });
  });

  it('a retry with the same id is reported as a duplicate and not run again', async () => {
    const { url, invalidate } = await served();
    await sendRevalidation({ url, secret: SECRET, tags: ['a'], id: 'msg_retry_1' });
    const again = await sendRevalidation({ url, secret: SECRET, tags: ['a'], id: 'msg_retry_1' });
    expect(again).toEqual({ duplicate: true, revalidated: 0, mode: 'revalidate', tags: [] });
    expect(invalidate).toHaveBeenCalledTimes(1);
  });

  it('signs with old and new secret during a rotation', async () => {
    const { url } = await served({ secrets: [OLD_SECRET] });
    await expect(sendRevalidation({ url, secret: [SECRET, OLD_SECRET], tags: ['a'] })).resolves.toMatchObject({ revalidated: 1 });
  });

  it('a wrong secret throws WebhookResponseError with status 401 and the receiver code, never the secret', async () => {
    const { url, invalidate } = await served();
    const error = await failure(sendRevalidation({ url, secret: OTHER_SECRET, tags: ['a'] }));
    expect([error.code, error.status, error.remoteCode]).toEqual(['E_WEBHOOK_RESPONSE', 401, 'E_WEBHOOK_SIGNATURE']);
    expect(error.message).not.toContain(OTHER_SECRET.slice(6, 20));
    expect(invalidate).not.toHaveBeenCalled();
  });

  it('a refused payload throws with 400', async () => {
    const { url } = await served();
    const error = await failure(sendRevalidation({ url, secret: SECRET, tags: ['_N_T_/x'] }));
    expect([error.status, error.remoteCode]).toEqual([400, 'E_WEBHOOK_PAYLOAD']);
  });

  it('a 429 carries retryAfterSeconds', async () => {
    const { url } = await served({ signedRateLimit: { limit: 1, windowMs: 30_000 } });
    await sendRevalidation({ url, secret: SECRET, tags: ['a'] });
    const error = await failure(sendRevalidation({ url, secret: SECRET, tags: ['a'], retry: false }));
    expect([error.status, error.retryAfterSeconds]).toEqual([429, 30]);
  });

  it('an unconfigured receiver → 503 E_WEBHOOK_DISABLED', async () => {
    const { url } = await served({ secrets: [undefined] });
    const error = await failure(sendRevalidation({ url, secret: SECRET, tags: ['a'] }));
    expect([error.status, error.remoteCode]).toEqual([503, 'E_WEBHOOK_DISABLED']);
  });

  it('nobody listening → status 0', async () => {
    const { url } = await served();
    await servers.pop()!.close();
    const error = await failure(sendRevalidation({ url, secret: SECRET, tags: ['a'], timeoutMs: 2000, retry: false }));
    expect(error.status).toBe(0);
  });

  it('a 200 that is not a revalidation result (wrong URL) throws', async () => {
    const error = await failure(
      sendRevalidation({
        url: 'https://shop.test/',
        secret: SECRET,
        tags: ['a'],
        fetch: async () => new Response('<html>', { status: 200 }),
      }),
    );
    expect(error.status).toBe(200);
    expect(error.message).toContain('webhook route');
  });

  it('refuses to send nothing', async () => {
    await expect(sendRevalidation({ url: 'https://shop.test/', secret: SECRET })).rejects.toMatchObject({ code: 'E_WEBHOOK_PAYLOAD' });
  });
});

describe('sendRevalidation options', () => {
  it.each([
    ['a NaN timeout', { timeoutMs: Number.NaN }],
    ['a zero timeout', { timeoutMs: 0 }],
    ['a fetch that is not a function', { fetch: 'fetch' }],
  ])('refuses %s with E_WEBHOOK_OPTIONS before sending anything', async (_label, extra) => {
    await expectViewletRejection(
      sendRevalidation({ url: 'http://127.0.0.1:9/never', secret: SECRET, tags: ['a'], ...(extra as object) }),
      'E_WEBHOOK_OPTIONS',
    );
  });
});

describe('transport-level bodies', () => {
  /** Sends raw chunks over HTTP and returns the status; with `hold`, the request is never finished (a sender that stops). */
  function post(url: string, headers: Record<string, string>, chunks: string[], hold = false): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error),
      );
      for (const chunk of chunks) {
        if (req.destroyed) return;
        req.write(chunk);
      }
      if (!hold) req.end();
    });
  }

  it('a chunked body over the cap → 413', async () => {
    const { url, invalidate } = await served({ maxBodyBytes: 1024 });
    const body = JSON.stringify({ tags: ['a'] }) + ' '.repeat(4000);
    const headers = { 'content-type': 'application/json', ...signWebhook({ secret: SECRET, body }) };
    expect(
      await post(
        url,
        headers,
        Array.from({ length: 8 }, (_, i) => body.slice(i * 500, (i + 1) * 500)),
      ),
    ).toBe(413);
    expect(invalidate).not.toHaveBeenCalled();
  });

  it('an honest Content-Length over the cap → 413', async () => {
    const { url, invalidate } = await served({ maxBodyBytes: 1024 });
    const body = JSON.stringify({ tags: ['a'] }) + ' '.repeat(2000);
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...signWebhook({ secret: SECRET, body }),
    };
    expect(await post(url, headers, [body])).toBe(413);
    expect(invalidate).not.toHaveBeenCalled();
  });

  it('a sender that stops half-way → 408 after bodyTimeoutMs', async () => {
    const { url, invalidate } = await served({ bodyTimeoutMs: 200 });
    const body = JSON.stringify({ tags: ['a'] });
    const headers = { 'content-type': 'application/json', ...signWebhook({ secret: SECRET, body }) };
    expect(await post(url, headers, [body.slice(0, 5)], true)).toBe(408);
    expect(invalidate).not.toHaveBeenCalled();
  });

  it('a valid chunked body is accepted', async () => {
    const { url, invalidate } = await served();
    const body = JSON.stringify({ tags: ['a', 'b'] });
    const headers = { 'content-type': 'application/json', ...signWebhook({ secret: SECRET, body }) };
    expect(await post(url, headers, [body.slice(0, 5), body.slice(5)])).toBe(200);
    expect(invalidate).toHaveBeenCalledWith({ tags: ['a', 'b'], mode: 'revalidate' });
  });
});
