/**
 * A real Redis Cluster per test file (the one starter lives in
 * scripts/lib/redis-cluster.mjs, shared with the e2e suites and benchmarks).
 */
import { afterAll, beforeAll } from 'vitest';
import { type RedisCluster, startRedisCluster } from '../../../../scripts/lib/redis-cluster.mjs';

export type { RedisCluster };

/** For a test file: a cluster of `masters` masters with `replicas` replicas each, started before its tests, stopped after. */
export function useRedisCluster(options: { masters?: number; replicas?: number } = {}): { readonly cluster: RedisCluster } {
  const holder = {} as { cluster: RedisCluster };
  beforeAll(async () => {
    holder.cluster = await startRedisCluster(options);
  }, 90_000);
  afterAll(async () => {
    await holder.cluster?.stop();
  });
  return holder;
}
