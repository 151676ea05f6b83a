import { codeOfRejection } from '../support/errors.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { viewlet } from '../../src/core/define.ts';
import { pathProof, VIEWLET_PATH_HEADER, VIEWLET_PATH_PROOF_HEADER } from '../../src/core/path-proof.ts';
import { clearRegistry } from '../../src/core/registry.ts';
import type { IdentityOptions, RequestSnapshot } from '../../src/core/settings.ts';
import { issueSignedCookie, signCookieValue } from '../../src/core/signed-cookie.ts';
import { varyFromRequest } from '../../src/core/vary-from-request.ts';

afterEach(() => clearRegistry());

const SECRET = 'vary-test-secret-with-at-least-32-chars';
const OLD_SECRET = 'vary-test-old-secret-at-least-32-chars';
const userCookie = { name: 'uid', secrets: [SECRET] };
const sessionCookie = { name: 'sid', secrets: [SECRET] };
const identity: IdentityOptions = { userCookie, sessionCookie };
const signed = (value: string, secrets = [SECRET]) => signCookieValue({ name: 'uid', secrets }, value);

function request(cookies: Record<string, string> = {}, headers: Record<string, string> = {}): RequestSnapshot {
  return { cookie: (name) => cookies[name], headers: new Headers(headers) };
}

/** The headers the viewlet proxy sets for `path`. */
function proxied(path: string): Record<string, string> {
  return { [VIEWLET_PATH_HEADER]: path, [VIEWLET_PATH_PROOF_HEADER]: pathProof(path) };
}

describe('varyFromRequest: identity', () => {
  it('resolves nothing for a sitewide viewlet, even when the request has a user', async () => {
    const v = viewlet({ name: 'site' }, () => null);
    expect(await varyFromRequest(v, [], request({ uid: signed('alice') }, proxied('/x')), identity)).toEqual({});
  });

  it('gives each signed-in user an entry and all anonymous visitors one shared entry', async () => {
    const v = viewlet({ name: 'acct', vary: 'user' }, () => null);
    expect(await varyFromRequest(v, [], request({ uid: signed('alice') }), identity)).toEqual({ user: 'alice' });
    expect(await varyFromRequest(v, [], request({ uid: signed('bob') }), identity)).toEqual({ user: 'bob' });
    expect(await varyFromRequest(v, [], request(), identity)).toEqual({ user: null });
    expect(await varyFromRequest(v, [], request({ uid: '' }), identity)).toEqual({ user: null });
  });

  it('never resolves a forged, tampered, foreign or expired cookie to the id it claims', async () => {
    const v = viewlet({ name: 'acct-forged', vary: 'user' }, () => null);
    const alice = signed('alice');
    const [, , mac] = alice.split('.');
    const bobPayload = Buffer.from(JSON.stringify(['bob', null])).toString('base64url');
    const expired = issueSignedCookie(userCookie, 'bob', { maxAgeSeconds: 60, now: () => Date.now() - 61_000 }).value;
    const otherName = signCookieValue({ name: 'sid', secrets: [SECRET] }, 'bob');
    for (const forged of ['bob', `v1.${bobPayload}.${mac}`, expired, signed('bob', [OLD_SECRET]), otherName]) {
      expect(await varyFromRequest(v, [], request({ uid: forged }), identity), forged).toEqual({ user: null });
    }
  });

  it('follows a key rotation: old cookies verify while the old secret is listed, new ones are signed with the new', async () => {
    const v = viewlet({ name: 'acct-rotated', vary: 'user' }, () => null);
    const rotating: IdentityOptions = { userCookie: { name: 'uid', secrets: [SECRET, OLD_SECRET] } };
    expect(await varyFromRequest(v, [], request({ uid: signed('carol', [OLD_SECRET]) }), rotating)).toEqual({ user: 'carol' });
    expect(await varyFromRequest(v, [], request({ uid: signed('dave') }), rotating)).toEqual({ user: 'dave' });
    expect(await varyFromRequest(v, [], request({ uid: signed('carol', [OLD_SECRET]) }), identity)).toEqual({ user: null });
  });

  it('takes a cookie as it is only behind the explicit opt-in', async () => {
    const v = viewlet({ name: 'acct-unsigned', vary: 'user' }, () => null);
    const trusting: IdentityOptions = { userCookie: { name: 'uid', trustUnsignedCookie: true } };
    expect(await varyFromRequest(v, [], request({ uid: 'erin' }), trusting)).toEqual({ user: 'erin' });
    expect(await codeOfRejection(varyFromRequest(v, [], request({ uid: 'erin' }), { userCookie: 'uid' as never }))).toBe(
      'E_INVALID_SETTINGS',
    );
  });

  it('uses an identity function over the cookie and validates what it returns', async () => {
    const v = viewlet({ name: 'acct2', vary: 'user' }, () => null);
    const user = async (r: RequestSnapshot) => r.headers.get('x-user');
    expect(await varyFromRequest(v, [], request({ uid: signed('alice') }, { 'x-user': 'carol' }), { ...identity, user })).toEqual({
      user: 'carol',
    });
    expect(await codeOfRejection(varyFromRequest(v, [], request(), { user: () => 42 as never }))).toBe('E_INVALID_IDENTITY');
    expect(await codeOfRejection(varyFromRequest(v, [], request(), { user: () => 'x'.repeat(5000) }))).toBe('E_INVALID_IDENTITY');
  });

  it('explains how to configure identity when it is missing', async () => {
    const v = viewlet({ name: 'sess', vary: 'session' }, () => null);
    await expect(varyFromRequest(v, [], request(), {})).rejects.toMatchObject({ code: 'E_NO_IDENTITY', message: /configureViewlets/ });
    const sid = signCookieValue(sessionCookie, 's1');
    expect(await varyFromRequest(v, [], request({ sid }), identity)).toEqual({ session: 's1' });
    expect(await varyFromRequest(v, [], request({ sid: 's1' }), identity), 'an unsigned session id').toEqual({ session: null });
  });
});

