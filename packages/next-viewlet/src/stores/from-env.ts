/**
 * Picks and creates a store from explicit options, then environment variables.
 *
 * Precedence: `options.kind`, then `VIEWLET_STORE`, then a store whose options
 * carry a url or client, then `REDIS_URL` (redis), then
 * `UPSTASH_REDIS_REST_URL`/`_TOKEN` or `KV_REST_API_URL`/`_TOKEN` (upstash),
 * else memory. When both Redis and Upstash are configured, Redis wins.
 * An invalid configuration throws `E_STORE_CONFIG` at start-up, with a message
 * that names the variable to fix and never its value.
 */
import { ViewletError } from '../core/errors.ts';
import { debugLog } from '../util/log.ts';
import { createMemoryStore, type MemoryStoreOptions } from './memory-store.ts';
import { assertRedisUrl, createRedisStore, type RedisStoreOptions } from './redis-store.ts';
import { assertPrefix, assertTimeout, DEFAULT_PREFIX } from './store-call.ts';
import type { ViewletStore } from './types.ts';
import { assertUpstashCredentials, createUpstashStore, type UpstashStoreOptions } from './upstash-store.ts';

export type StoreKind = 'memory' | 'redis' | 'upstash';

export type Env = Record<string, string | undefined>;

export interface StoreFromEnvOptions {
  /** Which store to create. Default: env `VIEWLET_STORE`, else detected (see the module comment). */
  kind?: StoreKind;
  /** Key prefix of every store. Default: env `VIEWLET_CACHE_PREFIX`, else `'nv:'`. */
  prefix?: string;
  /** Deadline of every store call, in ms. Default: env `VIEWLET_STORE_TIMEOUT_MS`, else the store's default (1000). */
  timeoutMs?: number;
  /** Options of the memory store (its `prefix` is overridden by `prefix`). */
  memory?: MemoryStoreOptions;
  /** Options of the Redis store; `url` or `client` here win over `REDIS_URL`. */
  redis?: RedisStoreOptions;
  /** Options of the Upstash store; `url`/`token`/`client` here win over the env variables. */
  upstash?: UpstashStoreOptions;
}

/** What `storeFromEnv` would create, and why (`source` names the option or variable that decided). */
export interface StoreConfig {
  kind: StoreKind;
  prefix: string;
  source: string;
  timeoutMs?: number;
}

const KINDS: readonly StoreKind[] = ['memory', 'redis', 'upstash'];

/** Validates the configuration and tells which store it selects, without creating it. Throws `E_STORE_CONFIG`. */
export function resolveStoreConfig(env: Env = process.env, options: StoreFromEnvOptions = {}): StoreConfig {
  const get = (name: string) => env[name]?.trim() || undefined;
  const prefix = assertPrefix(
    options.prefix ?? get('VIEWLET_CACHE_PREFIX') ?? DEFAULT_PREFIX,
    'VIEWLET_CACHE_PREFIX (or the prefix option)',
  );
  const timeoutText = get('VIEWLET_STORE_TIMEOUT_MS');
  const timeoutMs =
    options.timeoutMs ?? (timeoutText === undefined ? undefined : assertTimeout(Number(timeoutText), 'VIEWLET_STORE_TIMEOUT_MS'));
  if (options.timeoutMs !== undefined) assertTimeout(options.timeoutMs);

  const redisUrl = options.redis?.url ?? get('REDIS_URL');
  const upstashUrl = options.upstash?.url ?? get('UPSTASH_REDIS_REST_URL') ?? get('KV_REST_API_URL');
  const upstashToken = options.upstash?.token ?? get('UPSTASH_REDIS_REST_TOKEN') ?? get('KV_REST_API_TOKEN');
  const forced = options.kind ?? get('VIEWLET_STORE');
  let kind: StoreKind;
  let source: string;
  if (forced !== undefined) {
    if (!KINDS.includes(forced as StoreKind)) {
      throw new ViewletError(
        'E_STORE_CONFIG',
        `VIEWLET_STORE (or the kind option) must be one of ${KINDS.join(', ')}, got ${JSON.stringify(forced)}.`,
      );
    }
    kind = forced as StoreKind;
    source = options.kind ? 'the kind option' : 'VIEWLET_STORE';
  } else if (options.redis?.client || options.redis?.url) {
    [kind, source] = ['redis', 'the redis option'];
  } else if (options.upstash?.client || options.upstash?.url) {
    [kind, source] = ['upstash', 'the upstash option'];
  } else if (redisUrl) {
    [kind, source] = ['redis', 'REDIS_URL'];
  } else if (upstashUrl || upstashToken) {
    [kind, source] = [
      'upstash',
      get('UPSTASH_REDIS_REST_URL') || get('UPSTASH_REDIS_REST_TOKEN') ? 'UPSTASH_REDIS_REST_*' : 'KV_REST_API_*',
    ];
  } else {
    [kind, source] = ['memory', 'the default (no REDIS_URL or UPSTASH_REDIS_REST_URL)'];
  }

  if (kind === 'redis' && !options.redis?.client) assertRedisUrl(redisUrl, `REDIS_URL (store chosen by ${source})`);
  if (kind === 'upstash' && !options.upstash?.client)
    assertUpstashCredentials(upstashUrl, upstashToken, `the upstash store (chosen by ${source})`);
  return { kind, prefix, source, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
}

/** Creates the store the options and environment select (see the module comment). Throws `E_STORE_CONFIG` when invalid. */
export function storeFromEnv(env: Env = process.env, options: StoreFromEnvOptions = {}): ViewletStore {
  const config = resolveStoreConfig(env, options);
  const get = (name: string) => env[name]?.trim() || undefined;
  const { prefix } = config;
  const timeout = config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs };
  debugLog('store', `using the ${config.kind} store (chosen by ${config.source}), prefix ${prefix}`);
  switch (config.kind) {
    case 'memory':
      return createMemoryStore({ ...options.memory, prefix });
    case 'redis':
      return createRedisStore({ ...timeout, ...options.redis, url: options.redis?.url ?? get('REDIS_URL'), prefix });
    case 'upstash':
      return createUpstashStore({
        ...timeout,
        ...options.upstash,
        url: options.upstash?.url ?? get('UPSTASH_REDIS_REST_URL') ?? get('KV_REST_API_URL'),
        token: options.upstash?.token ?? get('UPSTASH_REDIS_REST_TOKEN') ?? get('KV_REST_API_TOKEN'),
        prefix,
      });
  }
}

const PROCESS_STORE = Symbol.for('next-viewlet.store');
type Holder = { [PROCESS_STORE]?: ViewletStore };

/**
 * The process-wide store, created from `process.env` on first use and kept on
 * `globalThis`, so every copy of this module (Next may load several) shares one
 * connection. The cache handler and the webhook's replay guard use it.
 */
export function getProcessStore(): ViewletStore {
  return ((globalThis as Holder)[PROCESS_STORE] ??= storeFromEnv());
}

/** Replaces the process-wide store (`undefined` forgets it; the next use creates one from env). For tests and custom wiring. */
export function setProcessStore(store: ViewletStore | undefined): void {
  if (store === undefined) delete (globalThis as Holder)[PROCESS_STORE];
  else (globalThis as Holder)[PROCESS_STORE] = store;
}
