/**
 * What the two node-redis stores (one node, a cluster) share: connection
 * options and their defaults, the commands as a `RedisExecutor`, the client's
 * life cycle and connection warnings, and URL validation.
 */
import { ViewletError } from '../core/errors.ts';
import type { Log } from '../util/log.ts';
import { withTimeout } from '../util/with-timeout.ts';
import { CLIENT_LOADERS, importLib } from './import-lib.ts';
import { createRedisProtocolStore, type RedisExecutor } from './redis-protocol.ts';
import type { RemoteStoreOptions } from './store-call.ts';
import type { ViewletStore } from './types.ts';

/** Connection options of the node-redis stores. */
export interface NodeRedisConnectionOptions {
  /**
   * Deadline of one connection attempt, in ms.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * Longest wait between reconnection attempts, in ms (the backoff is 50 ms × 2ⁿ up to this).
   * @default 2000
   */
  maxReconnectDelayMs?: number;
  /**
   * Most commands queued per connection while it is down; more fail at once.
   * @default 1000
   */
  maxQueuedCommands?: number;
}

/** The node-redis client options these settings stand for (`socket`, `commandsQueueMaxLength`, ...). */
export function nodeRedisClientOptions(options: NodeRedisConnectionOptions) {
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  return {
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 5000,
      // Jitter so that many instances do not reconnect in step after an outage.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 10), maxDelay) + Math.floor(Math.random() * 50),
    },
    commandsQueueMaxLength: options.maxQueuedCommands ?? 1000,
    disableClientInfo: true,
  };
}

/**
 * Options of every command sent. node-redis 6 gives every command a 5 s `AbortSignal.timeout()` by
 * default. Such a timer cannot be cleared: it lives its 5 s even when the reply came in a millisecond,
 * and holds the async context of the request that sent the command (Next's request store, the
 * response, its streams) that long. Measured: filling 1,000 variants a second kept 8,000 of them
 * alive, 80-160 MB of heap that came back 5 s after the load stopped. The store bounds every call
 * itself (`timeoutMs`, with timers it clears, and `abortSignal`, which drops the queued command), so
 * the client's own timeout is off, per command, which also covers an injected client.
 */
export const commandOptions = (abortSignal: AbortSignal) => ({ abortSignal, timeout: 0 });

/** Sends one command; `routeKey` picks the cluster node (ignored by a single node). */
export type SendCommand = (args: string[], routeKey: string | undefined, signal: AbortSignal) => Promise<unknown>;

/** The store's commands over a node-redis `sendCommand`. */
function commandExecutor(send: SendCommand, rest: Pick<RedisExecutor, 'close' | 'slotOf'>): RedisExecutor {
  return {
    mget: (keys, signal) => send(['MGET', ...keys], keys[0], signal),
    set: (key, value, ttlMs, signal) => send(['SET', key, value, 'PX', String(ttlMs)], key, signal),
    del: (keys, signal) => send(['DEL', ...keys], keys[0], signal),
    time: (routeKey, signal) => send(['TIME'], routeKey, signal),
    // Plain EVALSHA/EVAL even for read-only scripts: the _RO forms need Redis 7.
    evalsha: ({ sha1 }, keys, args, signal) => send(['EVALSHA', sha1, String(keys.length), ...keys, ...args], keys[0], signal),
    eval: ({ script }, keys, args, signal) => send(['EVAL', script, String(keys.length), ...keys, ...args], keys[0], signal),
    ...rest,
  };
}

/**
 * Connection errors are logged once per outage (the client reconnects by itself,
 * and never crashes the process), and the recovery once.
 */
function connectionWarnings(log: Log, store: string) {
  const key = `${store}-connection`;
  return {
    onError(error: unknown) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      log.warnOnce(key, `${store} store: connection error (${detail}); reconnecting in the background.`);
    },
    onReady() {
      if (log.clearWarning(key)) log.warn(`${store} store: connected again.`);
    },
  };
}

