/**
 * The identity recipes of docs/security.md, each run with the real package it
 * is for: the resolver verifies what it reads, and a forged, tampered or
 * expired credential is anonymous, never the id it claims.
 */
import { generateKeyPairSync } from 'node:crypto';
import { encode as encodeAuthJsToken, decode as decodeAuthJsToken } from '@auth/core/jwt';
import { verifyToken } from '@clerk/backend';
import { signJwt } from '@clerk/backend/jwt';
import { sealData, unsealData } from 'iron-session';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { viewlet } from '../../src/core/define.ts';
import { clearRegistry } from '../../src/core/registry.ts';
import type { IdentityFn, IdentityOptions, RequestSnapshot } from '../../src/core/settings.ts';
import { issueSignedCookie } from '../../src/core/signed-cookie.ts';
import { varyFromRequest } from '../../src/core/vary-from-request.ts';

afterEach(() => clearRegistry());

function request(cookies: Record<string, string>): RequestSnapshot {
  return { cookie: (name) => cookies[name], headers: new Headers() };
}

async function userOf(identity: IdentityOptions, cookies: Record<string, string>): Promise<string | null | undefined> {
  const v = viewlet({ name: `recipe-${Math.random().toString(36).slice(2)}`, vary: 'user' }, () => null);
  return (await varyFromRequest(v, [], request(cookies), identity)).user;
}

describe('recipe: a plain signed session cookie', () => {
  const userCookie = { name: 'uid', secrets: [process.env.TEST_SECRET ?? 'recipe-secret-with-at-least-32-characters'] };

  it('resolves the id the app issued, and nothing else', async () => {
    const issued = issueSignedCookie(userCookie, 'user_42', { maxAgeSeconds: 3600 });
    expect(await userOf({ userCookie }, { uid: issued.value })).toBe('user_42');
    expect(await userOf({ userCookie }, { uid: 'user_42' })).toBeNull();
    const expired = issueSignedCookie(userCookie, 'user_42', { maxAgeSeconds: 1, now: () => Date.now() - 5_000 });
    expect(await userOf({ userCookie }, { uid: expired.value })).toBeNull();
  });
});

describe('recipe: Auth.js', () => {
  const secret = 'authjs-secret-of-the-app-at-least-32-chars';
  const salt = 'authjs.session-token';

  // In the app: user: async () => (await auth())?.user?.id ?? null. Without Next (or in a custom
  // resolver), the same check on the session cookie itself: decode verifies and decrypts it.
  const user: IdentityFn = async (req) => {
    const token = req.cookie(salt);
    if (!token) return null;
    try {
      return (await decodeAuthJsToken({ token, secret, salt }))?.sub ?? null;
    } catch {
      return null;
    }
  };

  it('resolves the subject of a session token Auth.js issued', async () => {
    const token = await encodeAuthJsToken({ token: { sub: 'auth-user-7', name: 'Ada' }, secret, salt });
    expect(await userOf({ user }, { [salt]: token })).toBe('auth-user-7');
  });

  it('is anonymous for a tampered, foreign or expired token', async () => {
    const token = await encodeAuthJsToken({ token: { sub: 'auth-user-7' }, secret, salt });
    const tampered = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const foreign = await encodeAuthJsToken({ token: { sub: 'auth-user-7' }, secret: 'another-apps-secret-of-32-characters!', salt });
    // Auth.js allows 15 s of clock skew: this one expired a minute ago.
    const expired = await encodeAuthJsToken({ token: { sub: 'auth-user-7' }, secret, salt, maxAge: -60 });
    for (const [label, forged] of Object.entries({ tampered, foreign, expired, bare: 'auth-user-7' })) {
      expect(await userOf({ user }, { [salt]: forged }), label).toBeNull();
    }
  });
});

describe('recipe: Clerk', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwtKey = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const signingKey = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  // In the app: user: async () => (await auth()).userId (from @clerk/nextjs/server). Networkless
  // verification of the __session cookie with the instance's PEM public key does the same check.
  const user: IdentityFn = async (req) => {
    const token = req.cookie('__session');
    if (!token) return null;
    try {
      return (await verifyToken(token, { jwtKey })).sub ?? null;
    } catch {
      return null;
    }
  };

  async function session(key: string, claims: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return signJwt({ sub: 'user_clerk_1', iat: now, nbf: now - 5, exp: now + 60, ...claims }, key, {
      algorithm: 'RS256',
      header: { typ: 'JWT', kid: 'ins_test' },
    });
  }

  it('resolves the user of a session token signed by the instance key', async () => {
    expect(await userOf({ user }, { __session: await session(signingKey) })).toBe('user_clerk_1');
  });

  it('is anonymous for a token signed by another key, an expired one, or a bare id', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const forged = [await session(other), await session(signingKey, { iat: past - 60, nbf: past - 60, exp: past }), 'user_clerk_1'];
    for (const token of forged) expect(await userOf({ user }, { __session: token })).toBeNull();
  });
});

describe('recipe: iron-session', () => {
  const password = 'iron-session-password-of-at-least-32-characters';

  // In the app: (await getIronSession(await cookies(), options)).userId; here the same unseal on the cookie.
  const user: IdentityFn = async (req) => {
    const sealed = req.cookie('app-session');
    if (!sealed) return null;
    try {
      return (await unsealData<{ userId?: string }>(sealed, { password })).userId ?? null;
    } catch {
      return null;
    }
  };

  it('resolves the user id sealed into the session', async () => {
    expect(await userOf({ user }, { 'app-session': await sealData({ userId: 'iron-9' }, { password }) })).toBe('iron-9');
  });

  it('is anonymous for a tampered seal, one sealed with another password, or an expired one', async () => {
    const sealed = await sealData({ userId: 'iron-9' }, { password });
    const tampered = sealed.replace(/\*([^*]+)\*/, (_m, part: string) => `*${part.slice(0, -2)}xx*`);
    const foreign = await sealData({ userId: 'iron-9' }, { password: 'another-password-of-at-least-32-characters' });
    expect(tampered).not.toBe(sealed);
    for (const forged of [tampered, foreign, 'iron-9']) expect(await userOf({ user }, { 'app-session': forged })).toBeNull();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const expiring = await sealData({ userId: 'iron-9' }, { password, ttl: 60 });
      expect(await userOf({ user }, { 'app-session': expiring })).toBe('iron-9');
      vi.setSystemTime(Date.now() + 120_000);
      expect(await userOf({ user }, { 'app-session': expiring })).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});
