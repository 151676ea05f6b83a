import { afterEach, describe, expect, it, vi } from 'vitest';
import { ViewletError } from '../../src/core/errors.ts';
import { configureViewlets, resetSettings } from '../../src/core/settings.ts';
import { markReported, reportViewletError } from '../../src/next/report-error.ts';

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

  it('logs a failing viewlet once per minute, then says how many failures were left out; onError sees every one', () => {
    const lines = vi.spyOn(console, 'error').mockImplementation(() => {});
    const onError = vi.fn();
    configureViewlets({ onError });
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 50; i++) reportViewletError('feed', new Error('upstream down'), { where: 'cache', now: t0 + i * 1000 });
    expect(lines).toHaveBeenCalledTimes(1);
    expect(lines.mock.calls[0]![0]).toBe(
      '[next-viewlet] viewlet "feed" failed, visitors get its stale copy while one exists, else its fallback: Error: upstream down',
    );
    reportViewletError('other', new Error('x'), { now: t0 + 1000 }); // its own window
    expect(lines).toHaveBeenCalledTimes(2);
    reportViewletError('feed', new Error('upstream down'), { where: 'cache', now: t0 + 61_000 });
    expect(lines).toHaveBeenCalledTimes(3);
    expect(lines.mock.calls[2]![0]).toMatch(/\(49 more failure\(s\) of it in the last minute\)$/);
    expect(onError).toHaveBeenCalledTimes(52);
  });

  it('skips an error already reported where it happened (inside the cached function)', () => {
    const lines = vi.spyOn(console, 'error').mockImplementation(() => {});
    const onError = vi.fn();
    configureViewlets({ onError });
    reportViewletError('once', markReported(new Error('reported inside the cache scope')), { now: 1 });
    expect(lines).not.toHaveBeenCalled();
    expect(onError).not.toHaveBeenCalled();
  });
});
