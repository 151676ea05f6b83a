/**
 * The sending side: signs a revalidation payload and posts it. Use it from a
 * CMS hook, a job or a deploy script (or use the CLI, which wraps it).
 *
 * A 429, a 503 or a failed request (no answer, a timeout) is retried with
 * exponential back-off and jitter, at least as long as `Retry-After` says,
 * under the SAME webhook-id (signed afresh each time): the receiver processes
 * a message at most once, and answers a retry of a processed one "duplicate".
 */
import { ViewletError } from '../core/errors.ts';
import { readBytes } from '../util/read-bytes.ts';
import type { RevalidationMode, ViewletTarget } from './payload.ts';
import { signWebhook } from './signature.ts';

export interface SendRevalidationOptions {
  /** The webhook's URL, e.g. `https://shop.example.com/api/viewlets/revalidate`. */
  url: string | URL;
  /** `whsec_...` secret, or several during a rotation (one signature each). */
  secret: string | readonly string[];
  /** Tags to invalidate. @default none (give `tags` and/or `viewlets`) */
  tags?: string[];
  /** Viewlets to invalidate, by registered name, optionally narrowed to one args combination. @default none */
  viewlets?: ViewletTarget[];
  /** `'revalidate'` (stale now, re-rendered in the background) or `'expire'` (expired now). @default 'revalidate' */
  mode?: RevalidationMode;
  /** Message id. Pass the same id when retrying the same message: the receiver then runs it at most once. @default random */
  id?: string;
  /** Timeout of each attempt, in ms. @default 10_000 */
  timeoutMs?: number;
  /**
   * Retries of a 429, a 503 or a request that got no answer. `false`: one attempt only.
   * @default { attempts: 5, firstDelayMs: 500, maxDelayMs: 30_000 }
   */
  retry?: RetryOptions | false;
  /** `fetch` to use. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

export interface RetryOptions {
  /** Attempts in all, the first included. @default 5 */
  attempts?: number;
  /** Wait before the first retry, in ms; doubled for each next one (each wait is 50-100 % of it, at random). @default 500 */
  firstDelayMs?: number;
  /** Longest wait between attempts, in ms; a `Retry-After` longer than this ends the retries. @default 30_000 */
  maxDelayMs?: number;
}

/** Most bytes of a reply read (a revalidation result or an error is a few hundred). */
const MAX_REPLY_BYTES = 64 * 1024;
const RETRIED_STATUSES = new Set([429, 503]);

export interface RevalidationResult {
  /** Number of tags invalidated (0 for a duplicate). */
  revalidated: number;
  /** How they were invalidated. */
  mode: RevalidationMode;
  /** The tags invalidated (empty for a duplicate). */
  tags: string[];
  /** True when the receiver had already processed this message id. */
  duplicate?: true;
}

/** The receiver answered with a non-2xx status, or with something that is not a revalidation result. */
export class WebhookResponseError extends ViewletError {
  /** HTTP status (0 when no response arrived). */
  readonly status: number;
  /** The receiver's error code, e.g. `E_WEBHOOK_SIGNATURE`, when it sent one. */
  readonly remoteCode: string | undefined;
  /** `Retry-After` in seconds, on 429 and some 503s. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, message: string, extra: { remoteCode?: string; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super('E_WEBHOOK_RESPONSE', message, { cause: extra.cause });
    this.status = status;
    this.remoteCode = extra.remoteCode;
    this.retryAfterSeconds = extra.retryAfterSeconds;
  }
}

function isResult(value: unknown): value is RevalidationResult {
  const v = value as RevalidationResult;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.revalidated === 'number' &&
    (v.mode === 'revalidate' || v.mode === 'expire') &&
    Array.isArray(v.tags)
  );
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ViewletError('E_WEBHOOK_OPTIONS', `sendRevalidation: ${name} must be a positive integer, got ${value}.`);
  }
  return value;
}

function retryPlan(retry: RetryOptions | false | undefined): Required<RetryOptions> {
  if (retry === false) return { attempts: 1, firstDelayMs: 1, maxDelayMs: 1 };
  if (retry !== undefined && (retry === null || typeof retry !== 'object')) {
    throw new ViewletError('E_WEBHOOK_OPTIONS', 'sendRevalidation: retry must be { attempts?, firstDelayMs?, maxDelayMs? } or false.');
  }
  return {
    attempts: positive('retry.attempts', retry?.attempts ?? 5),
    firstDelayMs: positive('retry.firstDelayMs', retry?.firstDelayMs ?? 500),
    maxDelayMs: positive('retry.maxDelayMs', retry?.maxDelayMs ?? 30_000),
  };
}

/** One attempt: the receiver's answer as an error (status 0 when none came) or a result. */
async function attempt(
  options: SendRevalidationOptions,
  init: { body: string; id: string; timeoutMs: number; doFetch: typeof globalThis.fetch },
): Promise<RevalidationResult> {
  const headers = signWebhook({ secret: options.secret, body: init.body, id: init.id });
  const signal = AbortSignal.timeout(init.timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await init.doFetch(options.url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: init.body,
      redirect: 'error',
      signal,
    });
    const read = response.body
      ? await readBytes(response.body, { maxBytes: MAX_REPLY_BYTES, timeoutMs: init.timeoutMs })
      : { ok: true as const, bytes: new Uint8Array() };
    if (!read.ok) {
      if (read.reason === 'too-large') {
        throw new WebhookResponseError(
          response.status,
          `the receiver answered ${response.status} with more than ${MAX_REPLY_BYTES} bytes; is ${String(options.url)} the webhook route?`,
        );
      }
      throw read.error ?? new Error(`the reply did not arrive within ${init.timeoutMs} ms`);
    }
    text = new TextDecoder().decode(read.bytes);
  } catch (error) {
    if (error instanceof WebhookResponseError) throw error;
    throw new WebhookResponseError(0, `could not reach ${String(options.url)}: ${(error as Error)?.message ?? error}`, { cause: error });
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.ok && isResult(parsed)) return parsed;

