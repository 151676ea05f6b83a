import { codeOf } from '../support/errors.ts';
import { describe, expect, it } from 'vitest';
import { issueSignedCookie, signCookieValue, verifySignedCookie, type SignedCookieOptions } from '../../src/core/signed-cookie.ts';

const OLD = 'old-secret-old-secret-old-secret-0';
const NEW = 'new-secret-new-secret-new-secret-1';
const cookie: SignedCookieOptions = { name: 'uid', secrets: [NEW] };

describe('signed cookies', () => {
  it('round-trips any value, unicode and separators included', () => {
    for (const value of ['alice', 'a.b.c', 'ünïcødé 🍪', 'v1.x.y', '{"json":true}', 'x'.repeat(2000)]) {
      expect(verifySignedCookie(cookie, signCookieValue(cookie, value))).toEqual({ value, expiresAt: null, currentKey: true });
    }
  });

  it('refuses a forged unsigned value, a tampered payload and a tampered MAC', () => {
    const signed = signCookieValue(cookie, 'alice');
    const [, payload, mac] = signed.split('.');
    const bobPayload = Buffer.from(JSON.stringify(['bob', null])).toString('base64url');
    expect(verifySignedCookie(cookie, 'bob')).toBeNull();
    expect(verifySignedCookie(cookie, `v1.${bobPayload}.${mac}`)).toBeNull();
    const flipped = `${mac!.slice(0, -1)}${mac!.endsWith('A') ? 'B' : 'A'}`;
    expect(verifySignedCookie(cookie, `v1.${payload}.${flipped}`)).toBeNull();
    expect(verifySignedCookie(cookie, `v2.${payload}.${mac}`)).toBeNull();
    expect(verifySignedCookie(cookie, `${signed}.extra`)).toBeNull();
    expect(verifySignedCookie(cookie, undefined)).toBeNull();
    expect(verifySignedCookie(cookie, '')).toBeNull();
  });

  it('refuses a value signed under another secret or for another cookie name', () => {
    const foreign = signCookieValue({ name: 'uid', secrets: ['someone-elses-secret-of-32-chars!!'] }, 'alice');
    expect(verifySignedCookie(cookie, foreign)).toBeNull();
    const session = signCookieValue({ name: 'sid', secrets: [NEW] }, 'alice');
    expect(verifySignedCookie(cookie, session), 'a session cookie is no user cookie').toBeNull();
  });

  it('refuses an expired cookie and accepts it until then', () => {
    const now = Date.UTC(2026, 0, 1);
    const issued = issueSignedCookie(cookie, 'alice', { maxAgeSeconds: 60, now: () => now });
    expect(issued).toMatchObject({ name: 'uid', httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60 });
    expect(verifySignedCookie(cookie, issued.value, now + 59_000)?.value).toBe('alice');
    expect(verifySignedCookie(cookie, issued.value, now + 60_000)).toBeNull();
  });

  it('rotates keys: the first secret signs, every listed one verifies', () => {
    const before = signCookieValue({ name: 'uid', secrets: [OLD] }, 'alice');
    const during: SignedCookieOptions = { name: 'uid', secrets: [NEW, OLD] };
    expect(verifySignedCookie(during, before)).toEqual({ value: 'alice', expiresAt: null, currentKey: false });
    const reissued = signCookieValue(during, 'alice');
    expect(verifySignedCookie({ name: 'uid', secrets: [NEW] }, reissued)?.currentKey).toBe(true);
    expect(verifySignedCookie({ name: 'uid', secrets: [NEW] }, before), 'the retired key no longer verifies').toBeNull();
  });

  it('refuses weak or missing secrets and bad names with E_INVALID_SETTINGS, a bad value with E_INVALID_ARGS', () => {
    expect(codeOf(() => signCookieValue({ name: 'uid', secrets: ['short'] }, 'a'))).toBe('E_INVALID_SETTINGS');
    expect(codeOf(() => signCookieValue({ name: 'uid', secrets: [undefined, ''] }, 'a'))).toBe('E_INVALID_SETTINGS');
    expect(codeOf(() => signCookieValue({ name: 'a b', secrets: [NEW] }, 'a'))).toBe('E_INVALID_SETTINGS');
    expect(codeOf(() => signCookieValue(cookie, ''))).toBe('E_INVALID_ARGS');
    expect(codeOf(() => issueSignedCookie(cookie, 'a', { maxAgeSeconds: 0 }))).toBe('E_INVALID_ARGS');
    expect(codeOf(() => signCookieValue({ name: 'uid', secrets: [undefined, NEW] }, 'a'))).toBeUndefined();
  });
});
