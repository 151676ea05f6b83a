/** Building and reading Next-shaped cache entries in tests. */
import type { CacheEntry } from 'next/cache';
import { bytesStream } from './streams.ts';

// Kept here too for the cache suites that import them from this module.
export { bytesStream, failingStream } from './streams.ts';

export interface EntryInput {
  value?: string | Uint8Array;
  tags?: string[];
  /** Start of generation, ms; default now. */
  timestamp?: number;
  revalidate?: number;
  expire?: number;
  stale?: number;
}

export function makeEntry(input: EntryInput = {}): CacheEntry {
  const value = input.value ?? 'hello';
  return {
    value: bytesStream(typeof value === 'string' ? new TextEncoder().encode(value) : value),
    tags: input.tags ?? [],
    timestamp: input.timestamp ?? Date.now(),
    revalidate: input.revalidate ?? 60,
    expire: input.expire ?? 3600,
    stale: input.stale ?? 30,
  };
}

export async function readText(entry: CacheEntry | undefined): Promise<string | undefined> {
  if (!entry) return undefined;
  return new Response(entry.value).text();
}
