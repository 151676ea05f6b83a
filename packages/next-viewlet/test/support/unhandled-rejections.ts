/**
 * Fails the current test when a promise rejection goes unhandled (a store or
 * the cache must never leave one behind, even when the server is down).
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

// Captured before any test installs fake timers.
const realSetImmediate = globalThis.setImmediate;

export function failOnUnhandledRejections(): void {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  beforeAll(() => {
    process.on('unhandledRejection', listener);
  });
  afterEach(async () => {
    // Node reports a rejection left unhandled once the microtask queue drains:
    // one turn of the event loop lets every rejection the test left behind surface.
    await new Promise((resolve) => realSetImmediate(resolve));
    const found = seen.splice(0).map((reason) => (reason instanceof Error ? reason.message : String(reason)));
    expect(found, 'unhandled promise rejections').toEqual([]);
  });
  afterAll(() => {
    process.off('unhandledRejection', listener);
  });
}
