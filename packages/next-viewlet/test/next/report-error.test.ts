import { afterEach, describe, expect, it, vi } from 'vitest';
import { ViewletError } from '../../src/core/errors.ts';
import { configureViewlets, resetSettings } from '../../src/core/settings.ts';
import { reportViewletError } from '../../src/next/report-error.ts';

afterEach(() => {
  resetSettings();
  vi.restoreAllMocks();
});

describe('reportViewletError', () => {
  it('logs one line with the prefix once and the code once, then calls onError with the error itself', () => {
    const lines = vi.spyOn(console, 'error').mockImplementation(() => {});
    const onError = vi.fn();
    configureViewlets({ onError });
    const error = new ViewletError('E_INVALID_TAG', 'tag "" must be a non-empty string.');
    reportViewletError('teaser', error);
    expect(lines.mock.calls).toEqual([
      ['[next-viewlet] viewlet "teaser" failed, showing its fallback: E_INVALID_TAG: tag "" must be a non-empty string.'],
    ]);
    expect(onError).toHaveBeenCalledWith(error, 'teaser');
  });

  it('names a plain error by its class; logErrors: false silences the line; a throwing hook is contained', () => {
    const lines = vi.spyOn(console, 'error').mockImplementation(() => {});
    reportViewletError('reviews', new Error('service down'));
    expect(lines).toHaveBeenLastCalledWith('[next-viewlet] viewlet "reviews" failed, showing its fallback: Error: service down');
    configureViewlets({
      logErrors: false,
      onError: () => {
        throw new Error('hook broke');
      },
    });
    expect(() => reportViewletError('reviews', new Error('again'))).not.toThrow();
    expect(lines).toHaveBeenCalledTimes(1);
  });
});
