/**
 * Nothing accepted is lost: every interleaving of claim / record / confirm
 * with the store failing at one step (before doing it, after doing it with the
 * reply lost, or answering late), on the chaos store. The final state is
 * either "invalidated, and later deliveries are duplicates" or "the next
 * delivery invalidates", never "not invalidated, and duplicates". A 200 is
 * only ever given for an invalidation the store holds.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSharedTier } from '../../src/cache/shared-tier.ts';
import { chaosStore } from '../support/chaos-store.ts';
import { memoryStore } from '../support/test-store.ts';
import { errorOf, NOW, setup, signedRequest } from '../support/webhook.ts';

afterEach(() => {
  vi.useRealTimers();
});

const STEPS = { claim: 'setIfAbsent', record: 'invalidate', confirm: 'set' } as const;

/** A webhook whose replay records and invalidations go to one chaos store, the invalidation through a tag system. */
function durable() {
  vi.useFakeTimers({ now: NOW });
  const inner = memoryStore();
  const store = chaosStore(inner);
  const tier = createSharedTier(store, { timeoutMs: 1_000, writeTimeoutMs: 1_000, logger: { debug() {}, warn() {}, error() {} } });
  const ctx = setup({
    store,
    storeTimeoutMs: 100,
    invalidate: ({ tags, mode }) => tier.tags.invalidate(tags, mode === 'expire' ? { expire: 0 } : { expire: 31_536_000 }),
  });
  const invalidated = async () => (await inner.getTagRecords(['product:1']))[0] !== null;
  const deliver = async () => {
    const answer = ctx.handler(signedRequest());
    await vi.advanceTimersByTimeAsync(2_000);
    const response = await answer;
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as object };
  };
  return { ...ctx, inner, store, tier, invalidated, deliver };
}

type Fault = 'before' | 'after' | 'late';
/** Makes the next call of `method` fail as `fault` says, delivers once, and heals the store. */
async function deliverWithFault(ctx: ReturnType<typeof durable>, method: (typeof STEPS)[keyof typeof STEPS], fault: Fault) {
  if (fault === 'late') ctx.store.replyDelayMs[method] = 500;
  else ctx.store.failNext[method] = fault;
  const first = await ctx.deliver();
  ctx.store.replyDelayMs = {};
  return first;
}

const REVALIDATED = { revalidated: 1, mode: 'revalidate', tags: ['product:1'] };
const DUPLICATE = { duplicate: true, revalidated: 0, mode: 'revalidate', tags: [] };

describe('every interleaving of claim / record / confirm with one failing step', () => {
  for (const [step, method] of Object.entries(STEPS)) {
    for (const fault of ['before', 'after', 'late'] as const) {
      it(`${step} fails ${fault === 'late' ? 'by answering late' : `${fault} it is done`}`, async () => {
        const ctx = durable();
        const first = await deliverWithFault(ctx, method, fault);
        const afterFirst = await ctx.invalidated();
        if (first.status === 200) {
          expect(first.body, 'a 200 means recorded').toEqual(REVALIDATED);
          expect(afterFirst).toBe(true);
        } else {
          expect([first.status, first.retryAfter, (first.body as { error: { code: string } }).error.code]).toEqual([
            503,
            '5',
            'E_WEBHOOK_STORE',
          ]);
        }

        const second = await ctx.deliver();
        expect(second.status).toBe(200);
        if ((second.body as { duplicate?: boolean }).duplicate) {
          expect(second.body).toEqual(DUPLICATE);
          expect(afterFirst, 'a duplicate only after a recorded invalidation').toBe(true);
        } else {
          expect(second.body).toEqual(REVALIDATED);
        }
        expect(await ctx.invalidated()).toBe(true);
        expect((await ctx.deliver()).body).toEqual(DUPLICATE);
      });
    }
  }

  it('the outcomes per step: a claim or record that failed is 503 then processed again; a lost confirmation is 200 then invalidated again', async () => {
    const seen: string[] = [];
    for (const [step, method] of Object.entries(STEPS)) {
      for (const fault of ['before', 'after', 'late'] as const) {
        const ctx = durable();
        const first = await deliverWithFault(ctx, method, fault);
        const second = await ctx.deliver();
        seen.push(
          `${step}/${fault}: ${first.status} then ${(second.body as { duplicate?: boolean }).duplicate ? 'duplicate' : 'revalidated'}`,
        );
        vi.useRealTimers();
      }
    }
    expect(seen).toEqual([
      'claim/before: 503 then revalidated',
      'claim/after: 503 then revalidated',
      'claim/late: 503 then revalidated',
      'record/before: 503 then revalidated',
      'record/after: 503 then revalidated',
      'record/late: 503 then revalidated',
      'confirm/before: 200 then revalidated',
      'confirm/after: 200 then duplicate',
      'confirm/late: 200 then duplicate',
    ]);
  });
});

describe('claims that outlive their delivery', () => {
  it('a claim that could not be released (store down for both) is taken over once claimTtlSeconds has passed, never answered "duplicate"', async () => {
    const ctx = durable();
    ctx.store.failNext.setIfAbsent = 'after';
    const release = vi.spyOn(ctx.store, 'deleteIfEquals').mockRejectedValue(new Error('chaos: deleteIfEquals failed'));
    expect((await ctx.deliver()).status).toBe(503);
    // Both releases (at once, and when the lost reply is seen) failed: the claim is still there.
    expect(release).toHaveBeenCalledTimes(2);
    release.mockRestore();
    expect([...ctx.inner.records.values()].map((r) => r.value.split(' ')[0])).toEqual(['pending']);
    const busy = await ctx.deliver();
    expect([busy.status, busy.retryAfter, (busy.body as { error: { code: string } }).error.code]).toEqual([
      503,
      '2',
      'E_WEBHOOK_IN_PROGRESS',
    ]);
    ctx.inner.clock.now += 30_000;
    expect((await ctx.deliver()).body).toEqual(REVALIDATED);
    expect((await ctx.deliver()).body).toEqual(DUPLICATE);
  });

  it('an invalidate that resolves { recorded: false } → 503 with Retry-After, and the claim released', async () => {
    const ctx = durable();
    const failing = setup({ store: ctx.store, invalidate: () => ({ recorded: false }) });
    const refused = await failing.handler(signedRequest());
    expect([refused.status, refused.headers.get('retry-after'), (await errorOf(refused)).code]).toEqual([503, '5', 'E_WEBHOOK_STORE']);
    expect(ctx.inner.records.size).toBe(0);
  });
});
