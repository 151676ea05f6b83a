import { describe, expect, it } from 'vitest';
import { isViewletError } from '../../src/core/errors.ts';
import { generateWebhookSecret, parseSecret, parseSecrets } from '../../src/webhook/secrets.ts';
import { hmacSha256, signWebhook, verifyWebhook } from '../../src/webhook/signature.ts';
import { errorOf, setup, SECRET } from '../support/webhook.ts';
import { codeOf } from '../support/errors.ts';

// Published by the standard-webhooks repository (libraries/javascript/src/webhook.test.ts, "sign function works").
const SW = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('hmacSha256', () => {
  it('matches the GitHub webhook test vector', () => {
    expect(hmacSha256("It's a Secret to Everybody", 'Hello, World!').toString('hex')).toBe(
      '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });
});

describe('Standard Webhooks test vector', () => {
  const headers = { 'webhook-id': SW.id, 'webhook-timestamp': String(SW.timestamp), 'webhook-signature': SW.signature };

  it('signWebhook produces the published signature', () => {
    expect(signWebhook({ secret: SW.secret, id: SW.id, timestamp: SW.timestamp, body: SW.body })).toEqual(headers);
  });

  it('verifyWebhook accepts it at its own time, with header names in any case', () => {
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook({ secrets: [SW.secret], headers: upper, body: SW.body, now: SW.timestamp * 1000 })).toEqual({
      id: SW.id,
      timestamp: SW.timestamp,
    });
  });

  it('verifyWebhook refuses it today (too old) and with one byte changed', () => {
    expect(codeOf(() => verifyWebhook({ secrets: [SW.secret], headers, body: SW.body }))).toBe('E_WEBHOOK_TIMESTAMP');
    expect(codeOf(() => verifyWebhook({ secrets: [SW.secret], headers, body: SW.body.replace('4', '5'), now: SW.timestamp * 1000 }))).toBe(
      'E_WEBHOOK_SIGNATURE',
    );
  });

  it("passes the handler's verification (the body then fails the payload schema: 400, not 401)", async () => {
    const { handler, invalidate, store } = setup({ secrets: [SW.secret], now: () => SW.timestamp * 1000 });
    const response = await handler(
      new Request('https://shop.test/hook', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: SW.body }),
    );
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('E_WEBHOOK_PAYLOAD');
    expect(invalidate).not.toHaveBeenCalled();
    expect(store.records.size).toBe(0);
  });
});

describe('secrets', () => {
  it('accepts whsec_ + base64 of at least 24 bytes, with or without padding and surrounding whitespace', () => {
    expect(parseSecret(SW.secret)).toHaveLength(24);
    expect(parseSecret(`${SECRET}\n`)).toHaveLength(32);
    expect(parseSecret(SECRET.replace(/=+$/, ''))).toEqual(parseSecret(SECRET));
  });

  it.each([
    ['no prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['raw text', 'this-is-a-long-enough-plain-text-secret-value'],
    ['too short (16 bytes)', `whsec_${Buffer.alloc(16, 1).toString('base64')}`],
    ['base64url alphabet', `whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}`],
    ['not base64', 'whsec_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!'],
    ['bare prefix', 'whsec_'],
    ['a number', 12345],
  ])('refuses %s with E_WEBHOOK_SECRET and never quotes it', (_label, secret) => {
    let caught: unknown;
    try {
      parseSecret(secret);
    } catch (error) {
      caught = error;
    }
    expect(isViewletError(caught, 'E_WEBHOOK_SECRET')).toBe(true);
    const text = String(secret).replace(/^whsec_/, '');
    if (text.length > 0) expect((caught as Error).message).not.toContain(text);
  });

  it('skips unset entries (undefined, null, empty) but throws on a malformed one', () => {
    expect(parseSecrets([undefined, '', null, '  '])).toEqual([]);
    expect(parseSecrets(undefined)).toEqual([]);
    expect(codeOf(() => parseSecrets([SECRET, 'nope']))).toBe('E_WEBHOOK_SECRET');
  });

  it('generateWebhookSecret makes distinct, parseable 32-byte secrets', () => {
    const a = generateWebhookSecret();
    expect(parseSecret(a)).toHaveLength(32);
    expect(a).not.toBe(generateWebhookSecret());
  });
});

describe('signWebhook', () => {
  it('signs with every given secret (rotation) and defaults to a fresh msg_ id and the current time', () => {
    const before = Math.floor(Date.now() / 1000);
    const headers = signWebhook({ secret: [SECRET, SW.secret], body: '{}' });
    expect(headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]{24}$/);
    expect(Number(headers['webhook-timestamp'])).toBeGreaterThanOrEqual(before);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [SECRET, SW.secret]) {
      expect(verifyWebhook({ secrets: [secret], headers, body: '{}' }).id).toBe(headers['webhook-id']);
    }
  });

  it('refuses ids and timestamps the receiver would refuse', () => {
    expect(codeOf(() => signWebhook({ secret: SECRET, body: '{}', id: 'has space' }))).toBe('E_WEBHOOK_HEADERS');
    expect(codeOf(() => signWebhook({ secret: SECRET, body: '{}', timestamp: Date.now() }))).toBe('E_WEBHOOK_HEADERS');
    expect(codeOf(() => signWebhook({ secret: SECRET, body: '{}', timestamp: 1.5 }))).toBe('E_WEBHOOK_HEADERS');
    expect(codeOf(() => signWebhook({ secret: [], body: '{}' }))).toBe('E_WEBHOOK_SECRET');
  });
});

describe('verifyWebhook with a broken clock or tolerance fails closed', () => {
  // A message signed in 2021, checked in 2023: far outside any sane tolerance.
  const body = '{"tags":["a"]}';
  const headers = signWebhook({ secret: SECRET, id: 'msg_old', timestamp: 1_614_265_330, body });
  const now = 1_700_000_000_000;

  it.each([
    ['toleranceSeconds NaN (an unset env var through Number())', { now, toleranceSeconds: Number(undefined) }],
    ['toleranceSeconds negative', { now, toleranceSeconds: -1 }],
    ['now NaN (an invalid Date)', { now: new Date('x').getTime() }],
  ])('%s throws E_WEBHOOK_OPTIONS instead of skipping the freshness check', (_name, extra) => {
    expect(codeOf(() => verifyWebhook({ secrets: [SECRET], headers, body, ...extra }))).toBe('E_WEBHOOK_OPTIONS');
  });
});
