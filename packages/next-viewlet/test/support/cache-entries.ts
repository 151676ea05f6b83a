/** Building and reading Next-shaped cache entries in tests. */
import type { CacheEntry } from 'next/cache';

export interface EntryInput {
  value?: string | Uint8Array;
  tags?: string[];
  /** Start of generation, ms; default now. */
  timestamp?: number;
  revalidate?: number;
  expire?: number;
  stale?: number;
}

export function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
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

/** A stream that delivers some bytes, then errors (a render that failed half-way). */
export function failingStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('<div>half'));
      queueMicrotask(() => controller.error(new Error('render failed')));
    },
  });
}

export async function readText(entry: CacheEntry | undefined): Promise<string | undefined> {
  if (!entry) return undefined;
  return new Response(entry.value).text();
}
