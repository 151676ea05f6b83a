/**
 * A store on one Redis server over TCP with node-redis (the `redis` package,
 * maintained by Redis). One connection per store; `redis` is imported on first
 * use, so it is only needed when this store is used. Connection errors never
 * crash the process: the client reconnects in the background with a bounded
 * backoff, and every call fails after `timeoutMs` instead of waiting.
 */
import { assertRedisUrl, commandOptions, createNodeRedisStore, nodeRedisClientOptions } from './node-redis.ts';
import type { NodeRedisConnectionOptions, NodeRedisHandle } from './node-redis.ts';
import type { RemoteStoreOptions } from './store-call.ts';
import type { ViewletStore } from './types.ts';

/** The part of a node-redis (v5/v6) client this store uses; `createClient()` returns one. */
export interface NodeRedisClient extends NodeRedisHandle<'error' | 'ready'> {
  connect(): Promise<unknown>;
  sendCommand(args: readonly string[], options?: { abortSignal?: AbortSignal; timeout?: number }): Promise<unknown>;
}

export interface RedisStoreOptions extends RemoteStoreOptions, NodeRedisConnectionOptions {
  /** `redis://` or `rediss://` URL (`redis://[user:password@]host:port[/db]`). Required unless `client` is given. */
  url?: string;
  /**
   * A node-redis client to use instead of creating one. It is connected if it is
   * not open yet, and is left open by `close()` (you own it).
   * @default a new client for `url`
   */
  client?: NodeRedisClient;
}

/** Creates a Redis store. Nothing connects until the first call. */
export function createRedisStore(options: RedisStoreOptions): ViewletStore {
  if (!options.client) assertRedisUrl(options.url, 'redis store: url');

  return createNodeRedisStore({
    name: 'redis',
    options,
    create: ({ createClient }) => createClient({ url: options.url!, ...nodeRedisClientOptions(options) }) as unknown as NodeRedisClient,
    events: { error: ['error'], ready: ['ready'] },
    send: (client, args, _routeKey, abortSignal) => client.sendCommand(args, commandOptions(abortSignal)),
    awaitConnect: false,
  });
}