/** A node-redis client or cluster as far as the store's life cycle goes. */
export interface NodeRedisHandle<E extends string> {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  on(event: E, listener: (error?: unknown) => void): unknown;
  off(event: E, listener: (error?: unknown) => void): unknown;
  close(): Promise<unknown>;
  destroy(): void;
}

/** How one node-redis client kind becomes a store (see `createNodeRedisStore`). */
export interface NodeRedisStoreSpec<C extends NodeRedisHandle<E> & { connect(): Promise<unknown> }, E extends string> {
  name: 'redis' | 'redis-cluster';
  options: RemoteStoreOptions & { client?: C };
  /** A new client from the `redis` module (when none was injected). */
  create(redis: typeof import('redis')): C;
  /** The client's events: which report a connection error, which a (re)connection. */
  events: { error: readonly E[]; ready: readonly E[] };
  send(client: C, args: string[], routeKey: string | undefined, abortSignal: AbortSignal): Promise<unknown>;
  slotOf?(key: string): number;
  /** Wait for `connect()` before the first command (a cluster client must know its topology), or connect in the background. */
  awaitConnect: boolean;
}

/**
 * A store on a node-redis client or cluster: imports `redis` on first use (or
 * takes the injected client), listens to its connection events while in use,
 * and on close leaves an injected client to its owner (only our listeners go)
 * and releases one it created.
 */
export function createNodeRedisStore<C extends NodeRedisHandle<E> & { connect(): Promise<unknown> }, E extends string>(
  spec: NodeRedisStoreSpec<C, E>,
): ViewletStore {
  const injected = spec.options.client;
  return createRedisProtocolStore({
    name: spec.name,
    options: spec.options,
    async open({ log, timeoutMs }) {
      const client = injected ?? spec.create(await importLib(spec.name, 'redis', CLIENT_LOADERS.redis));
      const { onError, onReady } = connectionWarnings(log, spec.name);
      const listeners = [
        ...spec.events.error.map((event) => [event, onError] as const),
        ...spec.events.ready.map((event) => [event, onReady] as const),
      ];
      for (const [event, listener] of listeners) client.on(event, listener);
      const executor = commandExecutor((args, routeKey, signal) => spec.send(client, args, routeKey, signal), {
        ...(spec.slotOf && { slotOf: spec.slotOf }),
        async close() {
          if (!injected) return releaseClient(client, timeoutMs);
          for (const [event, listener] of listeners) client.off(event, listener);
        },
      });
      if (client.isOpen) return executor;
      // connect() resolves once ready and retries by itself (its errors are 'error' events, logged above).
      const connecting = client.connect();
      if (!spec.awaitConnect) {
        connecting.catch(() => {}); // commands queue meanwhile, each within its deadline
        return Object.assign(executor, { ready: connecting });
      }
      try {
        await connecting;
        return executor;
      } catch (error) {
        await executor.close();
        throw error;
      }
    },
  });
}

/** Closes a client the store created: pending replies are awaited within `timeoutMs`, then it is destroyed. */
export async function releaseClient(
  client: { isOpen: boolean; isReady: boolean; close(): Promise<unknown>; destroy(): void },
  timeoutMs: number,
) {
  // A client still (re)connecting has no replies to wait for.
  if (!client.isReady) {
    if (client.isOpen) client.destroy();
    return;
  }
  await withTimeout(client.close(), timeoutMs, () => new Error('close timed out')).catch(() => client.destroy());
}

/** Throws `E_STORE_CONFIG` unless `url` is a `redis://` or `rediss://` URL. Never echoes the URL (it may hold a password). */
export function assertRedisUrl(url: string | undefined, where: string): URL {
  if (!url) {
    throw new ViewletError('E_STORE_CONFIG', `${where} is missing; set REDIS_URL (redis://host:6379) or pass a client.`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ViewletError('E_STORE_CONFIG', `${where} is not a valid URL; expected redis://[user:password@]host:port[/db].`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ViewletError(
      'E_STORE_CONFIG',
      `${where} has the scheme "${parsed.protocol}"; use redis:// or rediss:// (for Upstash REST URLs use UPSTASH_REDIS_REST_URL).`,
    );
  }
  return parsed;
}
