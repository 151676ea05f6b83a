/**
 * Picks and creates a store from explicit options, then environment variables.
 * The only module that reads `process.env` for the stores: the factories take
 * options only.
 *
 * Precedence: `options.kind`, then `VIEWLET_STORE`, then a store whose options
 * carry a url or client (redis, redisCluster, upstash), then
 * `REDIS_CLUSTER_URLS` (redis-cluster), then `REDIS_URL` (redis), then
 * `UPSTASH_REDIS_REST_URL`/`_TOKEN` or `KV_REST_API_URL`/`_TOKEN` (upstash),
 * else memory. An invalid configuration throws `E_STORE_CONFIG` at start-up,
 * with a message that names the variable to fix and never its value; so does a
 * selected store whose client package is not installed.
 */
import { ViewletError } from '../core/errors.ts';
import { debugLog } from '../util/log.ts';
import { CLIENT_PACKAGES, isPackageInstalled, missingPackage, preloadClient } from './import-lib.ts';
import { createMemoryStore, type MemoryStoreOptions } from './memory-store.ts';
import { assertRedisUrl } from './node-redis.ts';
import { assertClusterUrls, createRedisClusterStore, type RedisClusterStoreOptions } from './redis-cluster-store.ts';
import { createRedisStore, type RedisStoreOptions } from './redis-store.ts';
import { assertJournalOptions, assertPrefix, assertTimeout, DEFAULT_PREFIX, type JournalOptions } from './store-call.ts';
import type { ViewletStore } from './types.ts';
import { assertUpstashCredentials, createUpstashStore, type UpstashStoreOptions } from './upstash-store.ts';

export type StoreKind = 'memory' | 'redis' | 'redis-cluster' | 'upstash';

export type Env = Record<string, string | undefined>;

export interface StoreFromEnvOptions {
  /** Which store to create. Default: env `VIEWLET_STORE`, else detected (see the module comment). */
  kind?: StoreKind;
  /** Key prefix of every store. Default: env `VIEWLET_CACHE_PREFIX`, else `'nv:'`. */
  prefix?: string;
  /**
   * The cache's read deadline, in ms: returned by `resolveStoreConfig` for the
   * cache handler, not given to the store (whose own `timeoutMs` is a hard bound).
   * Default: env `VIEWLET_STORE_TIMEOUT_MS`, else the cache's default.
   */
  timeoutMs?: number;
  /** Options of the memory store (its `prefix` is overridden by `prefix`). */
  memory?: MemoryStoreOptions;
  /** Options of the Redis store; `url` or `client` here win over `REDIS_URL`. */
  redis?: RedisStoreOptions;
  /** Options of the Redis Cluster store; `urls` or `client` here win over `REDIS_CLUSTER_URLS`. */
  redisCluster?: RedisClusterStoreOptions;
  /** Options of the Upstash store; `url`/`token`/`client` here win over the env variables. */
  upstash?: UpstashStoreOptions;
  /**
   * Whether a client package can be imported. Default: resolved from next-viewlet's
   * own location, as the store's `import()` will. For tests and unusual module layouts.
   */
  isInstalled?: (pkg: string) => boolean;
}

/** What `storeFromEnv` would create, and why (`source` names the option or variable that decided). */
export interface StoreConfig {
  kind: StoreKind;
  prefix: string;
  source: string;
  /** The cache's read deadline, when configured (`VIEWLET_STORE_TIMEOUT_MS` or the `timeoutMs` option). */
  timeoutMs?: number;
  /** Journal bounds from `VIEWLET_JOURNAL_MAX_LENGTH` / `VIEWLET_JOURNAL_RETENTION_MS`, when set. */
  journal: JournalOptions;
}

const KINDS: readonly StoreKind[] = ['memory', 'redis', 'redis-cluster', 'upstash'];

/** Validates the configuration and tells which store it selects, without creating it. Throws `E_STORE_CONFIG`. */
export function resolveStoreConfig(env: Env = process.env, options: StoreFromEnvOptions = {}): StoreConfig {
  const vars = readVars(env, options);
  const prefix = assertPrefix(options.prefix ?? vars.prefix ?? DEFAULT_PREFIX, 'VIEWLET_CACHE_PREFIX (or the prefix option)');
  if (options.timeoutMs !== undefined) assertTimeout(options.timeoutMs);
  const timeoutMs =
    options.timeoutMs ?? (vars.timeout === undefined ? undefined : assertTimeout(Number(vars.timeout), 'VIEWLET_STORE_TIMEOUT_MS'));
  const journal = journalFrom(vars);

  const forced = options.kind ?? vars.kind;
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
  } else if (options.redisCluster?.client || options.redisCluster?.urls) {
    [kind, source] = ['redis-cluster', 'the redisCluster option'];
  } else if (options.upstash?.client || options.upstash?.url) {
    [kind, source] = ['upstash', 'the upstash option'];
  } else if (vars.clusterUrls) {
    [kind, source] = ['redis-cluster', 'REDIS_CLUSTER_URLS'];
  } else if (vars.redisUrl) {
    [kind, source] = ['redis', 'REDIS_URL'];
  } else if (vars.upstashUrl || vars.upstashToken) {
    [kind, source] = ['upstash', vars.upstashSource];
  } else {
    [kind, source] = ['memory', 'the default (no REDIS_URL, REDIS_CLUSTER_URLS or UPSTASH_REDIS_REST_URL)'];
  }

  const injected = kind !== 'memory' && clientOf(kind, options) !== undefined;
  if (kind === 'redis' && !injected) assertRedisUrl(vars.redisUrl, `REDIS_URL (store chosen by ${source})`);
  if (kind === 'redis-cluster' && !injected) assertClusterUrls(vars.clusterUrls, `REDIS_CLUSTER_URLS (store chosen by ${source})`);
  if (kind === 'upstash' && !injected) {
    assertUpstashCredentials(vars.upstashUrl, vars.upstashToken, `the upstash store (chosen by ${source})`);
  }
  if (kind !== 'memory' && !injected) {
    const pkg = CLIENT_PACKAGES[kind];
    if (!(options.isInstalled ?? isPackageInstalled)(pkg)) throw missingPackage(`the ${kind} store (chosen by ${source})`, pkg);
  }
  return { kind, prefix, source, journal, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
}

