/**
 * Fails the current test when a promise rejection goes unhandled (a store or
 * the cache must never leave one behind, even when the server is down).
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

export function failOnUnhandledRejections(): void {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  beforeAll(() => {
    process.on('unhandledRejection', listener);
  });
  afterEach(async () => {
    // Let rejections of the test's last promises surface before checking.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const found = seen.splice(0).map((reason) => (reason instanceof Error ? reason.message : String(reason)));
    expect(found, 'unhandled promise rejections').toEqual([]);
  });
  afterAll(() => {
    process.off('unhandledRejection', listener);
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
