import { afterEach, describe, expect, it } from 'vitest';
import { clearViewletCaches, defineViewletCache, findViewletCache } from '../../src/core/cache-kind.ts';
import { viewlet } from '../../src/core/define.ts';
import { clearRegistry } from '../../src/core/registry.ts';
import { expectViewletError } from '../support/errors.ts';

afterEach(() => {
  clearRegistry();
  clearViewletCaches();
});

const body = async () => ({ ok: true as const, value: 'x' });

describe('viewlet({ store })', () => {
  it("is 'default' unless given, and part of the fingerprint", () => {
    const nav = viewlet({ name: 'nav' }, () => 'nav');
    expect(nav.store).toBe('default');
    expect(nav.cache).toBeUndefined();
    clearRegistry();
    const remote = viewlet({ name: 'nav', store: 'remote' }, () => 'nav');
    expect(remote.store).toBe('remote');
    expect(remote.fingerprint).not.toBe(nav.fingerprint);
  });

  it('takes a declared custom kind as the object or by name', () => {
    const archive = defineViewletCache('archive', body);
    expect(viewlet({ name: 'a', store: archive }, () => null)).toMatchObject({ store: 'archive', cache: archive });
    // By name: the declaring module may be evaluated after the viewlet's; checked at render.
    expect(viewlet({ name: 'b', store: 'cold-storage' }, () => null)).toMatchObject({ store: 'cold-storage', cache: undefined });
  });

  it.each([
    ['uppercase', 'Remote', /not a cache kind Next accepts/],
    ['digits', 'tier2', /lowercase letters and '-'/],
    ['an empty name', '', /not a cache kind/],
    ['a number', 3, /not a cache kind/],
    ['private', 'private', /'use cache: private' has no cache handler/],
    ['an object that is no declaration', { kind: 'remote' }, /what defineViewletCache\(\) returned/],
  ] as const)('rejects %s with E_INVALID_STORE, naming the viewlet', (_label, store, message) => {
    const error = expectViewletError(() => viewlet({ name: 'v', store: store as never }, () => null), 'E_INVALID_STORE', message);
    expect(error.message).toMatch(/^viewlet "v": /);
  });
});

describe('defineViewletCache()', () => {
  it('registers the kind by name; a re-evaluation replaces it', () => {
    const first = defineViewletCache('archive', body);
    expect(findViewletCache('archive')).toBe(first);
    const second = defineViewletCache('archive', body);
    expect(findViewletCache('archive')).toBe(second);
    expect(first).toMatchObject({ kind: 'viewlet-cache', name: 'archive', run: body });
  });

  it.each([
    ['a built-in kind', 'remote', body, /is built in; use viewlet\(\{ store: 'remote' \}\)/],
    ['a kind Next refuses', 'Archive_1', body, /not a cache kind Next accepts/],
    ['no function', 'archive', undefined, /'use cache: archive' that returns runViewletCache/],
  ] as const)('rejects %s', (_label, name, run, message) => {
    expectViewletError(() => defineViewletCache(name, run as never), 'E_INVALID_STORE', message);
    expect(findViewletCache(name)).toBeUndefined();
  });
});