/** Creates the store the options and environment select (see the module comment). Throws `E_STORE_CONFIG` when invalid. */
export function storeFromEnv(env: Env = process.env, options: StoreFromEnvOptions = {}): ViewletStore {
  const config = resolveStoreConfig(env, options);
  const vars = readVars(env, options);
  const common = { ...config.journal, prefix: config.prefix };
  debugLog('store', `using the ${config.kind} store (chosen by ${config.source}), prefix ${config.prefix}`);
  switch (config.kind) {
    case 'memory':
      return createMemoryStore({ ...config.journal, ...options.memory, prefix: config.prefix });
    case 'redis':
      return createRedisStore({ ...common, ...options.redis, url: vars.redisUrl, prefix: config.prefix });
    case 'redis-cluster':
      return createRedisClusterStore({ ...common, ...options.redisCluster, urls: vars.clusterUrls, prefix: config.prefix });
    case 'upstash':
      return createUpstashStore({ ...common, ...options.upstash, url: vars.upstashUrl, token: vars.upstashToken, prefix: config.prefix });
  }
}

/** The variables, trimmed (blank = unset), with the explicit options' urls winning. */
function readVars(env: Env, options: StoreFromEnvOptions) {
  const get = (name: string) => env[name]?.trim() || undefined;
  const clusterText = get('REDIS_CLUSTER_URLS');
  return {
    prefix: get('VIEWLET_CACHE_PREFIX'),
    timeout: get('VIEWLET_STORE_TIMEOUT_MS'),
    journalMaxLength: get('VIEWLET_JOURNAL_MAX_LENGTH'),
    journalRetention: get('VIEWLET_JOURNAL_RETENTION_MS'),
    kind: get('VIEWLET_STORE'),
    redisUrl: options.redis?.url ?? get('REDIS_URL'),
    clusterUrls: options.redisCluster?.urls ?? clusterText?.split(',').filter((url) => url.trim() !== ''),
    upstashUrl: options.upstash?.url ?? get('UPSTASH_REDIS_REST_URL') ?? get('KV_REST_API_URL'),
    upstashToken: options.upstash?.token ?? get('UPSTASH_REDIS_REST_TOKEN') ?? get('KV_REST_API_TOKEN'),
    upstashSource: get('UPSTASH_REDIS_REST_URL') || get('UPSTASH_REDIS_REST_TOKEN') ? 'UPSTASH_REDIS_REST_*' : 'KV_REST_API_*',
  };
}

function journalFrom(vars: ReturnType<typeof readVars>): JournalOptions {
  const journal: JournalOptions = {};
  const whole = (text: string, name: string) => {
    if (!/^\d+$/.test(text)) throw new ViewletError('E_STORE_CONFIG', `${name} must be a whole number, got ${JSON.stringify(text)}.`);
    return Number(text);
  };
  if (vars.journalMaxLength !== undefined) journal.journalMaxLength = whole(vars.journalMaxLength, 'VIEWLET_JOURNAL_MAX_LENGTH');
  if (vars.journalRetention !== undefined) journal.journalRetentionMs = whole(vars.journalRetention, 'VIEWLET_JOURNAL_RETENTION_MS');
  assertJournalOptions(journal);
  return journal;
}

