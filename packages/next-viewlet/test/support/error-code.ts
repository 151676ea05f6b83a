import { isViewletError } from '../../src/core/errors.ts';

/** The `ViewletError` code `fn` throws, `'not a ViewletError'` for any other throw, `undefined` if it returns. */
export function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isViewletError(error) ? error.code : 'not a ViewletError';
  }
  return undefined;
}

/** {@link errorCode} for a promise. */
export async function rejectionCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isViewletError(error) ? error.code : `not a ViewletError: ${String(error)}`;
  }
  return undefined;
}
