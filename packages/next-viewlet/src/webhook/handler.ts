/**
 * `createRevalidationHandler`: a Route Handler, `(Request) => Promise<Response>`,
 * that invalidates tags and viewlets on a signed Standard Webhooks message.
 *
 * Checks, cheapest and least trusting first: secret configured (503) → POST
 * (405) → JSON content type (415) → body capped while streaming (413/408) →
 * headers, timestamp, signature (401) → payload (400) → replay claim (200
 * duplicate / 409 / 503) → record the invalidation → confirm → 200. Every
 * refusal before the signature is verified counts against the client
 * address's budget (429 once spent); a verified message counts against its
 * secret's own budget, so no flood of unsigned requests can refuse it.
 *
 * A 200 means the invalidation is recorded in the store every instance reads
 * (tag records and journal), acknowledged within `storeTimeoutMs`. Otherwise
 * the answer is 503 with `Retry-After`, the replay claim is released, and the
 * retry with the same webhook-id is processed, never answered "duplicate":
 * only a delivery whose invalidation was recorded makes later ones duplicates.
 * The payload is checked before the claim: a refused body leaves no record.
 */
import { describeError, isViewletError, ViewletError, type ViewletErrorCode } from '../core/errors.ts';
import { createLog, defaultLog, type ViewletLogger } from '../util/log.ts';
import type { ViewletStore } from '../stores/types.ts';
import { resolvePayload, type RevalidationMode } from './payload.ts';
import { clientAddress, createRateLimiter, type RateLimitOptions } from './rate-limit.ts';
import { readBody } from './read-body.ts';
import { recordAndRevalidate } from './record-invalidation.ts';
import { createReplayGuard } from './replay-guard.ts';
import { errorResponse, json, STATUS_BY_CODE } from './responses.ts';
import { withTimeout } from '../util/with-timeout.ts';
import { parseSecrets } from './secrets.ts';
import { DEFAULT_TOLERANCE_SECONDS, verifyWithKeys } from './signature.ts';

/** What the handler asks to invalidate: every tag of one message, in one call. */
export interface InvalidationAction {
  /** Every tag of the message, unique, in the order given. */
  tags: readonly string[];
  /** `'revalidate'`: stale now, re-rendered in the background. `'expire'`: expired now. */
  mode: RevalidationMode;
}