function clientOf(kind: Exclude<StoreKind, 'memory'>, options: StoreFromEnvOptions): unknown {
  if (kind === 'redis') return options.redis?.client;
  if (kind === 'redis-cluster') return options.redisCluster?.client;
  return options.upstash?.client;
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

// ---- A store per cache kind ------------------------------------------------

/** The variables that give cache kind `kind` a store of its own: `VIEWLET_<KIND>_STORE_URL` and `_TOKEN` (`-` as `_`). */
export function kindStoreVariables(kind: string): { url: string; token: string } {
  const stem = `VIEWLET_${kind.toUpperCase().replace(/-/g, '_')}_STORE`;
  return { url: `${stem}_URL`, token: `${stem}_TOKEN` };
}

/**
 * The options of cache kind `kind`'s own store, or `undefined` when it has none
 * (it shares the default kind's store, the process store). `default` never has
 * one here: its store is the process store (`VIEWLET_STORE`, `REDIS_URL`...).
 * A `redis://`/`rediss://` URL is a Redis store, `https://` an Upstash one (with
 * its token). Validated as `resolveStoreConfig` does; throws `E_STORE_CONFIG`.
 */
export function resolveKindStoreOptions(kind: string, env: Env = process.env): StoreFromEnvOptions | undefined {
  if (kind === 'default') return undefined;
  const names = kindStoreVariables(kind);
  const url = env[names.url]?.trim();
  if (!url) return undefined;
  const scheme = /^([a-z]+):/.exec(url)?.[1];
  let options: StoreFromEnvOptions;
  if (scheme === 'redis' || scheme === 'rediss') options = { kind: 'redis', redis: { url } };
  else if (scheme === 'https' || scheme === 'http') {
    const token = env[names.token]?.trim();
    if (!token) throw new ViewletError('E_STORE_CONFIG', `${names.url} is an Upstash REST URL; set ${names.token} to its token as well.`);
    options = { kind: 'upstash', upstash: { url, token } };
  } else {
    throw new ViewletError(
      'E_STORE_CONFIG',
      `${names.url} must be a redis:// or rediss:// URL (Redis) or an https:// Upstash REST URL (with ${names.token}).`,
    );
  }
  resolveStoreConfig(env, options);
  return options;
}

/**
 * Starts importing the client packages the environment's stores need, in the
 * background and without connecting (see `preloadClient`): the handler modules
 * call it when Next loads them, with the configuration they resolved already.
 * Throws `E_STORE_CONFIG` as `resolveStoreConfig` does.
 */
export function preloadStoreClients(env: Env = process.env, config: StoreConfig = resolveStoreConfig(env)): void {
  const kinds = new Set<StoreKind>([config.kind]);
  for (const kind of kindsWithOwnStore(env)) {
    const options = resolveKindStoreOptions(kind, env);
    if (options?.kind) kinds.add(options.kind);
  }
  for (const kind of kinds) preloadClient(kind);
}

/** The kinds the environment gives a store of their own, `remote` first, then by name. */
export function kindsWithOwnStore(env: Env = process.env): string[] {
  const kinds = Object.keys(env)
    .map((name) => /^VIEWLET_([A-Z][A-Z_]*)_STORE_URL$/.exec(name)?.[1])
    .filter((stem): stem is string => stem !== undefined && Boolean(env[`VIEWLET_${stem}_STORE_URL`]?.trim()))
    .map((stem) => stem.toLowerCase().replace(/_/g, '-'))
    .filter((kind) => kind !== 'default');
  return kinds.sort((a, b) => (a === 'remote' ? -1 : b === 'remote' ? 1 : a.localeCompare(b)));
}

const KIND_STORES = Symbol.for('next-viewlet.kind-stores');
type KindHolder = { [KIND_STORES]?: Map<string, ViewletStore> };

/**
 * The store of cache kind `kind` in this process: its own (created from
 * `VIEWLET_<KIND>_STORE_URL` on first use, kept on `globalThis`, named
 * `<store>:<kind>` in stats), else the process store.
 */
export function getKindStore(kind: string): ViewletStore {
  const stores = ((globalThis as KindHolder)[KIND_STORES] ??= new Map());
  const known = stores.get(kind);
  if (known) return known;
  const options = resolveKindStoreOptions(kind);
  if (!options) return getProcessStore();
  const created = storeFromEnv(process.env, options);
  const store = Object.assign(Object.create(created) as ViewletStore, { name: `${created.name}:${kind}` });
  stores.set(kind, store);
  return store;
}

/**
 * The store whose tag records and journal judge every kind's entries: the
 * process store when it is shared, else the first kind's own shared store
 * (`remote` first), else the process store. One judge, so an invalidation
 * recorded on any instance reaches every kind on every instance.
 */
export function getTagStore(): ViewletStore {
  const main = getProcessStore();
  if (main.shared) return main;
  for (const kind of kindsWithOwnStore()) {
    const store = getKindStore(kind);
    if (store.shared) return store;
  }
  return main;
}

/**
 * Sets `VIEWLET_<KIND>_STORE_URL`/`_TOKEN` in `env` from explicit options
 * (`withViewlets(config, { stores })`) where they are not set already: the
 * variables win, as for every store. Validates them; throws `E_STORE_CONFIG`.
 */
export function exportKindStore(kind: string, store: { url?: string; token?: string }, env: Env = process.env): void {
  const names = kindStoreVariables(kind);
  if (store.url !== undefined && !env[names.url]?.trim()) env[names.url] = store.url;
  if (store.token !== undefined && !env[names.token]?.trim()) env[names.token] = store.token;
  resolveKindStoreOptions(kind, env);
}

/** Forgets the kinds' own stores (they are not closed). For tests. */
export function resetKindStores(): void {
  delete (globalThis as KindHolder)[KIND_STORES];
}
