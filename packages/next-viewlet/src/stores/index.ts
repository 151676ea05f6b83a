export type { ViewletStore, InvalidateOptions, JournalEntry, JournalRead } from './types.ts';
export type { TagRecord } from './tag-record.ts';
export { createMemoryStore, DEFAULT_MEMORY_MAX_BYTES, type MemoryStoreOptions } from './memory-store.ts';
export { createRedisStore, type RedisStoreOptions, type NodeRedisClient } from './redis-store.ts';
export { createRedisClusterStore, type RedisClusterStoreOptions, type NodeRedisCluster } from './redis-cluster-store.ts';
export { createUpstashStore, type UpstashStoreOptions, type UpstashClient } from './upstash-store.ts';
export {
  storeFromEnv,
  resolveStoreConfig,
  getProcessStore,
  setProcessStore,
  getKindStore,
  getTagStore,
  type StoreFromEnvOptions,
  type StoreConfig,
  type StoreKind,
  type Env,
} from './from-env.ts';
export { COMPARE_AND_DELETE } from './scripts.ts';
export { DEFAULT_PREFIX, DEFAULT_STORE_TIMEOUT_MS, type JournalOptions, type RemoteStoreOptions } from './store-call.ts';
