/**
 * The webhook on a real redis-server whose writes are paused (`CLIENT PAUSE
 * WRITE`) or which is killed and restarted: the sender is told 503, its retry
 * with the same webhook-id is processed (never answered "duplicate"), and a
 * second instance on the same redis sees the invalidation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSharedTier, type SharedTier } from '../../src/cache/shared-tier.ts';
import { createRedisStore } from '../../src/stores/redis-store.ts';
import type { ViewletStore } from '../../src/stores/types.ts';
import { redisCommand } from '../../../../scripts/lib/redis-server.mjs';
import { randomPrefix, useRedisServer } from '../support/redis-server.ts';
import { setup, signedRequest } from '../support/webhook.ts';

const redis = useRedisServer();
const quiet = { debug() {}, warn() {}, error() {} };
const opened: { store: ViewletStore; tier: SharedTier }[] = [];

afterEach(async () => {
  await redisCommand(redis.server.port, ['CLIENT', 'UNPAUSE']).catch(() => {});
  await Promise.all(opened.splice(0).map(({ tier }) => tier.close()));
});

/** One instance: its own connection and tier on the shared prefix. */
function instance(prefix: string) {
  const store = createRedisStore({ url: redis.server.url, prefix, logger: quiet });
  const tier = createSharedTier(store, { timeoutMs: 500, writeTimeoutMs: 1_000, cooldownMs: 100, logger: quiet });
  opened.push({ store, tier });
  return { store, tier };
}

async function twoInstances(beforeRecord?: () => Promise<void>) {
  const prefix = randomPrefix('wh');
  const a = instance(prefix);
  const b = instance(prefix);
  // B has read the journal once (its cursor), and knows the tag as never invalidated.
  await b.tier.refresh();
  const before = b.tier.clock.now();
  const { handler } = setup({
    store: a.store,
    now: Date.now,
    storeTimeoutMs: 300,
    invalidate: async ({ tags }) => {
      await beforeRecord?.();
      return a.tier.tags.invalidate(tags, { expire: 31_536_000 });
    },
  });
  const deliver = async () => {
    const response = await handler(signedRequest({ id: 'msg_outage', timestamp: Math.floor(Date.now() / 1000) }));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** What instance B makes of an entry generated before the invalidation. */
  const seenByB = async () => {
    await b.tier.refresh();
    return b.tier.tags.freshness(['product:1'], before, b.tier.clock.now());
  };
  return { a, b, deliver, seenByB };
}

const pause = () => redisCommand(redis.server.port, ['CLIENT', 'PAUSE', '60000', 'WRITE']);
const unpause = () => redisCommand(redis.server.port, ['CLIENT', 'UNPAUSE']);
const REVALIDATED = { revalidated: 1, mode: 'revalidate', tags: ['product:1'] };

describe('webhook during a store outage (real redis-server)', () => {
  it('writes paused at the claim: 503, the retry after recovery → 200 invalidated, and a second instance sees it', async () => {
    const run = await twoInstances();
    await pause();
    const refused = await run.deliver();
    expect([refused.status, (refused.body.error as { code: string }).code]).toEqual([503, 'E_WEBHOOK_STORE']);
    await unpause();
    expect(await run.seenByB()).toBe('fresh');

    const retry = await run.deliver();
    expect(retry).toEqual({ status: 200, body: REVALIDATED });
    expect(await run.seenByB()).toBe('stale');
    expect((await run.deliver()).body).toMatchObject({ duplicate: true });
  });

  it('writes paused while the invalidation is recorded: 503, the retry → 200 (not "duplicate"), and the second instance sees it', async () => {
    let once = true;
    const run = await twoInstances(async () => {
      if (!once) return;
      once = false;
      await pause();
    });
    const refused = await run.deliver();
    expect([refused.status, (refused.body.error as { code: string }).code]).toEqual([503, 'E_WEBHOOK_STORE']);
    await unpause();
    const retry = await run.deliver();
    expect(retry).toEqual({ status: 200, body: REVALIDATED });
    expect(await run.seenByB()).toBe('stale');
  });

  it('redis-server killed: 503 while it is down; once restarted, a delivery with the same id → 200 and the second instance sees it', async () => {
    const run = await twoInstances();
    await run.b.tier.tags.load(['product:1'], 0);
    await redis.server.kill();
    const refused = await run.deliver();
    expect(refused.status).toBe(503);
    await redis.server.start();
    // The clients reconnect with back-off: deliver (as a sender retries) until the answer is not 503.
    let answer = refused;
    await expect
      .poll(
        async () => {
          answer = await run.deliver();
          return answer.status;
        },
        { timeout: 15_000, interval: 200 },
      )
      .toBe(200);
    expect(answer.body).toEqual(REVALIDATED);
    await expect.poll(run.seenByB, { timeout: 10_000, interval: 100 }).toBe('stale');
  });
});
