/**
 * Assertions on typed errors: tests check the stable `code` (and, where it
 * matters, what the message says), never a code spelled inside the message.
 */
import { expect } from 'vitest';
import { isViewletError, type ViewletError, type ViewletErrorCode } from '../../src/core/errors.ts';

function check(error: unknown, code: ViewletErrorCode, message?: RegExp): ViewletError {
  if (!isViewletError(error)) throw new Error(`expected a ViewletError ${code}, got ${String(error)}`, { cause: error });
  expect(error.code).toBe(code);
  if (message) expect(error.message).toMatch(message);
  return error;
}

/** Calls `fn` and asserts it throws a `ViewletError` with `code` (and a message matching `message`). Returns the error. */
export function expectViewletError(fn: () => unknown, code: ViewletErrorCode, message?: RegExp): ViewletError {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    return check(error, code, message);
  }
  throw new Error(`expected ${code} to be thrown, but the call returned ${String(result)}`);
}

/** Awaits `work` and asserts it rejects with a `ViewletError` with `code` (and a message matching `message`). Returns the error. */
export async function expectViewletRejection(work: Promise<unknown>, code: ViewletErrorCode, message?: RegExp): Promise<ViewletError> {
  let result: unknown;
  try {
    result = await work;
  } catch (error) {
    return check(error, code, message);
  }
  throw new Error(`expected ${code} to be rejected with, but the promise resolved to ${String(result)}`);
}

/** The code of the `ViewletError` that `fn` throws; `undefined` when it returns, a description for any other error. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isViewletError(error) ? error.code : `not a ViewletError: ${String(error)}`;
  }
  return undefined;
}
