/**
 * The store contract: the few operations the cache handler, the tag system,
 * the stampede lock and the webhook's replay guard need. Values are text
 * (binary is base64-encoded by the caller: the Upstash client mangles bytes).
 * Every store passes the one conformance suite in test/stores/.
 *
 * Units: TTLs and times are milliseconds.
 */
export interface ViewletStore {
  /** Short name for logs and stats: 'memory', 'redis', 'upstash'. */
  readonly name: string;
  /** True when the store is shared between processes (redis, upstash); false for memory. */
  readonly shared: boolean;

  /** Values of `keys`, in order, `null` where absent or expired. One round trip. */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;

  /** Sets `key` to `value`, expiring after `ttlMs` (> 0). */
  set(key: string, value: string, ttlMs: number): Promise<void>;

  /**
   * Sets `key` only if it is absent (SET NX). Returns `true` when it was set;
   * otherwise the value that is there now (or `null` if it vanished meanwhile).
   */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<true | string | null>;

  /** Deletes `key` only if its value is `value` (compare-and-delete). Returns whether it deleted. */
  deleteIfEquals(key: string, value: string): Promise<boolean>;

  /** Deletes keys (absent keys are fine). */
  delete(keys: readonly string[]): Promise<void>;

  /** The store's clock, ms since the epoch (Redis TIME), so every instance compares times on one clock. */
  time(): Promise<number>;

  /** Releases connections. The store must not be used afterwards. */
  close(): Promise<void>;
}
