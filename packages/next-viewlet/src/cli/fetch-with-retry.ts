/**
 * One GET with a deadline per attempt, retried on transient failures (network
 * errors, timeouts, 429, 502, 503, 504) with exponential back-off and jitter
 * (p-retry). A `Retry-After` the server sends is waited for first, up to the
 * longest back-off. Redirects are not followed: a warm-up never leaves the
 * origin it was given.
 */
import pRetry from 'p-retry';

/** Statuses worth another try: the server is overloaded, or a proxy could not reach it. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export interface RetryOptions {
  /** Deadline of one attempt (request and body), in ms. Default 30000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** Back-off before the first retry, in ms; it doubles per retry, times a random factor in [1, 2). Default 500. */
  minDelayMs?: number;
  /** Longest back-off (and longest `Retry-After` honoured), in ms. Default 10000. */
  maxDelayMs?: number;
  /** Default: the global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Called before each retry (for progress output). */
  onRetry?: (info: { attempt: number; reason: string }) => void;
}

export interface FetchResult {
  /** HTTP status of the last attempt; 0 when no response arrived. */
  status: number;
  /** The response headers of the last attempt (empty when none arrived). */
  headers: Headers;
  /** The body of the last attempt. */
  body: Uint8Array;
  /** Attempts made (1 without retries). */
  attempts: number;
  /** Why the last attempt failed without a response (network error or timeout). */
  error?: string;
}

class TransientStatus extends Error {
  constructor(
    readonly result: Omit<FetchResult, 'attempts'>,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${result.status}`);
  }
}

function retryAfterMs(headers: Headers, now: number): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const describe = (error: unknown) =>
  error instanceof Error ? (error.name === 'TimeoutError' ? 'timed out' : `${error.message}${causeOf(error)}`) : String(error);
const causeOf = (error: Error) => (error.cause instanceof Error ? ` (${error.cause.message})` : '');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** GETs `url` with retries; never throws for HTTP or network failures (see `status` and `error`). */
export async function fetchWithRetry(url: URL, init: { headers?: HeadersInit }, options: RetryOptions = {}): Promise<FetchResult> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  let attempts = 0;
  let last: Omit<FetchResult, 'attempts'> = { status: 0, headers: new Headers(), body: new Uint8Array() };

  const attempt = async () => {
    attempts += 1;
    const signal = AbortSignal.timeout(timeoutMs);
    const response = await doFetch(url, { method: 'GET', headers: init.headers, redirect: 'manual', signal });
    const body = new Uint8Array(await response.arrayBuffer());
    const result = { status: response.status, headers: response.headers, body };
    if (TRANSIENT_STATUSES.has(response.status)) throw new TransientStatus(result, retryAfterMs(response.headers, Date.now()));
    return result;
  };

  try {
    const result = await pRetry(attempt, {
      retries: options.retries ?? 3,
      factor: 2,
      minTimeout: options.minDelayMs ?? 500,
      maxTimeout: maxDelayMs,
      randomize: true,
      // p-retry has already given up on TypeErrors that are not network errors (is-network-error).
      shouldRetry: ({ error }) => error instanceof TransientStatus || error.name === 'TimeoutError' || error.name === 'TypeError',
      onFailedAttempt: async ({ error, retriesLeft }) => {
        last =
          error instanceof TransientStatus
            ? error.result
            : { status: 0, headers: new Headers(), body: new Uint8Array(), error: describe(error) };
        if (retriesLeft <= 0) return;
        options.onRetry?.({ attempt: attempts, reason: error instanceof TransientStatus ? error.message : describe(error) });
        if (error instanceof TransientStatus && error.retryAfterMs !== undefined) await sleep(Math.min(error.retryAfterMs, maxDelayMs));
      },
    });
    return { ...result, attempts };
  } catch (error) {
    if (error instanceof TransientStatus) return { ...error.result, attempts };
    return { ...last, status: 0, error: last.error ?? describe(error), attempts };
  }
}
