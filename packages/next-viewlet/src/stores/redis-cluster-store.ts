/**
 * A store on a Redis Cluster (Redis Cluster, ElastiCache/MemoryDB in cluster
 * mode, Valkey) with node-redis's cluster client, which follows the cluster's
 * topology and its failovers. Every multi-key operation stays in one slot: the
 * tag records, the journal and its meta key of one prefix share a hash tag
 * (`{<prefix>tags}`), and `getMany`/`delete` are split per slot (computed with
 * `cluster-key-slot`, the same CRC16 the servers use) and sent in parallel.
 */
import calculateSlot from 'cluster-key-slot';
import { ViewletError } from '../core/errors.ts';
import { assertRedisUrl, commandOptions, createNodeRedisStore, nodeRedisClientOptions } from './node-redis.ts';
import type { NodeRedisConnectionOptions, NodeRedisHandle } from './node-redis.ts';
import type { RemoteStoreOptions } from './store-call.ts';
import type { ViewletStore } from './types.ts';

/** The part of a node-redis (v5/v6) cluster client this store uses; `createCluster()` returns one. */
export interface NodeRedisCluster extends NodeRedisHandle<'error' | 'node-error' | 'node-ready'> {
  connect(): Promise<unknown>;
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: readonly string[],
    options?: { abortSignal?: AbortSignal; timeout?: number },
  ): Promise<unknown>;
}

export interface RedisClusterStoreOptions extends RemoteStoreOptions, NodeRedisConnectionOptions {
  /**
   * `redis://` or `rediss://` URLs of some of the cluster's nodes (three or more
   * recommended); the client discovers the rest. Credentials and TLS of the first
   * URL apply to every node. Required unless `client` is given.
   */
  urls?: readonly string[];
  /**
   * A node-redis cluster client to use instead of creating one. It is connected if
   * it is not open yet, and is left open by `close()` (you own it).
   * @default a new cluster client for `urls`
   */
  client?: NodeRedisCluster;
}

/** Creates a Redis Cluster store. Nothing connects until the first call. */
export function createRedisClusterStore(options: RedisClusterStoreOptions): ViewletStore {
  const seeds = options.client ? [] : assertClusterUrls(options.urls, 'redis-cluster store: urls');

  return createNodeRedisStore({
    name: 'redis-cluster',
    options,
    create({ createCluster }) {
      const first = seeds[0]!;
      const base = nodeRedisClientOptions(options);
      return createCluster({
        rootNodes: seeds.map((url) => ({ url: url.href })),
        // Discovered nodes get these, not the seeds' settings: credentials and TLS from the first URL.
        defaults: {
          ...base,
          socket: { ...base.socket, ...(first.protocol === 'rediss:' && { tls: true as const }) },
          ...(first.username && { username: decodeURIComponent(first.username) }),
          ...(first.password && { password: decodeURIComponent(first.password) }),
        },
      }) as unknown as NodeRedisCluster;
    },
    events: { error: ['error', 'node-error'], ready: ['node-ready'] },
    send: (cluster, args, routeKey, abortSignal) => cluster.sendCommand(routeKey, false, args, commandOptions(abortSignal)),
    slotOf: calculateSlot,
    // Unlike a single client, the cluster client refuses commands until it knows the topology.
    awaitConnect: true,
  });
}

/** Throws `E_STORE_CONFIG` unless `urls` is a non-empty list of `redis://`/`rediss://` URLs. Never echoes them. */
export function assertClusterUrls(urls: readonly string[] | undefined, where: string): URL[] {
  if (!urls || urls.length === 0) {
    throw new ViewletError(
      'E_STORE_CONFIG',
      `${where} is missing; set REDIS_CLUSTER_URLS (comma-separated, e.g. redis://10.0.0.1:6379,redis://10.0.0.2:6379) or pass a client.`,
    );
  }
  return urls.map((url, i) => assertRedisUrl(url.trim(), `${where} (URL ${i + 1} of ${urls.length})`));
}
