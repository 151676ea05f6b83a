/**
 * What every store needs around a client call: a deadline, errors that carry a
 * stable code and no stored values, and one place for the key prefix rules.
 */
import { ViewletError } from '../core/errors.ts';
import { createLog, defaultLog, type Log, type ViewletLogger } from '../util/log.ts';

/** Default key prefix of every store: `nv:`. */
export const DEFAULT_PREFIX = 'nv:';

/** How long the invalidation journal keeps entries: by count and by age, whichever is hit first. */
export interface JournalOptions {
  /**
   * Most journal entries kept. An instance that falls further behind re-reads
   * the records of every tag it holds once.
   * @default 10000
   */
  journalMaxLength?: number;
  /**
   * Age after which journal entries are dropped, in ms.
   * @default 86400000 (1 day)
   */
  journalRetentionMs?: number;
}

/** Throws `E_STORE_CONFIG` unless the journal bounds are sensible whole numbers. */
export function assertJournalOptions(options: JournalOptions): { maxLength: number; retentionMs: number } {
  const maxLength = options.journalMaxLength ?? 10_000;
  const retentionMs = options.journalRetentionMs ?? 86_400_000;
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > 10_000_000) {
    throw new ViewletError('E_STORE_CONFIG', `journalMaxLength must be a whole number from 1 to 10000000, got ${maxLength}.`);
  }
  if (!Number.isInteger(retentionMs) || retentionMs < 1000) {
    throw new ViewletError(
      'E_STORE_CONFIG',
      `journalRetentionMs must be a whole number of milliseconds, at least 1000, got ${retentionMs}.`,
    );
  }
  return { maxLength, retentionMs };
}

/** Default hard upper bound of every remote store call, in ms. */
export const DEFAULT_STORE_TIMEOUT_MS = 10_000;

/** Options every remote store takes. */
export interface RemoteStoreOptions extends JournalOptions {
  /**
   * Prepended to every key, so several apps or environments can share one database:
   * 1-64 printable ASCII characters without spaces or braces.
   * @default 'nv:'
   */
  prefix?: string;
  /**
   * Hard upper bound of every call in ms (retries included): a longer call rejects
   * with `E_STORE_TIMEOUT`, so no call waits forever. It is a safety net, not the
   * cache's read deadline (the cache applies its own, tighter one).
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Where the store's warnings (connection lost, back again) and debug lines go.
   * @default the console, each line prefixed with `[next-viewlet]`
   */
  logger?: ViewletLogger;
}

// Printable ASCII without spaces or braces: the stores put `{hash tags}` in keys for Redis Cluster.
const PREFIX_RE = /^[\x21-\x7a|~]{1,64}$/;

/** Throws `E_STORE_CONFIG` unless `prefix` is 1-64 printable ASCII characters without spaces or braces. */
export function assertPrefix(prefix: string, where = 'prefix'): string {
  if (typeof prefix !== 'string' || !PREFIX_RE.test(prefix)) {
    throw new ViewletError(
      'E_STORE_CONFIG',
      `${where} must be 1-64 printable ASCII characters without spaces or braces (e.g. 'nv:' or 'shop-prod:'), got ${JSON.stringify(prefix)}.`,
    );
  }
  return prefix;
}

/** Throws `E_STORE_CONFIG` unless `ms` is a whole number of milliseconds in [1, 600000]. */
export function assertTimeout(ms: number, where = 'timeoutMs'): number {
  if (!Number.isInteger(ms) || ms < 1 || ms > 600_000) {
    throw new ViewletError('E_STORE_CONFIG', `${where} must be a whole number of milliseconds between 1 and 600000, got ${ms}.`);
  }
  return ms;
}

/** The error of a store call that missed its deadline. */
export function storeTimeout(what: string, ms: number): ViewletError {
  return new ViewletError('E_STORE_TIMEOUT', `${what} took longer than ${ms} ms; check the store's health or raise timeoutMs.`);
}

/** Wraps a client error as `E_STORE_FAILED` (timeouts and `ViewletError`s pass through unchanged). */
export function storeFailure(store: string, op: string, cause: unknown): ViewletError {
  if (cause instanceof ViewletError) return cause;
  if (isAbortError(cause)) {
    return new ViewletError('E_STORE_TIMEOUT', `${store} store: ${op} timed out; check the store's health or raise timeoutMs.`, { cause });
  }
  const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new ViewletError('E_STORE_FAILED', `${store} store: ${op} failed (${detail}).`, { cause });
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** A positive whole TTL in milliseconds (stores reject 0 and fractions). */
export function ttlOf(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new ViewletError('E_STORE_FAILED', `ttlMs must be a positive number of milliseconds, got ${ttlMs}.`);
  }
  return Math.max(1, Math.ceil(ttlMs));
}

/** The log of a store: its own logger's, else the process-wide one (so warnings are not repeated per store). */
export function storeLog(logger: ViewletLogger | undefined): Log {
  return logger ? createLog(logger) : defaultLog;
}
