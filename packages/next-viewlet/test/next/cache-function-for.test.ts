/**
 * A viewlet's `store` picks its kind's cached function, and a kind no handler
 * serves fails its render with what to add (the page shows the fallback).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearViewletCaches, defineViewletCache } from '../../src/core/cache-kind.ts';
import { viewlet } from '../../src/core/define.ts';
import { cacheFunctionFor } from '../../src/next/cache-function-for.ts';
import { cachedViewlet, cachedViewletRemote, runViewletCache } from '../../src/next/cached-viewlet.ts';
import { renderViewlet } from '../../src/next/render-viewlet.ts';
import { expectViewletError, expectViewletRejection } from '../support/errors.ts';
import { nextCacheMock, useNextLayer } from '../support/next-mocks.ts';

vi.mock('next/cache', async () => (await import('../support/next-mocks.ts')).nextCacheMock);
vi.mock('next/server', async () => (await import('../support/next-mocks.ts')).nextServerMock);
vi.mock('next/headers', async () => (await import('../support/next-mocks.ts')).nextHeadersMock);

useNextLayer();

const HANDLERS = Symbol.for('@next/cache-handlers-map');
const BUILT_IN = Symbol.for('@next/cache-handlers-built-in');
type Next = Record<symbol, unknown>;

/** Next's handler map as a running server has it: `kinds` served by handlers of their own, the rest by the built-in one. */
function nextHandlers(kinds: Record<string, 'own' | 'built-in'>): void {
  const builtIn = { builtIn: true };
  const map = new Map<string, unknown>(Object.entries(kinds).map(([kind, by]) => [kind, by === 'own' ? { kind } : builtIn]));
  (globalThis as Next)[HANDLERS] = map;
  (globalThis as Next)[BUILT_IN] = new Set([builtIn]);
}

afterEach(() => {
  delete (globalThis as Next)[HANDLERS];
  delete (globalThis as Next)[BUILT_IN];
  clearViewletCaches();
});

describe('cacheFunctionFor', () => {
  it("routes 'default' and 'remote' to their own cached functions", () => {
    expect(cacheFunctionFor(viewlet({ name: 'a' }, () => 'a'))).toBe(cachedViewlet);
    expect(cacheFunctionFor(viewlet({ name: 'b', store: 'remote' }, () => 'b'))).toBe(cachedViewletRemote);
  });

  it('every kind runs the same body: life, tags and the render', async () => {
    const archive = defineViewletCache('archive', (name, vary, args) => runViewletCache(name, vary, args));
    for (const store of ['default', 'remote', archive] as const) {
      nextCacheMock.cacheLife.mockClear();
      nextCacheMock.cacheTag.mockClear();
      const name = `same-${typeof store === 'string' ? store : store.name}`;
      const definition = viewlet({ name, store, life: 'hours', tags: ['shop'] }, () => `${name} body`);
      expect(await renderViewlet(definition, [])).toBe(`${name} body`);
      expect(nextCacheMock.cacheLife).toHaveBeenCalledWith('hours');
      expect(nextCacheMock.cacheTag).toHaveBeenCalledWith(`viewlet:${name}`, `viewlet:${name}:[]`, 'shop');
    }
  });

  it('finds a custom kind declared by name after the viewlet was defined', async () => {
    const late = viewlet({ name: 'late', store: 'cold' }, () => 'cold body');
    await expectViewletRejection(renderViewlet(late, []), 'E_INVALID_STORE', /no defineViewletCache\('cold', \.\.\.\) is loaded/);
    const run = vi.fn(runViewletCache);
    defineViewletCache('cold', run);
    expect(await renderViewlet(late, [])).toBe('cold body');
    expect(run).toHaveBeenCalledWith('late', {}, []);
  });
});

describe('a kind no handler serves', () => {
  it("'remote' served by Next's built-in handler (withViewlets cacheHandler: false): says what to add", () => {
    nextHandlers({ default: 'built-in', remote: 'built-in' });
    const error = expectViewletError(
      () => cacheFunctionFor(viewlet({ name: 'cart', store: 'remote' }, () => null)),
      'E_INVALID_STORE',
      /viewlet "cart" uses store "remote", but no cache handler is configured for the "remote" kind \(Next's built-in in-process one would serve it\)/,
    );
    expect(error.message).toMatch(/cacheHandlers\['remote'\]/);
  });

  it('a custom kind missing from cacheHandlers', () => {
    nextHandlers({ default: 'own', remote: 'own' });
    const archive = defineViewletCache('archive', runViewletCache);
    expectViewletError(
      () => cacheFunctionFor(viewlet({ name: 'old', store: archive }, () => null)),
      'E_INVALID_STORE',
      /no cache handler is configured for the "archive" kind; .*stores: \{ 'archive': \{\} \}/,
    );
  });

  it("'default' on Next's built-in handler is a choice (cacheHandler: false), and a kind with a handler passes", () => {
    nextHandlers({ default: 'built-in', remote: 'own', archive: 'own' });
    const archive = defineViewletCache('archive', runViewletCache);
    expect(cacheFunctionFor(viewlet({ name: 'd' }, () => null))).toBe(cachedViewlet);
    expect(cacheFunctionFor(viewlet({ name: 'r', store: 'remote' }, () => null))).toBe(cachedViewletRemote);
    expect(cacheFunctionFor(viewlet({ name: 'x', store: archive }, () => null))).toBe(runViewletCache);
  });

  it('fails the render, not the page: renderViewlet rejects with the code (the boundary shows the fallback)', async () => {
    nextHandlers({ default: 'own', remote: 'built-in' });
    const cart = viewlet({ name: 'cart2', store: 'remote' }, () => 'never');
    await expectViewletRejection(renderViewlet(cart, []), 'E_INVALID_STORE');
  });
});
