/**
 * Who may invalidate: secrets, headers, timestamps, signatures. Every refusal
 * is checked for its status AND for having changed nothing.
 */
import { describe, expect, it } from 'vitest';
import { isViewletError } from '../../src/core/errors.ts';
import { createRevalidationHandler } from '../../src/webhook/handler.ts';
import { signWebhook } from '../../src/webhook/signature.ts';
import { expectRefused, NOW_S, OLD_SECRET, OTHER_SECRET, rawSignature, SECRET, setup, signedRequest } from '../support/webhook.ts';
import { expectViewletError } from '../support/errors.ts';

const BODY = JSON.stringify({ tags: ['product:1'] });
const validSignature = () => signWebhook({ secret: SECRET, id: 'msg_test_1', timestamp: NOW_S, body: BODY })['webhook-signature'];

describe('configuration', () => {
  it.each([
    ['undefined', undefined],
    ['an empty list', []],
    ['an unset env var', [undefined]],
    ['an empty env var', ['']],
  ])('with secrets %s, every request is refused with 503 (fail closed)', async (_label, secrets) => {
    const ctx = setup({ secrets });
    for (const request of [
      signedRequest(),
      signedRequest({ secret: OTHER_SECRET }),
      new Request('https://shop.test/hook', { method: 'POST' }),
    ]) {
      await expectRefused(ctx, await ctx.handler(request), 503, 'E_WEBHOOK_DISABLED');
    }
    expect(ctx.logs, 'warned once, through the given logger').toEqual([
      'warn: the revalidation webhook has no secret configured; every request is refused with 503.',
    ]);
  });

  it('throws E_WEBHOOK_SECRET at creation for a malformed secret, without quoting it', () => {
    let caught: unknown;
    try {
      createRevalidationHandler({ secrets: ['plain-text-secret-that-is-long-enough-to-look-ok'] });
    } catch (error) {
      caught = error;
    }
    expect(isViewletError(caught, 'E_WEBHOOK_SECRET')).toBe(true);
    expect((caught as Error).message).not.toContain('plain-text-secret');
  });

  it('refuses a replay window shorter than the acceptance window', () => {
    expectViewletError(
      () => createRevalidationHandler({ secrets: [SECRET], toleranceSeconds: 300, replayTtlSeconds: 599 }),
      'E_WEBHOOK_OPTIONS',
      /replayTtlSeconds \(599\) must be at least 2 × toleranceSeconds \(600\)/,
    );
    expect(() => createRevalidationHandler({ secrets: [SECRET], toleranceSeconds: 300, replayTtlSeconds: 600 })).not.toThrow();
  });

  it.each([
    ['no options object', null],
    ['a tolerance that is not a whole number', { secrets: [SECRET], toleranceSeconds: 1.5 }],
    ['a zero body limit', { secrets: [SECRET], maxBodyBytes: 0 }],
    ['a NaN body timeout', { secrets: [SECRET], bodyTimeoutMs: Number.NaN }],
    ['a negative store timeout', { secrets: [SECRET], storeTimeoutMs: -1 }],
    ['an invalidate that is not a function', { secrets: [SECRET], invalidate: 'revalidateTag' }],
    ['a clock that is not a function', { secrets: [SECRET], now: 1_700_000_000_000 }],
    ['a store without setIfAbsent', { secrets: [SECRET], store: {} }],
    ['a rate limit that is not an object', { secrets: [SECRET], rateLimit: 60 }],
    ['a rate limit of 0 requests', { secrets: [SECRET], rateLimit: { limit: 0 } }],
    ['a rate-limit window of 1.5 ms', { secrets: [SECRET], rateLimit: { windowMs: 1.5 } }],
    ['a rate limit remembering no clients', { secrets: [SECRET], rateLimit: { maxClients: 0 } }],
    ['a logger without error()', { secrets: [SECRET], logger: { warn() {} } }],
  ])('refuses %s with E_WEBHOOK_OPTIONS at creation', (_label, options) => {
    expectViewletError(() => createRevalidationHandler(options as never), 'E_WEBHOOK_OPTIONS');
  });

  it('a clock that answers NaN fails closed: 500, nothing invalidated', async () => {
    const ctx = setup({ now: () => Number.NaN });
    const error = await expectRefused(ctx, await ctx.handler(signedRequest()), 500, 'E_WEBHOOK_INTERNAL');
    expect(error.message).toMatch(/see the server log/);
    const event = ctx.events.at(-1);
    expect(event).toMatchObject({ type: 'rejected', code: 'E_WEBHOOK_INTERNAL' });
    expect((event as { cause?: { code?: string } }).cause?.code).toBe('E_WEBHOOK_OPTIONS');
    expect(ctx.logs).toEqual([
      expect.stringMatching(/^error: revalidation webhook: E_WEBHOOK_INTERNAL: .* Cause: E_WEBHOOK_OPTIONS: verifyWebhook: now must be/),
    ]);
  });
});

