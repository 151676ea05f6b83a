/**
 * The Upstash REST fixture for test files (the endpoint itself lives in
 * scripts/lib/upstash-rest-server.mjs, shared with the benchmarks).
 */
import { afterAll, beforeAll } from 'vitest';
import { startUpstashRestServer, type UpstashRestServer } from '../../../../scripts/lib/upstash-rest-server.mjs';
import { useRedisServer, type RedisServer } from './redis-server.ts';

export { startUpstashRestServer, type UpstashRestServer };

/**
 * For a test file: a redis-server plus the REST endpoint in front of it,
 * started before the file's tests and stopped after them.
 */
export function useUpstashBackend(): { readonly rest: UpstashRestServer; readonly redis: RedisServer } {
  const redis = useRedisServer();
  const backend = {
    get redis() {
      return redis.server;
    },
  } as { rest: UpstashRestServer; readonly redis: RedisServer };
  beforeAll(async () => {
    backend.rest = await startUpstashRestServer(redis.server.url);
  });
  afterAll(async () => {
    await backend.rest?.close();
  });
  return backend;
}
