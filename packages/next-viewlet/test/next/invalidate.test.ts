/**
 * revalidate / expire / refresh without a browser: Next's APIs are mocked
 * (test/support/next-mocks.ts), our resolution of targets, args and variants runs for real.
 */
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { z } from 'zod';
import { viewlet } from '../../src/core/define.ts';
import { configureViewlets } from '../../src/core/settings.ts';
import { VIEWLET_PATH_HEADER } from '../../src/core/vary.ts';
import { expireViewlet, type InvalidationResult, refreshViewlet, revalidateViewlet } from '../../src/next/invalidate.ts';
import { expectViewletRejection } from '../support/errors.ts';
import { afterQueue, nextCacheMock, request, runAfter, useNextLayer } from '../support/next-mocks.ts';

vi.mock('next/cache', async () => (await import('../support/next-mocks.ts')).nextCacheMock);
vi.mock('next/server', async () => (await import('../support/next-mocks.ts')).nextServerMock);
vi.mock('next/headers', async () => (await import('../support/next-mocks.ts')).nextHeadersMock);

useNextLayer();

function teaserViewlet(render = vi.fn((_ctx: unknown, id: string, size: number) => `${id}/${size}`)) {
  const teaser = viewlet(
    { name: 'teaser', vary: 'path', args: z.tuple([z.string(), z.number().default(2)]), tags: (id: string) => [`product:${id}`] },
    render,
  );
  return { teaser, render };
}

describe('revalidateViewlet / expireViewlet', () => {
  it('revalidate: a viewlet, a viewlet with args (schema defaults applied), or a tag → revalidateTag(tag, "max")', async () => {
    const { teaser } = teaserViewlet();
    expect(await revalidateViewlet(teaser)).toEqual({ tags: ['viewlet:teaser'] });
    expect(await revalidateViewlet(teaser, ['3', 2])).toEqual({ tags: ['viewlet:teaser:["3",2]'] });
    expect(await revalidateViewlet('product:3')).toEqual({ tags: ['product:3'] });
    expect(nextCacheMock.revalidateTag.mock.calls).toEqual([
      ['viewlet:teaser', 'max'],
      ['viewlet:teaser:["3",2]', 'max'],
      ['product:3', 'max'],
    ]);
  });

  it('expire: revalidateTag(tag, { expire: 0 })', async () => {
    const { teaser } = teaserViewlet();
    expect(await expireViewlet(teaser, ['3', 2])).toEqual({ tags: ['viewlet:teaser:["3",2]'] });
    expect(nextCacheMock.revalidateTag).toHaveBeenCalledWith('viewlet:teaser:["3",2]', { expire: 0 });
  });

  it('refuses bad targets before invalidating anything', async () => {
    const { teaser } = teaserViewlet();
    await expectViewletRejection(revalidateViewlet({ name: 'teaser' } as never), 'E_INVALID_TARGET');
    await expectViewletRejection(expireViewlet(null as never), 'E_INVALID_TARGET');
    await expectViewletRejection(revalidateViewlet('_N_T_/products'), 'E_INVALID_TAG');
    await expectViewletRejection((revalidateViewlet as (t: string, a: unknown[]) => Promise<unknown>)('tag', ['x']), 'E_INVALID_ARGS');
    await expectViewletRejection(expireViewlet(teaser, [3 as never, 2]), 'E_INVALID_ARGS', /"teaser" got invalid args/);
    expect(nextCacheMock.revalidateTag).not.toHaveBeenCalled();
  });

  it('checks args against the definition at compile time, like <Viewlet args>', () => {
    const { teaser } = teaserViewlet();
    const none = viewlet({ name: 'none' }, () => 'x');
    expectTypeOf(revalidateViewlet<[string, number]>).toBeCallableWith(teaser, ['3', 2]);
    expectTypeOf(expireViewlet(none)).toEqualTypeOf<Promise<InvalidationResult>>();
    // Never run: each line must fail the type check (tsc checks test/).
    const typeErrors = () => {
      // @ts-expect-error: the id is a string
      void revalidateViewlet(teaser, [3, 2]);
      // @ts-expect-error: the size is missing from the tuple type
      void expireViewlet(teaser, ['3']);
      // @ts-expect-error: a tag takes no args
      void revalidateViewlet('product:3', ['3']);
      // @ts-expect-error: refresh checks args as well
      void refreshViewlet(teaser, [{ id: '3' }]);
      // @ts-expect-error: only viewlets and tags are targets
      void expireViewlet({ name: 'teaser' });
    };
    expect(typeof typeErrors).toBe('function');
  });
});