describe('varyFromRequest: path', () => {
  it('varies by the path the proxy set', async () => {
    const v = viewlet({ name: 'crumbs', vary: 'path' }, () => null);
    expect(await varyFromRequest(v, [], request({}, proxied('/a/b')), identity)).toEqual({ path: '/a/b' });
    await expect(varyFromRequest(v, [], request(), identity)).rejects.toMatchObject({ code: 'E_NO_PATH', message: /proxy/ });
  });

  it('ignores a path header the proxy of this process did not set', async () => {
    const v = viewlet({ name: 'crumbs-forged', vary: 'path' }, () => null);
    const forged: Record<string, string>[] = [
      { [VIEWLET_PATH_HEADER]: '/admin' },
      { [VIEWLET_PATH_HEADER]: '/admin', [VIEWLET_PATH_PROOF_HEADER]: 'x'.repeat(43) },
      { [VIEWLET_PATH_HEADER]: '/admin', [VIEWLET_PATH_PROOF_HEADER]: pathProof('/other') },
    ];
    for (const headers of forged) {
      await expect(varyFromRequest(v, [], request({}, headers), identity)).rejects.toMatchObject({
        code: 'E_NO_PATH',
        message: /not set by the viewlet proxy/,
      });
    }
  });

  it('combines user and path', async () => {
    const v = viewlet({ name: 'up', vary: 'user+path' }, () => null);
    const r = request({ uid: signed('alice') }, proxied('/p/1'));
    expect(await varyFromRequest(v, [], r, identity)).toEqual({ user: 'alice', path: '/p/1' });
  });

  it('applies overrides for refreshing another variant, normalised like a request path', async () => {
    const v = viewlet({ name: 'up2', vary: 'user+path' }, () => null);
    const r = request({ uid: signed('alice') }, proxied('/admin'));
    expect(await varyFromRequest(v, [], r, identity, { path: '/p/%32/' })).toEqual({ user: 'alice', path: '/p/2' });
    expect(await varyFromRequest(v, [], r, identity, { user: null })).toEqual({ user: null, path: '/admin' });
  });

  it('runs a custom vary function with the args and the proven path only', async () => {
    const v = viewlet(
      { name: 'geo', vary: ({ headers, args, path }) => `${headers.get('x-country') ?? 'ZZ'}:${String(args[0])}:${path}` },
      () => null,
    );
    expect(await varyFromRequest(v, ['a'], request({}, { 'x-country': 'SE', ...proxied('/x') }), identity)).toEqual({ custom: 'SE:a:/x' });
    const forged = request({}, { 'x-country': 'SE', [VIEWLET_PATH_HEADER]: '/forged' });
    expect(await varyFromRequest(v, ['a'], forged, identity)).toEqual({ custom: 'SE:a:null' });
    const bad = viewlet({ name: 'geo-bad', vary: () => 1 as never }, () => null);
    expect(await codeOfRejection(varyFromRequest(bad, [], forged, identity))).toBe('E_INVALID_VARY_KEY');
  });
});