/** What an `invalidate` function may resolve: `recorded: false` when the store did not take it (503, the sender retries). */
export interface InvalidationOutcome {
  recorded: boolean;
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
   * @default the process's store from env, or with a store per cache kind the shared one that judges tags
   */
  store?: ViewletStore;
  /** How long a message id is remembered, in seconds (plus one). At least `2 × toleranceSeconds`. @default 600 */
  replayTtlSeconds?: number;
  /** Prefix of replay record keys. @default 'webhook:' */
  replayKeyPrefix?: string;
  /**
   * Time allowed for each store step (the replay claim, recording the invalidation, confirming), in ms;
   * past it the message is refused with 503 and `Retry-After`, and its claim released.
   * @default 2_000
   */
  storeTimeoutMs?: number;
  /**
   * How long a delivery in progress holds its message id, in seconds: other deliveries of it meanwhile get
   * 503 `E_WEBHOOK_IN_PROGRESS`; after it (an instance that crashed mid-way) the next one takes it over.
   * @default 30
   */
  claimTtlSeconds?: number;
  /**
   * Requests per client address that are not (yet) verified: unsigned, badly signed, wrong method, type or
   * size. Past it they get 429; a validly signed request is never counted here. `false` disables it.
   * @default { limit: 60, windowMs: 60_000 }
   */
  rateLimit?: RateLimitOptions | false;
  /** Verified requests per secret, a budget of their own (429 past it). `false` disables it. @default { limit: 600, windowMs: 60_000 } */
  signedRateLimit?: RateLimitOptions | false;
  /**
   * Proxies in front of the app that append to `x-forwarded-for` and are trusted: the client address is
   * the entry this many places from the end. `0`: no proxy is trusted (see docs/webhooks.md for what
   * `next start` passes).
   * @default 0
   */
  trustProxyHops?: number;
  /** A header your platform sets to the client address (`x-real-ip`, `cf-connecting-ip`), used instead of `x-forwarded-for`. @default none */
  clientAddressHeader?: string;
  /** The client address for the rate limit; replaces `trustProxyHops` and `clientAddressHeader`. @default from those two */
  clientIp?: (request: Request) => string;
  /**
   * Performs the invalidation of one message. Resolve `{ recorded: false }` when it could not be recorded
   * (the sender then gets 503 and retries); resolving nothing counts as recorded.
   * @default records it in the store through this process's cache handlers and waits for the store to take it, then calls Next's `revalidateTag(tag, 'max')` (`'revalidate'`) or `revalidateTag(tag, { expire: 0 })` (`'expire'`)
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: an invalidate function that records nothing of its own returns nothing
  invalidate?: (action: InvalidationAction) => void | InvalidationOutcome | Promise<void | InvalidationOutcome>;
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

/**
 * The store that judges tags (from env: the process store, or with a store per cache kind the shared
 * one), so replays are caught across instances whenever any store is shared. Imported lazily: senders never load it.
 */
async function defaultStore(): Promise<ViewletStore> {
  const { getTagStore } = await import('../stores/index.ts');
  return getTagStore();
}

function isJson(contentType: string | null): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function assertOptions(options: RevalidationHandlerOptions): void {
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
  for (const name of ['rateLimit', 'signedRateLimit'] as const) {
    const value = options[name];
    if (value !== undefined && value !== false && (value === null || typeof value !== 'object')) {
      throw new ViewletError(
        'E_WEBHOOK_OPTIONS',
        `createRevalidationHandler: ${name} must be { limit?, windowMs?, maxClients? } or false.`,
      );
    }
  }
  const hops = options.trustProxyHops;
  if (hops !== undefined && (!Number.isSafeInteger(hops) || hops < 0)) {
    throw new ViewletError('E_WEBHOOK_OPTIONS', `createRevalidationHandler: trustProxyHops must be a whole number >= 0, got ${hops}.`);
  }
  const header = options.clientAddressHeader;
  if (header !== undefined && (typeof header !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(header))) {
    throw new ViewletError('E_WEBHOOK_OPTIONS', 'createRevalidationHandler: clientAddressHeader must be a header name, like "x-real-ip".');
  }
  const store = options.store;
  if (store !== undefined && (typeof store?.setIfAbsent !== 'function' || typeof store.deleteIfEquals !== 'function')) {
    throw new ViewletError('E_WEBHOOK_OPTIONS', 'createRevalidationHandler: store must be a ViewletStore (from next-viewlet/stores).');
  }
}

/** Seconds a sender is asked to wait after a 503 of the store, and after finding its message in progress. */
const RETRY_AFTER_STORE_S = 5;
const RETRY_AFTER_IN_PROGRESS_S = 2;
const SIGNED_RATE_LIMIT: RateLimitOptions = { limit: 600, windowMs: 60_000 };

export function createRevalidationHandler(options: RevalidationHandlerOptions): (request: Request) => Promise<Response> {
  assertOptions(options);
  const keys = parseSecrets(options.secrets);
  const tolerance = positiveInteger('toleranceSeconds', options.toleranceSeconds, DEFAULT_TOLERANCE_SECONDS);
  const maxBytes = positiveInteger('maxBodyBytes', options.maxBodyBytes, 65_536);
  const bodyTimeoutMs = positiveInteger('bodyTimeoutMs', options.bodyTimeoutMs, 10_000);
  const replayTtl = positiveInteger('replayTtlSeconds', options.replayTtlSeconds, 600);
  const claimTtl = positiveInteger('claimTtlSeconds', options.claimTtlSeconds, 30);
  const storeTimeoutMs = positiveInteger('storeTimeoutMs', options.storeTimeoutMs, 2_000);
  if (replayTtl < 2 * tolerance) {
    // A message is acceptable for 2 × tolerance seconds; a shorter record would let it be replayed.
    throw new ViewletError(
      'E_WEBHOOK_OPTIONS',
      `createRevalidationHandler: replayTtlSeconds (${replayTtl}) must be at least 2 × toleranceSeconds (${2 * tolerance}).`,
    );
  }
  if (claimTtl > replayTtl) {
    throw new ViewletError(
      'E_WEBHOOK_OPTIONS',
      `createRevalidationHandler: claimTtlSeconds (${claimTtl}) must not exceed replayTtlSeconds (${replayTtl}).`,
    );
  }
  const now = options.now ?? Date.now;
  const invalidate = options.invalidate ?? recordAndRevalidate;
  const unverifiedLimit = options.rateLimit === false ? undefined : createRateLimiter(options.rateLimit);
  const signedLimit = options.signedRateLimit === false ? undefined : createRateLimiter(options.signedRateLimit ?? SIGNED_RATE_LIMIT);
  const addressOf =
    options.clientIp ??
    ((request: Request) =>
      clientAddress(request, {
        ...(options.trustProxyHops !== undefined && { trustProxyHops: options.trustProxyHops }),
        ...(options.clientAddressHeader !== undefined && { clientAddressHeader: options.clientAddressHeader }),
      }));
  const injected = options.store;
  const replay = createReplayGuard({
    store: injected ? () => injected : defaultStore,
    // + 1 s: the timestamp check floors the clock to whole seconds, so a message
    // stays acceptable for 2 × tolerance + 1 s after its earliest arrival.
    ttlMs: (replayTtl + 1) * 1000,
    claimTtlMs: claimTtl * 1000,
    timeoutMs: storeTimeoutMs,
    prefix: options.replayKeyPrefix ?? 'webhook:',
  });
  const log = options.logger ? createLog(options.logger) : defaultLog;
  let warnedDisabled = false;
  // Deliveries of one id in this process run one after the other: a second one then finds
  // the first's outcome (done, or released) instead of its claim in progress.
  const inFlight = new Map<string, Promise<void>>();

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
    const tooMany = (retryAfterSeconds: number) =>
      reject('E_WEBHOOK_RATE_LIMITED', `too many requests; retry in ${retryAfterSeconds} s.`, { 'retry-after': String(retryAfterSeconds) });
    const storeUnavailable = (message: string, cause?: unknown) =>
      reject('E_WEBHOOK_STORE', message, { 'retry-after': String(RETRY_AFTER_STORE_S) }, cause);

    try {
      client = addressOf(request) || 'unknown';
    } catch {
      client = 'unknown';
    }
    let verified: { id: string; key: number };
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
      if (request.method !== 'POST') throw new ViewletError('E_WEBHOOK_METHOD', `method ${request.method} is not allowed; use POST.`);
      if (!isJson(request.headers.get('content-type')))
        throw new ViewletError('E_WEBHOOK_CONTENT_TYPE', 'content-type must be application/json.');
      const body = await readBody(request, { maxBytes, timeoutMs: bodyTimeoutMs });
      verified = verifyWithKeys(keys, { headers: request.headers, body, now: now(), toleranceSeconds: tolerance });
      id = verified.id;
      const decision = signedLimit?.(`secret:${verified.key}`, now());
      if (decision && !decision.allowed) return tooMany(decision.retryAfterSeconds);
      const { tags, mode } = await resolvePayload(body);
      return await oneAtATime(verified.id, () => deliver(verified.id, body, tags, mode));
    } catch (error) {
      if (isViewletError(error) && STATUS_BY_CODE[error.code] !== undefined) {
        const status = STATUS_BY_CODE[error.code]!;
        if (id === undefined && status < 500) {
          // Not verified: counts against the client address's budget.
          const decision = unverifiedLimit?.(client, now());
          if (decision && !decision.allowed) return tooMany(decision.retryAfterSeconds);
        }
        if (error.code === 'E_WEBHOOK_STORE') return storeUnavailable(error.message, error.cause);
        return reject(
          error.code,
          error.message,
          error.code === 'E_WEBHOOK_METHOD' ? { allow: 'POST' } : undefined,
          status >= 500 ? error.cause : undefined,
        );
      }
      return reject('E_WEBHOOK_INTERNAL', 'unexpected error while handling the webhook; see the server log.', undefined, error);
    }

