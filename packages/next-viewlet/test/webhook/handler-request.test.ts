/**
 * The request around the signature: method, content type, body size and
 * speed, rate limit, and what responses and logs may contain.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signWebhook } from '../../src/webhook/signature.ts';
import { errorOf, expectRefused, NOW_S, OLD_SECRET, SECRET, setup, signedRequest, URL_ } from '../support/webhook.ts';
import { streamOf } from '../support/streams.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('method and content type', () => {
  it.each(['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD'])('%s → 405 with Allow: POST', async (method) => {
    const ctx = setup();
    const response = await ctx.handler(signedRequest({ method }));
    expect(response.headers.get('allow')).toBe('POST');
    await expectRefused(ctx, response, 405, 'E_WEBHOOK_METHOD');
  });

  it('a ?secret= query string authenticates nothing: 401, and the secret is not echoed', async () => {
    const ctx = setup();
    const request = new Request(`${URL_}?secret=${encodeURIComponent(SECRET)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tags: ['product:1'] }),
    });
    const response = await ctx.handler(request);
    const text = await response.clone().text();
    await expectRefused(ctx, response, 401, 'E_WEBHOOK_HEADERS');
    expect(text).not.toContain(SECRET.slice(6, 20));
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['a JSON lookalike', 'application/json-patch+json'],
    ['a prefix trick', 'application/jsonx'],
  ])('content type %s → 415', async (_label, type) => {
    const ctx = setup();
    await expectRefused(ctx, await ctx.handler(signedRequest({ headers: { 'content-type': type } })), 415, 'E_WEBHOOK_CONTENT_TYPE');
  });

  it('no content type → 415', async () => {
    const ctx = setup();
    const request = signedRequest({
      sendBody: new TextEncoder().encode(JSON.stringify({ tags: ['product:1'] })),
      headers: { 'content-type': null },
    });
    expect(request.headers.get('content-type')).toBeNull();
    await expectRefused(ctx, await ctx.handler(request), 415, 'E_WEBHOOK_CONTENT_TYPE');
  });

  it('accepts application/json with parameters, in any case', async () => {
    for (const type of ['application/json; charset=utf-8', 'Application/JSON']) {
      const { handler } = setup();
      expect((await handler(signedRequest({ headers: { 'content-type': type } }))).status).toBe(200);
    }
  });
});

describe('body size', () => {
  const max = 1024;
  /** A valid payload padded with spaces to exactly `size` bytes. */
  const bodyOf = (size: number) => {
    const json = JSON.stringify({ tags: ['product:1'] });
    return json + ' '.repeat(size - json.length);
  };

  it('a body of exactly maxBodyBytes is accepted; one byte more → 413', async () => {
    const ok = setup({ maxBodyBytes: max });
    expect((await ok.handler(signedRequest({ body: bodyOf(max) }))).status).toBe(200);
    const ctx = setup({ maxBodyBytes: max });
    await expectRefused(ctx, await ctx.handler(signedRequest({ body: bodyOf(max + 1) })), 413, 'E_WEBHOOK_TOO_LARGE');
  });

  it('an honest Content-Length above the cap → 413 without reading the body', async () => {
    const ctx = setup({ maxBodyBytes: max });
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(100));
      },
    });
    const request = signedRequest({ body: '{}', sendBody: body, headers: { 'content-length': String(max + 1) } });
    await expectRefused(ctx, await ctx.handler(request), 413, 'E_WEBHOOK_TOO_LARGE');
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('a lying Content-Length (small, body large) → 413', async () => {
    const ctx = setup({ maxBodyBytes: max });
    const big = bodyOf(max * 4);
    const request = signedRequest({ body: big, sendBody: streamOf([big]), headers: { 'content-length': '20' } });
    await expectRefused(ctx, await ctx.handler(request), 413, 'E_WEBHOOK_TOO_LARGE');
  });

  it('a chunked body (no Content-Length) over the cap → 413, reading stops at the cap', async () => {
    const ctx = setup({ maxBodyBytes: max });
    let served = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        served += 256;
        controller.enqueue(new TextEncoder().encode(' '.repeat(256)));
      },
    });
    const request = signedRequest({ body: '{}', sendBody: endless });
    expect(request.headers.get('content-length')).toBeNull();
    await expectRefused(ctx, await ctx.handler(request), 413, 'E_WEBHOOK_TOO_LARGE');
    expect(served).toBeLessThanOrEqual(max + 3 * 256);
  });

  it('a slow trickle → 408 once bodyTimeoutMs has passed, though every chunk came in time', async () => {
    vi.useFakeTimers();
    const ctx = setup({ bodyTimeoutMs: 150 });
    const body = JSON.stringify({ tags: ['product:1'] });
    const request = signedRequest({ body, sendBody: streamOf([...body], { delayMs: 40 }) });
    let answered: Response | undefined;
    const pending = ctx.handler(request).then((response) => (answered = response));
    await vi.advanceTimersByTimeAsync(149);
    expect(answered).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await expectRefused(ctx, await pending, 408, 'E_WEBHOOK_TIMEOUT');
  });

  it('a body that stalls forever → 408 after bodyTimeoutMs', async () => {
    vi.useFakeTimers();
    const ctx = setup({ bodyTimeoutMs: 100 });
    const request = signedRequest({ sendBody: streamOf(['{"tags":'], { stall: true }) });
    const pending = ctx.handler(request);
    await vi.advanceTimersByTimeAsync(100);
    await expectRefused(ctx, await pending, 408, 'E_WEBHOOK_TIMEOUT');
  });

  it('a body stream that errors (client gone) → 400, not 500', async () => {
    const ctx = setup();
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('socket hang up'));
      },
    });
    await expectRefused(ctx, await ctx.handler(signedRequest({ sendBody: broken })), 400, 'E_WEBHOOK_PAYLOAD');
  });

  it('a body already consumed by middleware → 400, not 500', async () => {
    const ctx = setup();
    const request = signedRequest();
    await request.text();
    await expectRefused(ctx, await ctx.handler(request), 400, 'E_WEBHOOK_PAYLOAD');
  });
});

