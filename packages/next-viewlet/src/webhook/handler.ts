/**
 * `createRevalidationHandler`: a Route Handler, `(Request) => Promise<Response>`,
 * that invalidates tags and viewlets on a signed Standard Webhooks message.
 *
 * Checks, cheapest and least trusting first: secret configured (503) → rate
 * limit per client (429) → POST (405) → JSON content type (415) → body capped
 * while streaming (413/408) → headers, timestamp, signature (401) → payload
 * (400) → replay record (200 duplicate / 409 / 503) → invalidate → 200.
 *
 * The payload is checked BEFORE the replay record is written: a message that
 * fails validation leaves no record, so the sender can fix the body and resend
 * it under the same id. Checking is free of side effects, and only a validly
 * signed body gets that far. If invalidation itself fails, the record is
 * removed again so a retry is not answered "duplicate".
 */
import { describeError, isViewletError, ViewletError, type ViewletErrorCode } from '../core/errors.ts';
import { createLog, defaultLog, type ViewletLogger } from '../util/log.ts';
import type { ViewletStore } from '../stores/types.ts';
import { resolvePayload, type RevalidationMode } from './payload.ts';
import { createRateLimiter, defaultClientIp, type RateLimitOptions } from './rate-limit.ts';
import { readBody } from './read-body.ts';
import { createReplayGuard } from './replay-guard.ts';
import { errorResponse, json, STATUS_BY_CODE } from './responses.ts';
import { parseSecrets } from './secrets.ts';
import { DEFAULT_TOLERANCE_SECONDS, verifyWithKeys } from './signature.ts';

/** What the handler asks to invalidate: every tag of one message, in one call. */
export interface InvalidationAction {
  /** Every tag of the message, unique, in the order given. */
  tags: readonly string[];
  /** `'revalidate'`: stale now, re-rendered in the background. `'expire'`: expired now. */
  mode: RevalidationMode;
}

/** The outcome of one request, for `onEvent`. `client` is the rate-limit key of the sender. */
export type RevalidationEvent =
  | { type: 'revalidated'; id: string; mode: RevalidationMode; tags: string[]; client: string }
  | { type: 'duplicate'; id: string; client: string }
  | {
      type: 'rejected';
      /** The HTTP status answered. */
      status: number;
      /** The error code in the answer's body. */
      code: ViewletErrorCode;
      /** The message in the answer's body (no prefix, no secret). */
      message: string;
      client: string;
      /** Only once the signature is verified. */
      id?: string;
      /** The underlying error of a 500 or 503, for the server log. */
      cause?: unknown;
    };

export interface RevalidationHandlerOptions {
  /**
   * Standard Webhooks secrets (`whsec_` + base64 of at least 24 bytes). A
   * message signed with any of them is accepted: list the new and the old one
   * during a rotation. `undefined`/empty entries (an unset env var) are
   * skipped; with none left every request is refused with 503 (fail closed).
   * A malformed secret throws `E_WEBHOOK_SECRET` when the handler is created.
   */
  secrets: ReadonlyArray<string | undefined | null> | undefined;
  /** Accepted difference between `webhook-timestamp` and the clock, both ways, in seconds. @default 300 */
  toleranceSeconds?: number;
  /** Largest accepted body in bytes, counted while streaming. @default 65_536 */
  maxBodyBytes?: number;
  /** Time allowed to receive the whole body, in ms (slow senders get 408). @default 10_000 */
  bodyTimeoutMs?: number;
  /**
   * Store for replay records (`setIfAbsent`, `deleteIfEquals`). With Redis/Upstash
   * configured, the default catches a replay across every instance.
   * @default the process's shared store from `next-viewlet/stores`
   */
  store?: ViewletStore;
  /** How long a message id is remembered, in seconds (plus one). At least `2 × toleranceSeconds`. @default 600 */
  replayTtlSeconds?: number;
  /** Prefix of replay record keys. @default 'webhook:' */
  replayKeyPrefix?: string;
  /** Time allowed for the store to answer, in ms; past it the message is refused with 503. @default 2_000 */
  storeTimeoutMs?: number;
  /** Per-client request limit, checked before any verification (429). `false` disables it. @default { limit: 60, windowMs: 60_000 } */
  rateLimit?: RateLimitOptions | false;
  /** The client key for the rate limit. @default the first `x-forwarded-for` entry, else `'unknown'` */
  clientIp?: (request: Request) => string;
  /**
   * Performs the invalidation of one message.
   * @default Next's `revalidateTag(tag, 'max')` per tag for `'revalidate'`, `revalidateTag(tag, { expire: 0 })` for `'expire'`
   */
  invalidate?: (action: InvalidationAction) => void | Promise<void>;
  /** Clock in ms since the epoch. @default Date.now */
  now?: () => number;
  /** Called once per request with its outcome, for logging. Never receives a secret or a signature. @default none */
  onEvent?: (event: RevalidationEvent) => void;
  /**
   * Where the handler's own log lines go: one warning when no secret is configured, and one error line per
   * 500 (`E_WEBHOOK_INVALIDATE`, `E_WEBHOOK_INTERNAL`) with its cause. Each line gets the `[next-viewlet]` prefix.
   * @default console
   */
  logger?: ViewletLogger;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result < 1) {
    throw new ViewletError('E_WEBHOOK_OPTIONS', `createRevalidationHandler: ${name} must be a positive integer, got ${value}.`);
  }
  return result;
}

