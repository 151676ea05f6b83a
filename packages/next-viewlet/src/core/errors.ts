/**
 * Typed errors with stable codes. Every message says what to do about it;
 * `cause` keeps the original error when there is one.
 */
export type ViewletErrorCode =
  | 'E_INVALID_DEFINITION'
  | 'E_DUPLICATE_NAME'
  | 'E_UNKNOWN_VIEWLET'
  | 'E_INVALID_LIFE'
  | 'E_INVALID_TAG'
  | 'E_TOO_MANY_TAGS'
  | 'E_INVALID_ARGS'
  | 'E_NO_IDENTITY'
  | 'E_NO_PATH'
  | 'E_INVALID_VARY'
  | 'E_RENDER_FAILED';

export class ViewletError extends Error {
  override readonly name = 'ViewletError';
  readonly code: ViewletErrorCode;

  constructor(code: ViewletErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[next-viewlet] ${code}: ${message}`, options);
    this.code = code;
  }
}

export function isViewletError(value: unknown, code?: ViewletErrorCode): value is ViewletError {
  return value instanceof ViewletError && (code === undefined || value.code === code);
}
