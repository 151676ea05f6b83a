import { afterEach, describe, expect, it } from 'vitest';
import { VIEWLET_PATH_HEADER } from '../../src/core/vary.ts';
import { viewlet } from '../../src/core/define.ts';
import { clearRegistry } from '../../src/core/registry.ts';
import { varyFromRequest } from '../../src/core/vary-from-request.ts';
import type { RequestSnapshot } from '../../src/core/settings.ts';
import { normalizePath } from '../../src/core/vary.ts';
import { expectViewletError, expectViewletRejection } from '../support/errors.ts';

afterEach(() => clearRegistry());

function request(cookies: Record<string, string> = {}, headers: Record<string, string> = {}): RequestSnapshot {
  return { cookie: (name) => cookies[name], headers: new Headers(headers) };
}

const identity = { userCookie: 'uid', sessionCookie: 'sid' };

describe('varyFromRequest', () => {
  it('resolves nothing for a sitewide viewlet, even when the request has a user', async () => {
    const v = viewlet({ name: 'site' }, () => null);
    expect(await varyFromRequest(v, [], request({ uid: 'alice' }, { [VIEWLET_PATH_HEADER]: '/x' }), identity)).toEqual({});
  });

  it('gives each user an entry and all anonymous visitors one shared entry', async () => {
    const v = viewlet({ name: 'acct', vary: 'user' }, () => null);
    expect(await varyFromRequest(v, [], request({ uid: 'alice' }), identity)).toEqual({ user: 'alice' });
    expect(await varyFromRequest(v, [], request({ uid: 'bob' }), identity)).toEqual({ user: 'bob' });
    expect(await varyFromRequest(v, [], request(), identity)).toEqual({ user: null });
    expect(await varyFromRequest(v, [], request({ uid: '' }), identity)).toEqual({ user: null });
  });

  it('uses an identity function over the cookie and validates what it returns', async () => {
    const v = viewlet({ name: 'acct2', vary: 'user' }, () => null);
    const user = async (r: RequestSnapshot) => r.headers.get('x-user');
    expect(await varyFromRequest(v, [], request({}, { 'x-user': 'carol' }), { user })).toEqual({ user: 'carol' });
    await expectViewletRejection(varyFromRequest(v, [], request(), { user: () => 42 as never }), 'E_INVALID_IDENTITY', /string or null/);
  });

  it('explains how to configure identity when it is missing', async () => {
    const v = viewlet({ name: 'sess', vary: 'session' }, () => null);
    await expectViewletRejection(varyFromRequest(v, [], request(), {}), 'E_NO_IDENTITY', /configureViewlets/);
    expect(await varyFromRequest(v, [], request({ sid: 's1' }), identity)).toEqual({ session: 's1' });
    expect(await varyFromRequest(v, [], request(), identity)).toEqual({ session: null });
  });

  it('varies by the path the proxy set, normalised', async () => {
    const v = viewlet({ name: 'crumbs', vary: 'path' }, () => null);
    expect(await varyFromRequest(v, [], request({}, { [VIEWLET_PATH_HEADER]: '/a/b/' }), identity)).toEqual({ path: '/a/b' });
    await expectViewletRejection(varyFromRequest(v, [], request(), identity), 'E_NO_PATH', /proxy/);
  });

  it('combines user and path', async () => {
    const v = viewlet({ name: 'up', vary: 'user+path' }, () => null);
    const r = request({ uid: 'alice' }, { [VIEWLET_PATH_HEADER]: '/p/1' });
    expect(await varyFromRequest(v, [], r, identity)).toEqual({ user: 'alice', path: '/p/1' });
  });

  it('applies overrides for refreshing another variant', async () => {
    const v = viewlet({ name: 'up2', vary: 'user+path' }, () => null);
    const r = request({ uid: 'alice' }, { [VIEWLET_PATH_HEADER]: '/admin' });
    expect(await varyFromRequest(v, [], r, identity, { path: '/p/2' })).toEqual({ user: 'alice', path: '/p/2' });
    expect(await varyFromRequest(v, [], r, identity, { user: null })).toEqual({ user: null, path: '/admin' });
  });

  it('runs a custom vary function with the args and the path', async () => {
    const v = viewlet(
      { name: 'geo', vary: ({ headers, args, path }) => `${headers.get('x-country') ?? 'ZZ'}:${String(args[0])}:${path}` },
      () => null,
    );
    const r = request({}, { 'x-country': 'SE', [VIEWLET_PATH_HEADER]: '/x' });
    expect(await varyFromRequest(v, ['a'], r, identity)).toEqual({ custom: 'SE:a:/x' });
    const bad = viewlet({ name: 'geo-bad', vary: () => 1 as never }, () => null);
    await expectViewletRejection(varyFromRequest(bad, [], r, identity), 'E_INVALID_VARY_KEY', /got number/);
    const long = viewlet({ name: 'geo-long', vary: () => 'x'.repeat(1025) }, () => null);
    await expectViewletRejection(varyFromRequest(long, [], r, identity), 'E_INVALID_VARY_KEY', /1025 chars/);
  });
});

describe('normalizePath', () => {
  it.each([
    ['/', '/'],
    ['/a/', '/a'],
    ['/a//', '/a'],
    ['/a?b=1', '/a'],
    ['/a#x', '/a'],
    ['a', '/a'],
  ])('%s → %s', (input, output) => {
    expect(normalizePath(input)).toBe(output);
  });

  it('refuses absurdly long paths', () => {
    expectViewletError(() => normalizePath(`/${'a'.repeat(2000)}`), 'E_INVALID_PATH', /2001 characters/);
  });
});