async function nextInvalidate({ tags, mode }: InvalidationAction): Promise<void> {
  const { revalidateTag } = await import('next/cache');
  for (const tag of tags) revalidateTag(tag, mode === 'expire' ? { expire: 0 } : 'max');
}

/** The process's store (memoised by `getProcessStore`; from env: Redis, Upstash or memory). Imported lazily: senders never load it. */
async function defaultStore(): Promise<ViewletStore> {
  const { getProcessStore } = await import('../stores/index.ts');
  return getProcessStore();
}

function isJson(contentType: string | null): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

export function createRevalidationHandler(options: RevalidationHandlerOptions): (request: Request) => Promise<Response> {
  if (options === null || typeof options !== 'object') {
    throw new ViewletError('E_WEBHOOK_OPTIONS', 'createRevalidationHandler(options) needs an options object with `secrets`.');
  }
  if (options.logger !== undefined && (typeof options.logger?.warn !== 'function' || typeof options.logger.error !== 'function')) {
    throw new ViewletError('E_WEBHOOK_OPTIONS', 'createRevalidationHandler: logger must have warn() and error() (a ViewletLogger).');
  }
  for (const name of ['invalidate', 'now', 'onEvent', 'clientIp'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new ViewletError('E_WEBHOOK_OPTIONS', `createRevalidationHandler: ${name} must be a function, got ${typeof options[name]}.`);
    }
  }
  if (
    options.rateLimit !== undefined &&
    options.rateLimit !== false &&
    (options.rateLimit === null || typeof options.rateLimit !== 'object')
  ) {
    throw new ViewletError(
      'E_WEBHOOK_OPTIONS',
      'createRevalidationHandler: rateLimit must be { limit?, windowMs?, maxClients? } or false.',
    );
  }
  const keys = parseSecrets(options.secrets);
  const tolerance = positiveInteger('toleranceSeconds', options.toleranceSeconds, DEFAULT_TOLERANCE_SECONDS);
  const maxBytes = positiveInteger('maxBodyBytes', options.maxBodyBytes, 65_536);
  const bodyTimeoutMs = positiveInteger('bodyTimeoutMs', options.bodyTimeoutMs, 10_000);
  const replayTtl = positiveInteger('replayTtlSeconds', options.replayTtlSeconds, 600);
  if (replayTtl < 2 * tolerance) {
    // A message is acceptable for 2 × tolerance seconds; a shorter record would let it be replayed.
    throw new ViewletError(
      'E_WEBHOOK_OPTIONS',
      `createRevalidationHandler: replayTtlSeconds (${replayTtl}) must be at least 2 × toleranceSeconds (${2 * tolerance}).`,
    );
  }
  const now = options.now ?? Date.now;
  const invalidate = options.invalidate ?? nextInvalidate;
  const limiter = options.rateLimit === false ? undefined : createRateLimiter(options.rateLimit);
  const injected = options.store;
  if (injected !== undefined && (typeof injected?.setIfAbsent !== 'function' || typeof injected.deleteIfEquals !== 'function')) {
    throw new ViewletError('E_WEBHOOK_OPTIONS', 'createRevalidationHandler: store must be a ViewletStore (from next-viewlet/stores).');
  }
  const replay = createReplayGuard({
    store: injected ? () => injected : defaultStore,
    // + 1 s: the timestamp check floors the clock to whole seconds, so a message
    // stays acceptable for 2 × tolerance + 1 s after its earliest arrival.
    ttlMs: (replayTtl + 1) * 1000,
    timeoutMs: positiveInteger('storeTimeoutMs', options.storeTimeoutMs, 2_000),
    prefix: options.replayKeyPrefix ?? 'webhook:',
  });
  const log = options.logger ? createLog(options.logger) : defaultLog;
  let warnedDisabled = false;

  const emit = (event: RevalidationEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A failing logger must not change the answer.
    }
  };

  return async function handleRevalidation(request: Request): Promise<Response> {
    let client = 'unknown';
    let id: string | undefined;
    const reject = (code: ViewletErrorCode, message: string, headers?: Record<string, string>, cause?: unknown) => {
      const response = errorResponse(code, message, headers);
      if (response.status === 500) log.error(`revalidation webhook: ${code}: ${message} Cause: ${describeError(cause)}`);
      emit({ type: 'rejected', status: response.status, code, message, client, ...(id && { id }), ...(cause !== undefined && { cause }) });
      return response;
    };

    try {
      client = (options.clientIp ?? defaultClientIp)(request) || 'unknown';
    } catch {
      client = 'unknown';
    }
    try {
      if (keys.length === 0) {
        if (!warnedDisabled) {
          warnedDisabled = true;
          log.warn('the revalidation webhook has no secret configured; every request is refused with 503.');
        }
        return reject(
          'E_WEBHOOK_DISABLED',
          'the revalidation webhook has no secret configured; every request is refused until one is set.',
        );
      }
      const decision = limiter?.(client, now());
      if (decision && !decision.allowed) {
        return reject('E_WEBHOOK_RATE_LIMITED', `too many requests; retry in ${decision.retryAfterSeconds} s.`, {
          'retry-after': String(decision.retryAfterSeconds),
        });
      }
      if (request.method !== 'POST')
        return reject('E_WEBHOOK_METHOD', `method ${request.method} is not allowed; use POST.`, { allow: 'POST' });
      if (!isJson(request.headers.get('content-type'))) {
        return reject('E_WEBHOOK_CONTENT_TYPE', 'content-type must be application/json.');
      }
      const body = await readBody(request, { maxBytes, timeoutMs: bodyTimeoutMs });
      ({ id } = verifyWithKeys(keys, { headers: request.headers, body, now: now(), toleranceSeconds: tolerance }));
      const { tags, mode } = await resolvePayload(body);

      const seen = await replay.claim(id, body);
      if (seen === 'duplicate') {
        emit({ type: 'duplicate', id, client });
        return json(200, { duplicate: true, revalidated: 0, mode, tags: [] });
      }
      if (seen === 'conflict') {
        return reject('E_WEBHOOK_REPLAY', 'this webhook-id was already used for a different body; every message needs its own id.');
      }
      try {
        await invalidate({ tags, mode });
      } catch (error) {
        await replay.release(id, body);
        return reject('E_WEBHOOK_INVALIDATE', 'the invalidation failed; retry with the same webhook-id.', undefined, error);
      }
      emit({ type: 'revalidated', id, mode, tags, client });
      return json(200, { revalidated: tags.length, mode, tags });
    } catch (error) {
      if (isViewletError(error) && STATUS_BY_CODE[error.code] !== undefined) {
        const status = STATUS_BY_CODE[error.code]!;
        return reject(error.code, error.message, undefined, status >= 500 ? error.cause : undefined);
      }
      return reject('E_WEBHOOK_INTERNAL', 'unexpected error while handling the webhook; see the server log.', undefined, error);
    }
  };
}
