/**
 * A store on Redis over TCP with node-redis (the `redis` package, maintained by
 * Redis). One connection per store; `redis` is imported on first use, so it is
 * only needed when this store is used. Connection errors never crash the
 * process: the client reconnects in the background with a bounded backoff,
 * and every call fails after `timeoutMs` instead of waiting.
 */
import { ViewletError } from '../core/errors.ts';
import { clearWarning, debugLog, defaultLog, warnOnce } from '../util/log.ts';
import { COMPARE_AND_DELETE, isNoScriptError } from './scripts.ts';
import { assertPrefix, assertTimeout, DEFAULT_PREFIX, storeFailure, storeTimeout, ttlOf, type RemoteStoreOptions } from './store-call.ts';
import { withTimeout } from '../util/with-timeout.ts';
import type { ViewletStore } from './types.ts';

/** The part of a node-redis (v5/v6) client this store uses; `createClient()` returns one. */
export interface NodeRedisClient {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: readonly string[], options?: { timeout?: number }): Promise<unknown>;
  on(event: 'error' | 'ready', listener: (error?: unknown) => void): unknown;
  close(): Promise<unknown>;
  destroy(): void;
}

export interface RedisStoreOptions extends RemoteStoreOptions {
  /** `redis://` or `rediss://` URL. Ignored with `client`. Default: env `REDIS_URL`. */
  url?: string;
  /**
   * A node-redis client to use instead of creating one. It is connected if it is
   * not open yet, and is left open by `close()` (you own it). Default: a new client.
   */
  client?: NodeRedisClient;
  /** Deadline of one connection attempt, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Longest wait between reconnection attempts, in ms (backoff 50 ms × 2ⁿ up to this). Default 2000. */
  maxReconnectDelayMs?: number;
  /** Most commands queued while disconnected; more fail at once. Default 1000. */
  maxQueuedCommands?: number;
}

/** Creates a Redis store. Nothing connects until the first call. */
export function createRedisStore(options: RedisStoreOptions = {}): ViewletStore {
  const prefix = assertPrefix(options.prefix ?? DEFAULT_PREFIX);
  const timeoutMs = assertTimeout(options.timeoutMs ?? 1000);
  const url = options.url ?? process.env.REDIS_URL;
  if (!options.client) assertRedisUrl(url, 'redis store: url');
  const ownsClient = !options.client;
  let clientPromise: Promise<NodeRedisClient> | undefined;
  let closed = false;

  const onError = (error: unknown) => {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    warnOnce('redis-connection', `redis store: connection error (${detail}); reconnecting in the background.`);
  };
  const onReady = () => {
    if (clearWarning('redis-connection')) defaultLog.warn('redis store: connected again.');
  };

  async function open(): Promise<NodeRedisClient> {
    let client = options.client;
    if (!client) {
      let createClient: typeof import('redis')['createClient'];
      try {
        ({ createClient } = await import('redis'));
      } catch (cause) {
        const message = 'redis store: the `redis` package is not installed; run `npm install redis`.';
        warnOnce('redis-missing', message);
        throw new ViewletError('E_STORE_CONFIG', message, { cause });
      }
      const maxDelay = options.maxReconnectDelayMs ?? 2000;
      client = createClient({
        url: url!,
        socket: {
          connectTimeout: options.connectTimeoutMs ?? 5000,
          reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 10), maxDelay) + Math.floor(Math.random() * 50),
        },
        commandsQueueMaxLength: options.maxQueuedCommands ?? 1000,
        disableClientInfo: true,
      }) as unknown as NodeRedisClient;
    }
    client.on('error', onError);
    client.on('ready', onReady);
    // connect() resolves once ready and retries by itself; commands queue meanwhile (each with its deadline).
    if (!client.isOpen) client.connect().catch(onError);
    return client;
  }

  async function call<T>(op: string, args: readonly string[]): Promise<T> {
    if (closed) throw new ViewletError('E_STORE_CLOSED', 'redis store: used after close(); create a new store.');
    const work = (async () => {
      const client = await (clientPromise ??= open());
      return (await client.sendCommand(args, { timeout: timeoutMs })) as T;
    })();
    try {
      return await withTimeout(work, timeoutMs, () => storeTimeout(`redis store: ${op}`, timeoutMs));
    } catch (error) {
      throw storeFailure('redis', op, error);
    }
  }

  const k = (key: string) => prefix + key;

  return {
    name: 'redis',
    shared: true,
    async getMany(keys) {
      if (keys.length === 0) return [];
      const values = await call<(string | null)[]>('MGET', ['MGET', ...keys.map(k)]);
      return values.map((value) => (typeof value === 'string' ? value : null));
    },
    async set(key, value, ttlMs) {
      await call('SET', ['SET', k(key), value, 'PX', String(ttlOf(ttlMs))]);
    },
    async setIfAbsent(key, value, ttlMs) {
      // Issued in one tick, so node-redis writes both in one round trip; GET sees
      // our value if SET won, else the holder's (or null if it just expired).
      const [set, current] = await Promise.all([
        call<string | null>('SET NX', ['SET', k(key), value, 'NX', 'PX', String(ttlOf(ttlMs))]),
        call<string | null>('GET', ['GET', k(key)]),
      ]);
      return set === 'OK' ? true : (current ?? null);
    },
    async deleteIfEquals(key, value) {
      const args = ['1', k(key), value];
      let deleted: unknown;
      try {
        deleted = await call('EVALSHA', ['EVALSHA', COMPARE_AND_DELETE.sha1, ...args]);
      } catch (error) {
        if (!isNoScriptError((error as ViewletError).cause ?? error)) throw error;
        debugLog('redis store', 'compare-and-delete script not cached yet; sending it');
        deleted = await call('EVAL', ['EVAL', COMPARE_AND_DELETE.script, ...args]);
      }
      return Number(deleted) === 1;
    },
    async delete(keys) {
      if (keys.length > 0) await call('DEL', ['DEL', ...keys.map(k)]);
    },
    async time() {
      const [seconds, micros] = await call<[string, string]>('TIME', ['TIME']);
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    },
    async close() {
      if (closed) return;
      closed = true;
      const client = await clientPromise?.catch(() => undefined);
      if (!client || !ownsClient) return;
      if (client.isReady)
        await withTimeout(client.close(), timeoutMs, () => storeTimeout('redis store: close', timeoutMs)).catch(() => client.destroy());
      else if (client.isOpen) client.destroy();
    },
  };
}

/** Throws `E_STORE_CONFIG` unless `url` is a `redis://` or `rediss://` URL. Never echoes the URL (it may hold a password). */
export function assertRedisUrl(url: string | undefined, where: string): string {
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
  return url;
}
