/**
 * The stores a scenario runs against, started on loopback for it alone: a
 * redis-server, optionally the Upstash REST fixture in front of it, and a
 * Redis Cluster when its starter exists. `probe` reads the redis-server's own
 * counters (see redis-stats.mjs).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startRedis } from '../../scripts/lib/redis-server.mjs';
import { startUpstashRestServer } from '../../scripts/lib/upstash-rest-server.mjs';
import { redisProbe } from './redis-stats.mjs';

const clusterStarter = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/lib/redis-cluster.mjs');

/** Whether scripts/lib/redis-cluster.mjs (`startRedisCluster`) exists yet. */
export const hasClusterStarter = () => existsSync(clusterStarter);

/** @param {{ upstash?: boolean }} [options] */
export async function startBackends({ upstash = false } = {}) {
  const redis = await startRedis();
  const probe = await redisProbe(redis.url);
  const rest = upstash ? await startUpstashRestServer(redis.url) : undefined;
  return {
    redis,
    probe,
    upstash: rest,
    async stop() {
      await rest?.close();
      await probe.close();
      await redis.stop();
    },
  };
}

/** A Redis Cluster (`{ urls, stop() }`) from scripts/lib/redis-cluster.mjs, or undefined when that file is missing. */
export async function startCluster(options = { masters: 3, replicas: 0 }) {
  if (!hasClusterStarter()) return undefined;
  const { startRedisCluster } = await import(pathToFileURL(clusterStarter).href);
  return startRedisCluster(options);
}