describe('rate limit', () => {
  const fromIp = (ip: string, options: Parameters<typeof signedRequest>[0] = {}) =>
    signedRequest({ ...options, headers: { 'x-forwarded-for': ip, ...options.headers } });
  const forged = (ip: string) => fromIp(ip, { headers: { 'webhook-signature': 'v1,forged' } });

  it('limits unverified requests per client address (429 with Retry-After), never a valid signature', async () => {
    const ctx = setup({ rateLimit: { limit: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect((await ctx.handler(forged('203.0.113.7'))).status).toBe(401);
    const limited = await ctx.handler(forged('203.0.113.7'));
    expect([limited.status, limited.headers.get('retry-after'), (await errorOf(limited)).code]).toEqual([
      429,
      '60',
      'E_WEBHOOK_RATE_LIMITED',
    ]);
    // Wrong method and content type count too.
    expect((await ctx.handler(fromIp('203.0.113.7', { method: 'PUT' }))).status).toBe(429);
    const valid = await ctx.handler(fromIp('203.0.113.7'));
    expect(await valid.json()).toEqual({ revalidated: 1, mode: 'revalidate', tags: ['product:1'] });
    expect(ctx.invalidate).toHaveBeenCalledTimes(1);
  });

  it('an unauthenticated flood of 1,000 requests from one address, then a valid signed request → 200', async () => {
    const ctx = setup();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const status = (await ctx.handler(forged('198.51.100.9'))).status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 60, 429: 940 });
    expect((await ctx.handler(fromIp('198.51.100.9'))).status).toBe(200);
  });

  it('is per client address, and a new window starts after windowMs', async () => {
    const ctx = setup({ rateLimit: { limit: 1, windowMs: 10_000 } });
    expect((await ctx.handler(forged('203.0.113.7'))).status).toBe(401);
    expect((await ctx.handler(forged('203.0.113.7'))).status).toBe(429);
    expect((await ctx.handler(forged('198.51.100.2'))).status).toBe(401);
    ctx.clock.now += 4_000;
    const limited = await ctx.handler(forged('203.0.113.7'));
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '6']);
    ctx.clock.now += 6_000;
    expect((await ctx.handler(forged('203.0.113.7'))).status).toBe(401);
  });

  it('limits verified requests per secret, in a budget of their own', async () => {
    const ctx = setup({ secrets: [SECRET, OLD_SECRET], signedRateLimit: { limit: 2, windowMs: 60_000 }, rateLimit: { limit: 1 } });
    expect((await ctx.handler(forged('203.0.113.7'))).status).toBe(401);
    expect((await ctx.handler(signedRequest({ id: 'msg_1' }))).status).toBe(200);
    expect((await ctx.handler(signedRequest({ id: 'msg_2' }))).status).toBe(200);
    const limited = await ctx.handler(signedRequest({ id: 'msg_3' }));
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '60']);
    expect((await ctx.handler(signedRequest({ id: 'msg_4', secret: OLD_SECRET }))).status).toBe(200);
    expect(ctx.invalidate).toHaveBeenCalledTimes(3);
    const off = setup({ signedRateLimit: false });
    for (let i = 0; i < 700; i++) expect((await off.handler(signedRequest({ id: `msg_${i}` }))).status).toBe(200);
  });

  it('uses a custom clientIp, tolerates it throwing, and can be turned off', async () => {
    const custom = setup({ rateLimit: { limit: 1, windowMs: 60_000 }, clientIp: (r) => r.headers.get('x-client') ?? 'none' });
    const from = (client: string) => signedRequest({ headers: { 'x-client': client, 'webhook-signature': 'v1,x' } });
    expect((await custom.handler(from('a'))).status).toBe(401);
    expect((await custom.handler(from('a'))).status).toBe(429);
    expect((await custom.handler(from('b'))).status).toBe(401);

    const throwing = setup({
      clientIp: () => {
        throw new Error('boom');
      },
    });
    expect((await throwing.handler(signedRequest())).status).toBe(200);
    expect(throwing.events[0]).toMatchObject({ client: 'unknown' });

    const off = setup({ rateLimit: false });
    for (let i = 0; i < 70; i++) expect((await off.handler(forged('203.0.113.7'))).status).toBe(401);
  });

  it('keys on trustProxyHops and clientAddressHeader', async () => {
    const hops = setup({ rateLimit: { limit: 1 }, trustProxyHops: 2 });
    // client, proxy 1 (outer), proxy 2 (inner): the client is 2 from the end.
    const chain = (client: string) => fromIp(`forged, ${client}, 10.0.0.2`, { headers: { 'webhook-signature': 'v1,x' } });
    expect((await hops.handler(chain('203.0.113.7'))).status).toBe(401);
    expect((await hops.handler(chain('198.51.100.2'))).status).toBe(401);
    expect((await hops.handler(chain('203.0.113.7'))).status).toBe(429);
    expect(hops.events.map((event) => event.client)).toEqual(['203.0.113.7', '198.51.100.2', '203.0.113.7']);

    const header = setup({ clientAddressHeader: 'x-real-ip' });
    await header.handler(signedRequest({ headers: { 'x-real-ip': '192.0.2.5', 'x-forwarded-for': '10.9.9.9' } }));
    expect(header.events[0]).toMatchObject({ client: '192.0.2.5' });
    expect(() => setup({ trustProxyHops: -1 })).toThrow(expect.objectContaining({ code: 'E_WEBHOOK_OPTIONS' }));
    expect(() => setup({ clientAddressHeader: 'x real ip' })).toThrow(expect.objectContaining({ code: 'E_WEBHOOK_OPTIONS' }));
  });

  it('keeps bounded memory under a flood of forged client addresses', async () => {
    const ctx = setup({ rateLimit: { limit: 1, windowMs: 60_000, maxClients: 100 } });
    for (let i = 0; i < 1000; i++) await ctx.handler(forged(`10.${i >> 8}.${i & 255}.1`));
    // The earliest clients were forgotten (bounded LRU), the latest are still limited.
    expect((await ctx.handler(forged('10.3.231.1'))).status).toBe(429);
    expect((await ctx.handler(forged('10.0.0.1'))).status).toBe(401);
  });
});