    async function deliver(messageId: string, body: Uint8Array, tags: string[], mode: RevalidationMode): Promise<Response> {
      const claim = await replay.claim(messageId, body);
      if (claim.decision === 'duplicate') {
        emit({ type: 'duplicate', id: messageId, client });
        return json(200, { duplicate: true, revalidated: 0, mode, tags: [] });
      }
      if (claim.decision === 'conflict') {
        return reject('E_WEBHOOK_REPLAY', 'this webhook-id was already used for a different body; every message needs its own id.');
      }
      if (claim.decision === 'in-progress') {
        return reject(
          'E_WEBHOOK_IN_PROGRESS',
          'another delivery of this message is being processed; retry shortly with the same webhook-id.',
          {
            'retry-after': String(RETRY_AFTER_IN_PROGRESS_S),
          },
        );
      }
      let outcome: InvalidationOutcome | undefined;
      try {
        const work = Promise.resolve().then(async () => (await invalidate({ tags, mode })) ?? undefined);
        outcome = await withTimeout(work, storeTimeoutMs, () => new StoreSlow());
      } catch (error) {
        await claim.release();
        if (error instanceof StoreSlow) {
          return storeUnavailable(
            `the store did not take the invalidation within ${storeTimeoutMs} ms; retry later with the same webhook-id.`,
            error,
          );
        }
        return reject('E_WEBHOOK_INVALIDATE', 'the invalidation failed; retry with the same webhook-id.', undefined, error);
      }
      if (outcome && outcome.recorded === false) {
        await claim.release();
        return storeUnavailable(
          'the invalidation could not be recorded in the store, so no instance was promised it; retry later with the same webhook-id.',
        );
      }
      // Recorded: the answer is 200 even if the mark is lost; the claim is then released, so a
      // later delivery invalidates again (harmless) instead of waiting for the claim to expire.
      if (!(await claim.confirm())) await claim.release();
      emit({ type: 'revalidated', id: messageId, mode, tags, client });
      return json(200, { revalidated: tags.length, mode, tags });
    }
  };

  async function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = inFlight.get(key);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    inFlight.set(key, mine);
    try {
      await previous;
      return await work();
    } finally {
      done();
      if (inFlight.get(key) === mine) inFlight.delete(key);
    }
  }
}

class StoreSlow extends Error {
  constructor() {
    super('the invalidation was not acknowledged in time');
  }
}
