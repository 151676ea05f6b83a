/**
 * JSON responses of the webhook. Every error is `{ error: { code, message } }`
 * with a stable code; messages never contain a secret or an expected signature.
 */
import type { ViewletErrorCode } from '../core/errors.ts';

export const STATUS_BY_CODE: Partial<Record<ViewletErrorCode, number>> = {
  E_WEBHOOK_PAYLOAD: 400,
  E_UNKNOWN_VIEWLET: 400,
  E_INVALID_ARGS: 400,
  E_INVALID_TAG: 400,
  E_WEBHOOK_HEADERS: 401,
  E_WEBHOOK_TIMESTAMP: 401,
  E_WEBHOOK_SIGNATURE: 401,
  E_WEBHOOK_METHOD: 405,
  E_WEBHOOK_TIMEOUT: 408,
  E_WEBHOOK_REPLAY: 409,
  E_WEBHOOK_TOO_LARGE: 413,
  E_WEBHOOK_CONTENT_TYPE: 415,
  E_WEBHOOK_RATE_LIMITED: 429,
  E_WEBHOOK_INVALIDATE: 500,
  E_WEBHOOK_INTERNAL: 500,
  E_WEBHOOK_DISABLED: 503,
  E_WEBHOOK_STORE: 503,
  E_WEBHOOK_IN_PROGRESS: 503,
};

/** The JSON body of every refusal. */
export interface WebhookErrorBody {
  /** A stable code (each maps to one status) and a message that says what to do. */
  error: { code: ViewletErrorCode; message: string };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

export function errorResponse(code: ViewletErrorCode, message: string, headers?: Record<string, string>): Response {
  const body: WebhookErrorBody = { error: { code, message } };
  return json(STATUS_BY_CODE[code] ?? 500, body, headers);
}
