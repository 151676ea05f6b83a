/**
 * Typed errors with stable codes. Every message says what to do about it;
 * `cause` keeps the original error when there is one. The message is data:
 * the `[next-viewlet] CODE:` prefix is presentation, added where an error is
 * printed (`toString()`) or logged (`describeError()` plus the logger's prefix).
 */
export type ViewletErrorCode =
  // definitions and rendering (src/core, src/next, src/react)
  | 'E_INVALID_DEFINITION'
  | 'E_DUPLICATE_NAME'
  | 'E_UNKNOWN_VIEWLET'
  | 'E_INVALID_LIFE'
  | 'E_INVALID_TAG'
  | 'E_TOO_MANY_TAGS'
  | 'E_INVALID_ARGS'
  | 'E_NO_IDENTITY'
  | 'E_INVALID_IDENTITY'
  | 'E_NO_PATH'
  | 'E_INVALID_PATH'
  | 'E_INVALID_VARY'
  | 'E_INVALID_VARY_KEY'
  | 'E_RENDER_FAILED'
  | 'E_NOT_ISLAND'
  | 'E_RATE_LIMITED'
  | 'E_INVALID_STORE'
  // settings and configuration
  | 'E_INVALID_SETTINGS'
  | 'E_INVALID_CONFIG'
  // invalidation (src/next/invalidate.ts)
  | 'E_INVALID_TARGET'
  | 'E_NOT_SERVER_ACTION'
  // stores and the cache handler (src/stores, src/cache)
  | 'E_STORE_CONFIG'
  | 'E_STORE_TIMEOUT'
  | 'E_STORE_UNAVAILABLE'
  | 'E_STORE_FAILED'
  | 'E_STORE_CLOSED'
  // webhook (src/webhook): each maps to one HTTP status, see webhook/responses.ts
  | 'E_WEBHOOK_OPTIONS'
  | 'E_WEBHOOK_SECRET'
  | 'E_WEBHOOK_DISABLED'
  | 'E_WEBHOOK_RATE_LIMITED'
  | 'E_WEBHOOK_METHOD'
  | 'E_WEBHOOK_CONTENT_TYPE'
  | 'E_WEBHOOK_TOO_LARGE'
  | 'E_WEBHOOK_TIMEOUT'
  | 'E_WEBHOOK_HEADERS'
  | 'E_WEBHOOK_TIMESTAMP'
  | 'E_WEBHOOK_SIGNATURE'
  | 'E_WEBHOOK_REPLAY'
  | 'E_WEBHOOK_PAYLOAD'
  | 'E_WEBHOOK_STORE'
  | 'E_WEBHOOK_IN_PROGRESS'
  | 'E_WEBHOOK_INVALIDATE'
  | 'E_WEBHOOK_INTERNAL'
  | 'E_WEBHOOK_RESPONSE';

/** The prefix of every printed line of the library. */
export const PRINT_PREFIX = '[next-viewlet]';

export class ViewletError extends Error {
  override readonly name = 'ViewletError';
  readonly code: ViewletErrorCode;

  /** `message` says what happened and what to do, without any prefix. */
  constructor(code: ViewletErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The printed form: `[next-viewlet] E_CODE: message`. */
  override toString(): string {
    return `${PRINT_PREFIX} ${this.code}: ${this.message}`;
  }
}

/**
 * One line for a log whose logger adds the `[next-viewlet]` prefix itself:
 * `E_CODE: message` for a `ViewletError`, `Name: message` for another error,
 * the value as text otherwise.
 */
export function describeError(error: unknown): string {
  if (error instanceof ViewletError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function isViewletError(value: unknown, code?: ViewletErrorCode): value is ViewletError {
  return value instanceof ViewletError && (code === undefined || value.code === code);
}
