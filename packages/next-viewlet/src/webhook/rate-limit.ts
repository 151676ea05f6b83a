/**
 * A per-client fixed-window counter, in memory and per process. Memory is
 * bounded by an LRU of clients: under a flood of distinct clients the oldest
 * windows are forgotten, which only ever lets a request through early; the
 * signature check still guards everything behind it.
 */
import { LRUCache } from 'lru-cache';
import { ViewletError } from '../core/errors.ts';

export interface RateLimitOptions {
  /** Requests allowed per client and window. @default 60 */
  limit?: number;
  /** Window length in ms. @default 60_000 */
  windowMs?: number;
  /** Clients remembered at most (memory bound). @default 10_000 */
  maxClients?: number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Longer client keys are cut: a forged header must not grow memory. */
const MAX_KEY_LENGTH = 128;

export function createRateLimiter(options: RateLimitOptions = {}): (client: string, now: number) => RateLimitDecision {
  const limit = options.limit ?? 60;
  const windowMs = options.windowMs ?? 60_000;
  const maxClients = options.maxClients ?? 10_000;
  for (const [name, value] of [
    ['limit', limit],
    ['windowMs', windowMs],
    ['maxClients', maxClients],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ViewletError('E_WEBHOOK_OPTIONS', `rateLimit.${name} must be a positive integer, got ${value}.`);
    }
  }
  const windows = new LRUCache<string, { count: number; resetAt: number }>({ max: maxClients });

  return (client, now) => {
    const key = client.slice(0, MAX_KEY_LENGTH);
    let window = windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)) };
  };
}

/** The first `x-forwarded-for` entry, else `'unknown'`. Trust it only behind a proxy that sets it (Vercel, most load balancers). */
export function defaultClientIp(request: Request): string {
  const first = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return first ? first : 'unknown';
}
