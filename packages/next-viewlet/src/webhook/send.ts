/**
 * The sending side: signs a revalidation payload and posts it. Use it from a
 * CMS hook, a job or a deploy script (or use the CLI, which wraps it).
 */
import { ViewletError } from '../core/errors.ts';
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
  /** Request timeout in ms. @default 10_000 */
  timeoutMs?: number;
  /** `fetch` to use. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

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

/** Signs and posts a revalidation message; resolves with the receiver's answer, throws `WebhookResponseError` otherwise. */
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
  const headers = signWebhook({ secret: options.secret, body, ...(options.id !== undefined && { id: options.id }) });
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new ViewletError('E_WEBHOOK_OPTIONS', `sendRevalidation: timeoutMs must be a positive integer, got ${options.timeoutMs}.`);
  }
  if (typeof doFetch !== 'function') throw new ViewletError('E_WEBHOOK_OPTIONS', 'sendRevalidation: fetch must be a function.');

  let response: Response;
  let text: string;
  try {
    response = await doFetch(options.url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
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