describe('refreshViewlet', () => {
  it('expires the args tag now and re-renders the current variant after the response', async () => {
    const { teaser, render } = teaserViewlet();
    request.headers.set(VIEWLET_PATH_HEADER, '/products/3');
    expect(await refreshViewlet(teaser, ['3', 2])).toEqual({ tags: ['viewlet:teaser:["3",2]'] });
    expect(nextCacheMock.updateTag).toHaveBeenCalledWith('viewlet:teaser:["3",2]');
    // Nothing renders inside the action: the entry would be born expired.
    expect(render).not.toHaveBeenCalled();
    await runAfter();
    expect(render).toHaveBeenCalledWith({ name: 'teaser', path: '/products/3' }, '3', 2);
  });

  it('re-renders every listed variant, each resolved while the request is in scope', async () => {
    const { teaser, render } = teaserViewlet();
    request.headers.set(VIEWLET_PATH_HEADER, '/admin');
    await refreshViewlet(teaser, ['3', 2], { variants: [{ path: '/products/3' }, { path: '/' }] });
    request.headers = new Headers();
    await runAfter();
    expect(render.mock.calls.map(([ctx]) => ctx)).toEqual([
      { name: 'teaser', path: '/products/3' },
      { name: 'teaser', path: '/' },
    ]);
  });

  it('without args: only a viewlet whose render takes none is re-rendered (with its schema defaults)', async () => {
    // A render that reads its args through a rest parameter declares none (fn.length 1).
    const nav = vi.fn((_ctx: unknown, ...rest: [string]) => rest[0]);
    const siteNav = viewlet({ name: 'site-nav', args: z.tuple([z.string().default('main')]) }, nav);
    expect(await refreshViewlet(siteNav)).toEqual({ tags: ['viewlet:site-nav'] });
    await runAfter();
    expect(nav).toHaveBeenCalledWith({ name: 'site-nav' }, 'main');
    // recs' render declares an arg: its entries are expired, nothing is re-rendered.
    const recs = viewlet({ name: 'recs' }, (_ctx, count: number) => count);
    expect(await refreshViewlet(recs)).toEqual({ tags: ['viewlet:recs'] });
    expect(afterQueue).toHaveLength(0);
  });

  it.each([
    ['a tag', async () => refreshViewlet('product:3')],
    [
      'caching is off',
      async () => {
        configureViewlets({ enabled: false });
        return refreshViewlet(viewlet({ name: 'off' }, () => 'x'));
      },
    ],
    ['a viewlet with life 0', async () => refreshViewlet(viewlet({ name: 'live', life: 0 }, () => 'x'))],
  ])('expires only, with nothing to re-render, for %s', async (_label, act) => {
    await act();
    expect(nextCacheMock.updateTag).toHaveBeenCalledTimes(1);
    expect(afterQueue).toHaveLength(0);
  });

  it('outside a Server Action (updateTag throws) → E_NOT_SERVER_ACTION, with the cause, and nothing scheduled', async () => {
    const { teaser } = teaserViewlet();
    const cause = new Error('updateTag can only be called from within a Server Action');
    nextCacheMock.updateTag.mockImplementation(() => {
      throw cause;
    });
    request.headers.set(VIEWLET_PATH_HEADER, '/');
    const error = await expectViewletRejection(refreshViewlet(teaser, ['3', 2]), 'E_NOT_SERVER_ACTION', /revalidateViewlet\(\)/);
    expect(error.cause).toBe(cause);
    expect(afterQueue).toHaveLength(0);
  });

  it('a re-render that fails after the response is reported, not thrown', async () => {
    const onError = vi.fn();
    configureViewlets({ onError });
    const broken = viewlet({ name: 'broken', tags: () => [''] }, () => 'x');
    await refreshViewlet(broken);
    await expect(runAfter()).resolves.toBeUndefined();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'E_INVALID_TAG' }), 'broken');
  });
});
