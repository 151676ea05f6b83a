/**
 * 3 masters + 3 replicas; the master that holds the tag system's slot is
 * killed mid-run. Calls fail for a while (each within the store's deadline,
 * never an unhandled rejection), then succeed again once its replica has taken
 * over, without a new store.
 */
import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { createRedisClusterStore } from '../../src/stores/redis-cluster-store.ts';
import { useRedisCluster } from '../support/redis-cluster.ts';
import { randomPrefix } from '../support/redis-server.ts';
import { failOnUnhandledRejections } from '../support/unhandled-rejections.ts';

const cluster = useRedisCluster({ masters: 3, replicas: 1 });

const DAY = 86_400_000;

describe('redis-cluster store, failover', () => {
  failOnUnhandledRejections();

  it('fails calls while the master of the tag slot is gone, and works again after its replica takes over', async () => {
    const prefix = randomPrefix('failover');
    const warnings: string[] = [];
    const logger = { debug() {}, warn: (line: string) => warnings.push(line), error: (line: string) => warnings.push(line) };
    const store = createRedisClusterStore({ urls: cluster.cluster.urls, prefix, timeoutMs: 2000, logger });
    try {
      const before = await store.invalidate(['product:1'], { expireInMs: 0, recordTtlMs: DAY });
      const { cursor } = await store.readJournal(undefined);
      const slot = calculateSlot(`${prefix}{${prefix}tags}:journal`);
      const owner = await cluster.cluster.masterOf(slot);

      // Calls in flight when the master dies settle too: done, or failed within the bound.
      const inFlight = Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 ? store.invalidate([`in-flight:${i}`], { expireInMs: 0, recordTtlMs: DAY }) : store.readJournal(cursor),
        ),
      );
      await cluster.cluster.killNode(owner);
      for (const result of await inFlight) {
        if (result.status === 'rejected') expect((result.reason as { code: string }).code).toMatch(/^E_STORE_(TIMEOUT|FAILED)$/);
      }

      // Mid-run: every call settles (the deadline is the store's own), failing until the replica serves the slot.
      const failures: string[] = [];
      const attempt = async () => {
        try {
          await store.invalidate(['product:2'], { expireInMs: 0, recordTtlMs: DAY });
          await store.getTagRecords(['product:1']);
          return 'ok';
        } catch (error) {
          const code = (error as { code?: string }).code ?? String(error);
          failures.push(code);
          return code;
        }
      };
      await expect.poll(attempt, { timeout: 45_000, interval: 100 }).toBe('ok');

      expect(failures.length).toBeGreaterThan(0); // the kill did hit the slot's master
      for (const code of new Set(failures)) expect(code).toMatch(/^E_STORE_(TIMEOUT|FAILED)$/);
      expect(await cluster.cluster.masterOf(slot)).not.toBe(owner);
      expect(warnings[0]).toMatch(/^redis-cluster store: connection error/);
      await expect.poll(() => warnings).toContain('redis-cluster store: connected again.');

      // The journal goes on where this reader left it (with gap: true if the replica missed the last writes).
      const read = await store.readJournal(cursor);
      expect(read.entries.map((entry) => entry.tag)).toContain('product:2');
      expect(read.entries.map((entry) => entry.cursor)).not.toContain(before[0]!.cursor);
    } finally {
      await store.close();
    }
  }, 90_000);
});
