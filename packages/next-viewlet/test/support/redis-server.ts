/**
 * A real redis-server per test file (the one starter lives in
 * scripts/lib/redis-server.mjs, shared with the e2e suites and benchmarks).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startRedis, type RedisServer } from '../../../../scripts/lib/redis-server.mjs';

export type { RedisServer };

/** A key prefix unique to this test run, so runs and files never see each other's keys. */
export function randomPrefix(label = 't'): string {
  return `${label}:${randomBytes(6).toString('hex')}:`;
}

export const startRedisServer = (): Promise<RedisServer> => startRedis();

/** For a test file: a redis-server started before its tests and stopped after them. */
export function useRedisServer(): { readonly server: RedisServer } {
  const holder = {} as { server: RedisServer };
  beforeAll(async () => {
    holder.server = await startRedis();
  });
  afterAll(async () => {
    await holder.server?.stop();
  });
  return holder;
}
