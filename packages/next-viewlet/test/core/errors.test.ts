import { describe, expect, it } from 'vitest';
import { describeError, isViewletError, ViewletError } from '../../src/core/errors.ts';

describe('ViewletError', () => {
  it('keeps the message as data and adds the prefix only when printed', () => {
    const cause = new Error('socket closed');
    const error = new ViewletError('E_INVALID_TAG', 'tag "" must be a non-empty string.', { cause });
    expect(error.message).toBe('tag "" must be a non-empty string.');
    expect(error.code).toBe('E_INVALID_TAG');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('ViewletError');
    expect(String(error)).toBe('[next-viewlet] E_INVALID_TAG: tag "" must be a non-empty string.');
    expect(`${error}`).toBe(String(error));
    expect(isViewletError(error, 'E_INVALID_TAG')).toBe(true);
    expect(isViewletError(error, 'E_INVALID_ARGS')).toBe(false);
  });

  it('describeError: the code for a ViewletError, the name for other errors, text for the rest', () => {
    expect(describeError(new ViewletError('E_NO_PATH', 'no path.'))).toBe('E_NO_PATH: no path.');
    expect(describeError(new TypeError('x is not a function'))).toBe('TypeError: x is not a function');
    expect(describeError('plain text')).toBe('plain text');
  });
});
