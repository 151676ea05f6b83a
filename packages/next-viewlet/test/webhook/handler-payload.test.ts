/**
 * What a verified message may ask for: the payload schema, tags, viewlets and
 * their args. Invalid payloads are 400 with no side effects.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { viewlet } from '../../src/core/define.ts';
import { clearRegistry } from '../../src/core/registry.ts';
import { viewletArgsTag, viewletTag } from '../../src/core/tags.ts';
import { expectRefused, setup, signedRequest } from '../support/webhook.ts';

const teaser = viewlet(
  { name: 'wh-teaser', args: z.tuple([z.string(), z.number().default(1)]) },
  (_ctx, id: string, page: number) => `${id}:${page}`,
);
const banner = viewlet({ name: 'wh-banner' }, () => 'banner');
afterAll(() => clearRegistry());

describe('accepted messages', () => {
  it('revalidate by default: 200 { revalidated, mode, tags } and one invalidate call with every tag', async () => {
    const { handler, invalidate } = setup();
    const response = await handler(signedRequest({ payload: { tags: ['product:1', 'product:2', 'product:1'] } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ revalidated: 2, mode: 'revalidate', tags: ['product:1', 'product:2'] });
    expect(invalidate.mock.calls).toEqual([[{ tags: ['product:1', 'product:2'], mode: 'revalidate' }]]);
  });

  it('expire on request', async () => {
    const { handler, invalidate } = setup();
    const response = await handler(signedRequest({ payload: { tags: ['product:1'], mode: 'expire' } }));
    expect(await response.json()).toEqual({ revalidated: 1, mode: 'expire', tags: ['product:1'] });
    expect(invalidate).toHaveBeenCalledWith({ tags: ['product:1'], mode: 'expire' });
  });

  it('a viewlet without args → its tag; with args → normalised through its schema into the args tag', async () => {
    const { handler, invalidate } = setup();
    const payload = {
      tags: ['cms:home'],
      viewlets: [{ name: 'wh-banner' }, { name: 'wh-teaser', args: ['3'] }, { name: 'wh-teaser', args: ['3', 1] }],
    };
    const response = await handler(signedRequest({ payload }));
    const tags = ['cms:home', viewletTag(banner.name), viewletArgsTag(teaser.name, ['3', 1])];
    expect(await response.json()).toEqual({ revalidated: 3, mode: 'revalidate', tags });
    expect(tags[2]).toBe('viewlet:wh-teaser:["3",1]');
    expect(invalidate).toHaveBeenCalledWith({ tags, mode: 'revalidate' });
  });

  it('accepts printable Unicode tags and exactly 64 of them', async () => {
    const { handler } = setup();
    expect((await handler(signedRequest({ id: 'msg_u', payload: { tags: ['produit:crème-brûlée', 'タグ', 'a b'] } }))).status).toBe(200);
    const tags = Array.from({ length: 64 }, (_, i) => `t:${i}`);
    expect(await (await handler(signedRequest({ id: 'msg_64', payload: { tags } }))).json()).toMatchObject({ revalidated: 64 });
  });
});

describe('refused payloads (400, nothing invalidated, no replay record)', () => {
  it.each([
    ['not JSON', '{"tags": ['],
    ['JSON with a trailing comma', '{"tags": ["a"],}'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x74, 0x61, 0x67, 0x73, 0x22, 0x3a, 0x5b, 0x22, 0xff, 0x22, 0x5d, 0x7d])],
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"tags"'],
  ])('%s → E_WEBHOOK_PAYLOAD', async (_label, body) => {
    const ctx = setup();
    await expectRefused(ctx, await ctx.handler(signedRequest({ body })), 400, 'E_WEBHOOK_PAYLOAD');
  });

  it.each([
    ['no target', {}],
    ['only a mode', { mode: 'expire' }],
    ['an empty tag list', { tags: [] }],
    ['an empty viewlet list', { viewlets: [] }],
    ['65 tags', { tags: Array.from({ length: 65 }, (_, i) => `t:${i}`) }],
    [
      'more than 64 tags together with viewlets',
      { tags: Array.from({ length: 64 }, (_, i) => `t:${i}`), viewlets: [{ name: 'wh-banner' }] },
    ],
    ['a tag that is not a string', { tags: [42] }],
    ['an empty tag', { tags: [''] }],
    ['a tag of 257 characters', { tags: ['x'.repeat(257)] }],
    ['a BEL control character', { tags: ['product:\u0007'] }],
    ['a newline', { tags: ['product:1\nX-Injected: 1'] }],
    ['a NUL', { tags: ['product:\u0000'] }],
    ['a C1 control character', { tags: ['product:\u0085'] }],
    ['a bidi override', { tags: ['product:\u202e1'] }],
    ['a zero-width space', { tags: ['product:\u200b1'] }],
    ['a lone surrogate', { tags: ['product:\ud800'] }],
    ['a line separator', { tags: ['product:\u2028'] }],
    ['leading whitespace', { tags: [' product:1'] }],
    ["Next's reserved _N_T_ prefix", { tags: ['_N_T_/products'] }],
    ['an unknown mode', { tags: ['a'], mode: 'medium' }],
    ['an unknown field (typo)', { tag: ['a'] }],
    ['an unknown field in a viewlet', { viewlets: [{ name: 'wh-banner', arg: [] }] }],
    ['args that are not an array', { viewlets: [{ name: 'wh-teaser', args: '3' }] }],
    ['args nested too deep', { viewlets: [{ name: 'wh-teaser', args: [JSON.parse('['.repeat(40) + ']'.repeat(40))] }] }],
    ['too many args', { viewlets: [{ name: 'wh-teaser', args: Array.from({ length: 33 }, () => 1) }] }],
  ])('%s → E_WEBHOOK_PAYLOAD', async (_label, payload) => {
    const ctx = setup();
    const error = await expectRefused(ctx, await ctx.handler(signedRequest({ payload })), 400, 'E_WEBHOOK_PAYLOAD');
    expect(error.message).toMatch(/^(invalid payload|the payload names)/);
  });

  it.each([
    ['soft', 'revalidate'],
    ['hard', 'expire'],
  ])('the old mode "%s" → 400 naming "%s"', async (old, renamed) => {
    const ctx = setup();
    const error = await expectRefused(
      ctx,
      await ctx.handler(signedRequest({ payload: { tags: ['a'], mode: old } })),
      400,
      'E_WEBHOOK_PAYLOAD',
    );
    expect(error.message).toBe(`"mode": "${old}" was renamed; send "mode": "${renamed}" (or leave mode out for "revalidate").`);
  });

  it('error messages carry no [next-viewlet] prefix and no code', async () => {
    const ctx = setup();
    const error = await expectRefused(ctx, await ctx.handler(signedRequest({ payload: { tags: ['_N_T_/x'] } })), 400, 'E_WEBHOOK_PAYLOAD');
    expect(error.message).toMatch(
      /^invalid payload: tags\.0: tag "_N_T_\/x" uses Next's reserved prefix _N_T_ \(use revalidatePath for paths\)\. Expected/,
    );
  });

  it('args nested 100 000 levels deep are refused without a stack overflow', async () => {
    const ctx = setup({ maxBodyBytes: 300_000 });
    const deep = `{"viewlets":[{"name":"wh-teaser","args":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}]}`;
    await expectRefused(ctx, await ctx.handler(signedRequest({ body: deep })), 400, 'E_WEBHOOK_PAYLOAD');
  });

  it('an unknown viewlet → E_UNKNOWN_VIEWLET naming it', async () => {
    const ctx = setup();
    const payload = { tags: ['product:1'], viewlets: [{ name: 'wh-banner' }, { name: 'not-imported-here' }] };
    const error = await expectRefused(ctx, await ctx.handler(signedRequest({ payload })), 400, 'E_UNKNOWN_VIEWLET');
    expect(error.message).toContain('viewlets.1');
    expect(error.message).toContain('"not-imported-here"');
  });

  it.each([
    ['args its schema refuses', [3]],
    ['too many args for its tuple', ['3', 1, 'extra']],
    ['a non-finite number', ['3', Number.POSITIVE_INFINITY]],
  ])('a viewlet with %s → E_INVALID_ARGS', async (_label, args) => {
    const ctx = setup();
    // 1e999 does not survive JSON.stringify; write the body by hand.
    const body = `{"viewlets":[{"name":"wh-teaser","args":${JSON.stringify(args).replace('null', '1e999')}}]}`;
    const error = await expectRefused(ctx, await ctx.handler(signedRequest({ body })), 400, 'E_INVALID_ARGS');
    expect(error.message).toMatch(/^viewlets\.0: /);
  });
});