describe('what responses and logs contain', () => {
  it('never a secret or an expected signature, and never a 500, across every kind of refusal', async () => {
    const ctx = setup({ secrets: [SECRET], maxBodyBytes: 512, bodyTimeoutMs: 100 });
    const body = JSON.stringify({ tags: ['product:1'] });
    const expected = signWebhook({ secret: SECRET, id: 'msg_test_1', timestamp: NOW_S, body })['webhook-signature'].slice(3);
    const requests = [
      signedRequest({ headers: { 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` } }),
      signedRequest({ body, sendBody: `${body} ` }),
      signedRequest({ timestamp: NOW_S + 999 }),
      signedRequest({ headers: { 'webhook-timestamp': 'junk' } }),
      signedRequest({ method: 'PUT' }),
      signedRequest({ headers: { 'content-type': 'text/plain' } }),
      signedRequest({ body: 'x'.repeat(600) }),
      signedRequest({ payload: { tags: ['_N_T_/secret'] } }),
      signedRequest({ body: '{"tags": [' }),
      new Request(`${URL_}?secret=${encodeURIComponent(SECRET)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }),
    ];
    const texts: string[] = [];
    for (const request of requests) {
      const response = await ctx.handler(request);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(typeof (await errorOf(response.clone())).message).toBe('string');
      texts.push(await response.text());
    }
    const log = JSON.stringify(ctx.events) + texts.join('\n');
    expect(ctx.events).toHaveLength(requests.length);
    for (const needle of [SECRET, SECRET.slice(6, 30), Buffer.from(SECRET.slice(6), 'base64').toString('hex').slice(0, 16), expected]) {
      expect(log).not.toContain(needle);
    }
    expect(ctx.invalidate).not.toHaveBeenCalled();
  });

  it('a throwing onEvent does not change the answer', async () => {
    const { handler, invalidate } = setup({
      onEvent: () => {
        throw new Error('logger down');
      },
    });
    expect((await handler(signedRequest())).status).toBe(200);
    expect(invalidate).toHaveBeenCalledTimes(1);
  });

  it('reports accepted, duplicate and refused messages to onEvent', async () => {
    const ctx = setup({ clientIp: () => '192.0.2.1' });
    await ctx.handler(signedRequest());
    await ctx.handler(signedRequest());
    await ctx.handler(signedRequest({ id: 'msg_2', secret: `whsec_${Buffer.alloc(32, 3).toString('base64')}` }));
    expect(ctx.events).toEqual([
      { type: 'revalidated', id: 'msg_test_1', mode: 'revalidate', tags: ['product:1'], client: '192.0.2.1' },
      { type: 'duplicate', id: 'msg_test_1', client: '192.0.2.1' },
      expect.objectContaining({ type: 'rejected', status: 401, code: 'E_WEBHOOK_SIGNATURE', client: '192.0.2.1' }),
    ]);
    expect(ctx.events[2]).not.toHaveProperty('id');
  });
});
