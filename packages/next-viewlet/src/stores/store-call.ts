/**
 * What every store needs around a client call: a deadline, errors that carry a
 * stable code and no stored values, and one place for the key prefix rules.
 */
import { ViewletError } from '../core/errors.ts';

/** Default key prefix of every store: `nv:`. */
export const DEFAULT_PREFIX = 'nv:';

/** Options every remote store takes. */
export interface RemoteStoreOptions {
  /** Prepended to every key, so several apps or environments can share one database. Default `'nv:'`. */
  prefix?: string;
  /** Deadline of every call in ms (retries included); a longer call rejects with `E_STORE_TIMEOUT`. Default 1000. */
  timeoutMs?: number;
}

const PREFIX_RE = /^[\x21-\x7e]{1,64}$/;

/** Throws `E_STORE_CONFIG` unless `prefix` is 1-64 printable ASCII characters without spaces. */
export function assertPrefix(prefix: string, where = 'prefix'): string {
  if (typeof prefix !== 'string' || !PREFIX_RE.test(prefix)) {
    throw new ViewletError(
      'E_STORE_CONFIG',
      `${where} must be 1-64 printable ASCII characters without spaces (e.g. 'nv:' or 'shop-prod:'), got ${JSON.stringify(prefix)}.`,
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