describe('headers', () => {
  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('missing %s → 401', async (name) => {
    const ctx = setup();
    await expectRefused(ctx, await ctx.handler(signedRequest({ headers: { [name]: null } })), 401, 'E_WEBHOOK_HEADERS');
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('empty %s → 401', async (name) => {
    const ctx = setup();
    await expectRefused(ctx, await ctx.handler(signedRequest({ headers: { [name]: '' } })), 401, 'E_WEBHOOK_HEADERS');
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('duplicated %s (same value twice) → 401', async (name) => {
    const ctx = setup();
    const request = signedRequest();
    request.headers.append(name, request.headers.get(name)!);
    await expectRefused(ctx, await ctx.handler(request), 401, 'E_WEBHOOK_HEADERS');
  });

  it.each([
    ['too long', 'm'.repeat(65)],
    ['a dot', 'msg.1'],
    ['a space', 'msg 1'],
    ['non-ASCII', 'msg_é'],
  ])('an id with %s → 401, even correctly signed', async (_label, id) => {
    const ctx = setup();
    const request = signedRequest({ headers: { 'webhook-id': id, 'webhook-signature': rawSignature(SECRET, id, String(NOW_S), BODY) } });
    await expectRefused(ctx, await ctx.handler(request), 401, 'E_WEBHOOK_HEADERS');
  });

  it('accepts a 64-character id and Standard Webhooks msg_ ids', async () => {
    for (const id of ['a'.repeat(64), 'msg_p5jXN8AQM9LWM0D4loKWxJek']) {
      const { handler } = setup();
      expect((await handler(signedRequest({ id }))).status).toBe(200);
    }
  });
});

describe('secrets and rotation', () => {
  it('wrong secret → 401', async () => {
    const ctx = setup();
    await expectRefused(ctx, await ctx.handler(signedRequest({ secret: OTHER_SECRET })), 401, 'E_WEBHOOK_SIGNATURE');
  });

  it('a rotated-out secret → 401', async () => {
    const ctx = setup({ secrets: [SECRET] });
    await expectRefused(ctx, await ctx.handler(signedRequest({ secret: OLD_SECRET })), 401, 'E_WEBHOOK_SIGNATURE');
  });

  it('during the overlap both the old and the new secret pass', async () => {
    for (const secret of [OLD_SECRET, SECRET]) {
      const { handler, invalidate } = setup({ secrets: [SECRET, OLD_SECRET] });
      expect((await handler(signedRequest({ secret }))).status).toBe(200);
      expect(invalidate).toHaveBeenCalledTimes(1);
    }
  });

  it('a sender signing with old and new passes a receiver that knows only one of them', async () => {
    for (const secrets of [[SECRET], [OLD_SECRET]]) {
      const { handler } = setup({ secrets });
      expect((await handler(signedRequest({ secret: [OLD_SECRET, SECRET] }))).status).toBe(200);
    }
  });
});

describe('body integrity', () => {
  it.each([
    ['one byte changed', BODY.replace('product:1', 'product:2')],
    ['a BOM prepended', `\uFEFF${BODY}`],
    ['trailing whitespace', `${BODY}\n`],
    ['re-serialised JSON', JSON.stringify(JSON.parse(BODY), null, 2)],
    ['an empty body', ''],
  ])('%s → 401', async (_label, sendBody) => {
    const ctx = setup();
    await expectRefused(ctx, await ctx.handler(signedRequest({ body: BODY, sendBody })), 401, 'E_WEBHOOK_SIGNATURE');
  });

  it('a signature made for another id → 401', async () => {
    const ctx = setup();
    const request = signedRequest({ headers: { 'webhook-signature': rawSignature(SECRET, 'msg_other', String(NOW_S), BODY) } });
    await expectRefused(ctx, await ctx.handler(request), 401, 'E_WEBHOOK_SIGNATURE');
  });

  it('a signature made for another timestamp → 401', async () => {
    const ctx = setup();
    const request = signedRequest({ headers: { 'webhook-signature': rawSignature(SECRET, 'msg_test_1', String(NOW_S - 1), BODY) } });
    await expectRefused(ctx, await ctx.handler(request), 401, 'E_WEBHOOK_SIGNATURE');
  });
});

describe('timestamps', () => {
  it.each([
    ['now + 301 s', NOW_S + 301],
    ['now - 301 s', NOW_S - 301],
    ['a day old', NOW_S - 86_400],
  ])('%s → 401', async (_label, timestamp) => {
    const ctx = setup();
    await expectRefused(ctx, await ctx.handler(signedRequest({ timestamp })), 401, 'E_WEBHOOK_TIMESTAMP');
  });

  it.each([
    ['now + 300 s', NOW_S + 300],
    ['now - 300 s', NOW_S - 300],
  ])('exactly %s is accepted', async (_label, timestamp) => {
    const { handler, invalidate } = setup();
    expect((await handler(signedRequest({ timestamp }))).status).toBe(200);
    expect(invalidate).toHaveBeenCalledTimes(1);
  });

  it('honours toleranceSeconds', async () => {
    const ctx = setup({ toleranceSeconds: 10 });
    await expectRefused(ctx, await ctx.handler(signedRequest({ timestamp: NOW_S - 11 })), 401, 'E_WEBHOOK_TIMESTAMP');
  });

  // Each is signed over its own header text, so only the strict parse can refuse it.
  it.each([
    ['trailing junk', `${NOW_S}junk`],
    ['milliseconds', String(NOW_S * 1000)],
    ['negative', `-${NOW_S}`],
    ['hex', `0x${NOW_S.toString(16)}`],
    ['exponent', '1.7e9'],
    ['a decimal point', `${NOW_S}.0`],
    ['an inner space', `${NOW_S}`.replace('00', '0 0')],
    ['an inner tab', `${NOW_S}`.replace('00', '0\t0')],
    ['a leading plus', `+${NOW_S}`],
    ['11 digits with a leading zero', `0${NOW_S}`],
    ['a Latin-1 superscript digit', `${NOW_S}`.replace(/0$/, '\u00b9')],
  ])('a timestamp with %s → 401', async (_label, timestamp) => {
    const ctx = setup();
    const request = signedRequest({
      headers: { 'webhook-timestamp': timestamp, 'webhook-signature': rawSignature(SECRET, 'msg_test_1', timestamp, BODY) },
    });
    await expectRefused(ctx, await ctx.handler(request), 401, 'E_WEBHOOK_HEADERS');
  });
});

describe('malformed signatures', () => {
  const wrong = `v1,${Buffer.alloc(32, 1).toString('base64')}`;

  it.each([
    ['"v1,"', () => 'v1,'],
    ['a bare signature without version', () => validSignature().slice(3)],
    ['a truncated signature', () => validSignature().slice(0, -2)],
    ['a signature of the wrong length', () => `v1,${Buffer.alloc(31, 1).toString('base64')}`],
    ['a 64-byte signature', () => `v1,${Buffer.alloc(64, 1).toString('base64')}`],
    ['base64url without padding', () => `v1,${Buffer.from(validSignature().slice(3), 'base64').toString('base64url')}`],
    ['GitHub style', () => `sha256=${Buffer.from(validSignature().slice(3), 'base64').toString('hex')}`],
    ['two spaces between entries', () => `${wrong}  ${validSignature()}`],
    ['a comma-joined list (duplicated header)', () => `${wrong}, ${validSignature()}`],
    ['100 entries including the valid one', () => [...Array<string>(99).fill(wrong), validSignature()].join(' ')],
    ['6 entries including the valid one', () => [...Array<string>(5).fill(wrong), validSignature()].join(' ')],
    ['a long garbage header', () => 'x'.repeat(8000)],
  ])('%s → 401 E_WEBHOOK_HEADERS', async (_label, signature) => {
    const ctx = setup();
    await expectRefused(ctx, await ctx.handler(signedRequest({ headers: { 'webhook-signature': signature() } })), 401, 'E_WEBHOOK_HEADERS');
  });

  it.each([
    ['only a v2 entry', () => `v2,${validSignature().slice(3)}`],
    ['only an asymmetric v1a entry', () => `v1a,${validSignature().slice(3)}`],
    ['only wrong v1 entries', () => [wrong, wrong].join(' ')],
  ])('%s → 401 E_WEBHOOK_SIGNATURE', async (_label, signature) => {
    const ctx = setup();
    await expectRefused(
      ctx,
      await ctx.handler(signedRequest({ headers: { 'webhook-signature': signature() } })),
      401,
      'E_WEBHOOK_SIGNATURE',
    );
  });

  it('one valid among five (other versions ignored) passes', async () => {
    const { handler, invalidate } = setup();
    const signature = [wrong, `v2,${Buffer.alloc(8).toString('base64')}`, wrong, validSignature(), `v1a,abc`].join(' ');
    expect((await handler(signedRequest({ headers: { 'webhook-signature': signature } }))).status).toBe(200);
    expect(invalidate).toHaveBeenCalledTimes(1);
  });
});
