/**
 * `renderViewlet` without a browser: Next's request APIs are mocked
 * (test/support/next-mocks.ts), everything of ours runs for real.
 */
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ViewletError } from '../../src/core/errors.ts';
import { viewlet } from '../../src/core/define.ts';
import { configureViewlets } from '../../src/core/settings.ts';
import { VIEWLET_PATH_HEADER } from '../../src/core/vary.ts';
import { cachedViewlet, unwrapCached } from '../../src/next/cached-viewlet.ts';
import { loadViewletIsland } from '../../src/next/island-action.ts';
import { renderViewlet } from '../../src/next/render-viewlet.ts';
import { expectViewletRejection } from '../support/errors.ts';
import { nextCacheMock, nextServerMock, request, useNextLayer } from '../support/next-mocks.ts';

vi.mock('next/cache', async () => (await import('../support/next-mocks.ts')).nextCacheMock);
vi.mock('next/server', async () => (await import('../support/next-mocks.ts')).nextServerMock);
vi.mock('next/headers', async () => (await import('../support/next-mocks.ts')).nextHeadersMock);

useNextLayer();

describe('renderViewlet', () => {
  it('a sitewide viewlet: marks the request dynamic, then renders through the cached function with its tags and life', async () => {
    const render = vi.fn((_ctx: unknown, id: string) => `teaser ${id}`);
    const teaser = viewlet({ name: 'teaser', life: 'hours', tags: (id: string) => [`product:${id}`] }, render);
    expect(await renderViewlet(teaser, ['3'])).toBe('teaser 3');
    expect(nextServerMock.connection).toHaveBeenCalledTimes(1);
    expect(nextCacheMock.cacheLife).toHaveBeenCalledWith('hours');
    expect(nextCacheMock.cacheTag).toHaveBeenCalledWith('viewlet:teaser', 'viewlet:teaser:["3"]', 'product:3');
    expect(render).toHaveBeenCalledWith({ name: 'teaser' }, '3');
  });

  it('a user viewlet: the vary facts come from the request, and the request is already dynamic (no connection())', async () => {
    const account = viewlet({ name: 'account', vary: 'user', life: { revalidate: '5m', expire: '1h' } }, (ctx) => ctx);
    request.cookies.set('uid', 'alice');
    expect(await renderViewlet(account, [])).toEqual({ name: 'account', user: 'alice' });
    expect(nextServerMock.connection).not.toHaveBeenCalled();
    expect(nextCacheMock.cacheLife).toHaveBeenCalledWith({ revalidate: 300, expire: 3600 });
  });

  it('a path viewlet reads the proxy header', async () => {
    const crumbs = viewlet({ name: 'crumbs', vary: 'path' }, (ctx) => ctx);
    request.headers.set(VIEWLET_PATH_HEADER, '/products/3/');
    expect(await renderViewlet(crumbs, [])).toEqual({ name: 'crumbs', path: '/products/3' });
  });

  it.each([
    ['caching is switched off', () => configureViewlets({ enabled: false }), {}],
    ['the viewlet has life 0', () => {}, { life: 0 }],
  ])('renders directly, outside the cache, when %s', async (_label, arrange, options) => {
    arrange();
    const live = viewlet({ name: 'live', ...options }, () => 'now');
    expect(await renderViewlet(live, [])).toBe('now');
    expect(nextCacheMock.cacheTag).not.toHaveBeenCalled();
    expect(nextServerMock.connection).toHaveBeenCalledTimes(1);
  });

  it('data mode: only load runs in the cache; render gets the data on every request', async () => {
    const load = vi.fn(async (_ctx: unknown, id: string) => ({ id, stock: 4 }));
    const stock = viewlet(
      { name: 'stock', args: z.tuple([z.string()]), load },
      (ctx: { data: { stock: number } }, id: string) => `${id}: ${ctx.data.stock} left`,
    );
    expect(await renderViewlet(stock, ['7'])).toBe('7: 4 left');
    expect(load).toHaveBeenCalledWith({ name: 'stock' }, '7');
    expect(nextCacheMock.cacheTag).toHaveBeenCalledTimes(1);
  });

  it('a failed render is never cached and comes back as the error it was', async () => {
    const broken = viewlet({ name: 'broken' }, () => {
      throw new TypeError('reviews service down');
    });
    const error = await renderViewlet(broken, []).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ name: 'TypeError', message: 'reviews service down' });
    expect(nextCacheMock.cacheLife).toHaveBeenLastCalledWith({ stale: 0, revalidate: 0, expire: 0 });
  });
});

describe('the cache boundary', () => {
  it('a ViewletError from inside the cached function (a bad tag) keeps its code across serialisation', async () => {
    const bad = viewlet({ name: 'bad-tags', tags: () => [''] }, () => 'never');
    const result = await cachedViewlet('bad-tags', {}, []);
    expect(result).toMatchObject({ ok: false, code: 'E_INVALID_TAG' });
    // What crosses the boundary is plain data: Next serialises it and hands back a copy.
    const copy = structuredClone(result);
    expect(() => unwrapCached(copy)).toThrow(ViewletError);
    await expectViewletRejection(renderViewlet(bad, []), 'E_INVALID_TAG', /viewlet "bad-tags" tag #2/);
  });

  it('reaches onError as a ViewletError with that code (through the island action)', async () => {
    const onError = vi.fn();
    configureViewlets({ onError });
    viewlet({ name: 'bad-island', island: true, args: z.tuple([]), tags: () => ['_N_T_/x'] }, () => 'never');
    expect(await loadViewletIsland('bad-island', [])).toEqual({
      ok: false,
      code: 'E_RENDER_FAILED',
      message: 'island "bad-island" could not be rendered.',
    });
    expect(onError).toHaveBeenCalledTimes(1);
    const [error, name] = onError.mock.calls[0]!;
    expect(name).toBe('bad-island');
    expect(error).toBeInstanceOf(ViewletError);
    expect((error as ViewletError).code).toBe('E_INVALID_TAG');
  });

  it('the island action answers bad names and args with their code and the message only', async () => {
    viewlet({ name: 'island-ok', island: true, args: z.tuple([z.enum(['a'])]) }, (_ctx, v: 'a') => v);
    expect(await loadViewletIsland('island-ok', ['a'])).toEqual({ ok: true, node: 'a' });
    expect(await loadViewletIsland('nope', [])).toEqual({
      ok: false,
      code: 'E_NOT_ISLAND',
      message: 'no viewlet named "nope" may be loaded as an island.',
    });
    expect(await loadViewletIsland('island-ok', ['b'])).toMatchObject({ ok: false, code: 'E_INVALID_ARGS' });
  });
});
