/**
 * A per-key fixed-window counter, in memory and per process, and the client
 * address the webhook limits unauthenticated requests by. Memory is bounded by
 * an LRU of keys: under a flood of distinct keys the oldest windows are
 * forgotten, which only ever lets a request through early; the signature check
 * still guards everything behind it.
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

export interface ClientAddressOptions {
  /**
   * Proxies in front of the app that append to `x-forwarded-for` (a load balancer, a CDN), whose
   * entries are trusted: the client is the entry this many places from the end. `0` trusts none.
   * @default 0
   */
  trustProxyHops?: number;
  /**
   * A header that holds the client address, set by the platform or proxy in front and never
   * passed through from the client (`x-real-ip`, `cf-connecting-ip`, `x-vercel-forwarded-for`).
   * Used instead of `x-forwarded-for` when given.
   * @default none
   */
  clientAddressHeader?: string;
}

/** Longest address kept (an IPv6 address with a zone fits): a forged header must not grow memory. */
const MAX_ADDRESS_LENGTH = 64;

/**
 * The client address of a request, for the rate limit of unauthenticated requests.
 *
 * `next start` gives a Route Handler no socket; it puts the socket address into
 * `x-forwarded-for` when the request did not bring that header (base-server.js,
 * `??=`), and passes a header the client sent through unchanged. So with no
 * proxy trusted the last entry is the socket address for a client that sends no
 * such header; one that forges it picks its own key (and evades, never spends,
 * another client's budget). Behind `trustProxyHops` proxies that each append
 * the address they saw, the client is the entry `trustProxyHops` from the end.
 */
export function clientAddress(request: Request, options: ClientAddressOptions = {}): string {
  const { trustProxyHops = 0, clientAddressHeader } = options;
  if (clientAddressHeader) return request.headers.get(clientAddressHeader)?.trim().slice(0, MAX_ADDRESS_LENGTH) || 'unknown';
  const entries = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return 'unknown';
  const index = Math.max(0, entries.length - Math.max(1, trustProxyHops));
  return entries[index]!.slice(0, MAX_ADDRESS_LENGTH);
}