  const remote = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const remoteCode = typeof remote?.code === 'string' ? remote.code : undefined;
  const remoteMessage = typeof remote?.message === 'string' ? remote.message : undefined;
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new WebhookResponseError(
    response.status,
    response.ok
      ? `the receiver answered ${response.status} without a revalidation result; is ${String(options.url)} the webhook route?`
      : `the receiver answered ${response.status}${remoteCode ? ` ${remoteCode}` : ''}: ${remoteMessage ?? (text.slice(0, 200) || response.statusText)}`,
    { ...(remoteCode && { remoteCode }), ...(Number.isFinite(retryAfter) && retryAfter > 0 && { retryAfterSeconds: retryAfter }) },
  );
}

/**
 * Signs and posts a revalidation message; resolves with the receiver's answer, throws `WebhookResponseError`
 * otherwise (after the retries, for a 429, a 503 or no answer).
 */
export async function sendRevalidation(options: SendRevalidationOptions): Promise<RevalidationResult> {
  const payload = {
    ...(options.tags !== undefined && { tags: options.tags }),
    ...(options.viewlets !== undefined && { viewlets: options.viewlets }),
    ...(options.mode !== undefined && { mode: options.mode }),
  };
  if (payload.tags === undefined && payload.viewlets === undefined) {
    throw new ViewletError('E_WEBHOOK_PAYLOAD', 'sendRevalidation needs tags and/or viewlets.');
  }
  const body = JSON.stringify(payload);
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new ViewletError('E_WEBHOOK_OPTIONS', `sendRevalidation: timeoutMs must be a positive integer, got ${options.timeoutMs}.`);
  }
  if (typeof doFetch !== 'function') throw new ViewletError('E_WEBHOOK_OPTIONS', 'sendRevalidation: fetch must be a function.');
  const plan = retryPlan(options.retry);
  // One id for every attempt: that is what lets the receiver run the message once.
  const id = options.id ?? signWebhook({ secret: options.secret, body })['webhook-id'];

  for (let n = 1; ; n++) {
    try {
      return await attempt(options, { body, id, timeoutMs, doFetch });
    } catch (error) {
      const failed = error as WebhookResponseError;
      // An unconfigured receiver (no secret) is not a passing fault: say so at once.
      const retriable = failed.status === 0 || (RETRIED_STATUSES.has(failed.status) && failed.remoteCode !== 'E_WEBHOOK_DISABLED');
      if (!retriable || n >= plan.attempts) throw error;
      const backoff = Math.min(plan.maxDelayMs, plan.firstDelayMs * 2 ** (n - 1));
      const asked = (failed.retryAfterSeconds ?? 0) * 1000;
      if (asked > plan.maxDelayMs) throw error;
      const delay = Math.max(asked, Math.round(backoff * (0.5 + Math.random() / 2)));
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
