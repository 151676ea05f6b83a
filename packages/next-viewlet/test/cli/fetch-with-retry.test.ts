/**
 * Retries of transient failures with exponential back-off and jitter, on fake
 * timers: each test advances the clock to just before and just after the
 * moment the next attempt is due.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchWithRetry } from '../../src/cli/fetch-with-retry.ts';

const URL_ = new URL('http://127.0.0.1:9/page');

/** A fetch answering with the given statuses in turn (a function entry throws instead). */
function scripted(answers: (number | { status: number; headers: Record<string, string> } | (() => never))[]) {
  const calls: RequestInit[] = [];
  const fetch = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    calls.push(init!);
    const next = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    if (typeof next === 'function') next();
    const { status, headers } =
      typeof next === 'number' ? { status: next, headers: {} } : (next as { status: number; headers: Record<string, string> });
    return new Response(status === 204 || status === 302 ? null : `body ${status}`, { status, headers });
  }) as unknown as typeof globalThis.fetch & { mock: { calls: unknown[] } };
  return { fetch, calls };
}

const networkError = () => {
  throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
};

describe('fetchWithRetry on fake timers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0); // jitter factor 1: delays of exactly 500, 1000, 2000 ms
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('retries 502, 503 and 504 with delays doubling from minDelayMs, then returns the answer', async () => {
    const { fetch } = scripted([502, 503, 504, 200]);
    const pending = fetchWithRetry(URL_, {}, { fetch, minDelayMs: 500 });
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalledTimes(1);
    for (const [delay, calls] of [
      [500, 2],
      [1000, 3],
      [2000, 4],
    ] as const) {
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(fetch).toHaveBeenCalledTimes(calls - 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(fetch).toHaveBeenCalledTimes(calls);
    }
    const result = await pending;
    expect(result).toMatchObject({ status: 200, attempts: 4 });
    expect(new TextDecoder().decode(result.body)).toBe('body 200');
  });

  it('adds jitter: a random factor in [1, 2) stretches the back-off', async () => {
    vi.mocked(Math.random).mockReturnValue(0.5);
    const { fetch } = scripted([429, 200]);
    const pending = fetchWithRetry(URL_, {}, { fetch, minDelayMs: 1000 });
    await vi.advanceTimersByTimeAsync(1499);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(await pending).toMatchObject({ status: 200, attempts: 2 });
  });

  it('caps the back-off at maxDelayMs', async () => {
    const { fetch } = scripted([503, 503, 200]);
    const pending = fetchWithRetry(URL_, {}, { fetch, minDelayMs: 800, maxDelayMs: 1000 });
    await vi.advanceTimersByTimeAsync(800);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(999); // 1600 uncapped
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(await pending).toMatchObject({ status: 200, attempts: 3 });
  });

  it('waits for Retry-After before backing off', async () => {
    const { fetch } = scripted([{ status: 429, headers: { 'retry-after': '3' } }, 200]);
    const pending = fetchWithRetry(URL_, {}, { fetch, minDelayMs: 500 });
    await vi.advanceTimersByTimeAsync(3499);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(await pending).toMatchObject({ status: 200, attempts: 2 });
  });

  it('gives up after `retries` and returns the last transient answer', async () => {
    const { fetch } = scripted([503]);
    const onRetry = vi.fn();
    const pending = fetchWithRetry(URL_, {}, { fetch, retries: 2, minDelayMs: 10, onRetry });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await pending).toMatchObject({ status: 503, attempts: 3 });
    expect(onRetry.mock.calls.map(([info]) => info)).toEqual([
      { attempt: 1, reason: 'HTTP 503' },
      { attempt: 2, reason: 'HTTP 503' },
    ]);
  });

  it('retries network errors and timeouts, and reports the last one', async () => {
    const timeout = () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    };
    const { fetch } = scripted([networkError, timeout, networkError]);
    const pending = fetchWithRetry(URL_, {}, { fetch, retries: 2, minDelayMs: 10 });
    await vi.advanceTimersByTimeAsync(1000);
    const result = await pending;
    expect(result).toMatchObject({ status: 0, attempts: 3 });
    expect(result.error).toBe('fetch failed (connect ECONNREFUSED 127.0.0.1:9)');
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('does not retry other statuses, and never follows a redirect', async () => {
    for (const status of [404, 500, 302]) {
      const { fetch, calls } = scripted([status, 200]);
      const pending = fetchWithRetry(URL_, { headers: { cookie: 'a=1' } }, { fetch });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(await pending).toMatchObject({ status, attempts: 1 });
      expect(calls[0]).toMatchObject({ method: 'GET', redirect: 'manual', headers: { cookie: 'a=1' } });
    }
  });
});

describe('fetchWithRetry against a real server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('a server that never answers fails the attempt at its deadline', async () => {
    server = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const result = await fetchWithRetry(new URL(`http://127.0.0.1:${port}/`), {}, { timeoutMs: 50, retries: 0 });
    expect(result).toMatchObject({ status: 0, attempts: 1, error: 'timed out' });
  });
});
