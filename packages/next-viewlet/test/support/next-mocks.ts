/**
 * Stand-ins for the parts of Next that only exist inside a running Next server
 * (`next/cache`, `next/server`, `next/headers`), so the Next layer's branches
 * run in a unit test. Use with:
 *
 * ```ts
 * vi.mock('next/cache', () => nextCacheMock);
 * vi.mock('next/server', () => nextServerMock);
 * vi.mock('next/headers', () => nextHeadersMock);
 * ```
 *
 * `request` is the current request those mocks answer with; `afterQueue`
 * holds the callbacks given to `after()`, run by `runAfter()` as Next does once
 * the response is sent. `useNextLayer()` resets them before each test and
 * forgets registrations and settings after it.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { clearRegistry } from '../../src/core/registry.ts';
import { configureViewlets, resetSettings, type ViewletSettings } from '../../src/core/settings.ts';

export const request = { cookies: new Map<string, string>(), headers: new Headers() };
export const afterQueue: (() => unknown)[] = [];

export const nextCacheMock = {
  cacheLife: vi.fn(),
  cacheTag: vi.fn(),
  revalidateTag: vi.fn(),
  updateTag: vi.fn(),
};

export const nextServerMock = {
  after: vi.fn((callback: () => unknown) => {
    afterQueue.push(callback);
  }),
  connection: vi.fn(async () => {}),
};

export const nextHeadersMock = {
  cookies: vi.fn(async () => ({
    get: (name: string) => (request.cookies.has(name) ? { name, value: request.cookies.get(name)! } : undefined),
  })),
  headers: vi.fn(async () => request.headers),
};

/** Runs what `after()` queued, in order, as Next does after the response. */
export async function runAfter(): Promise<void> {
  for (const callback of afterQueue.splice(0)) await callback();
}

export function resetNextMocks(): void {
  for (const mock of [...Object.values(nextCacheMock), ...Object.values(nextServerMock), ...Object.values(nextHeadersMock)]) {
    mock.mockClear();
  }
  nextCacheMock.updateTag.mockImplementation(() => {});
  request.cookies.clear();
  request.headers = new Headers();
  afterQueue.length = 0;
}

/** Before each test: fresh mocks and `settings` (failure log off, a `uid` user cookie); after it: no viewlets, no settings. */
export function useNextLayer(settings: ViewletSettings = { logErrors: false, identity: { userCookie: 'uid' } }): void {
  beforeEach(() => {
    resetNextMocks();
    configureViewlets(settings);
  });
  afterEach(() => {
    clearRegistry();
    resetSettings();
  });
}
