/**
 * How an entry is kept: text-safe JSON (the Upstash client mangles bytes that
 * are not UTF-8) with the value bytes in base64 and the metadata Next needs.
 * `timestamp` is the START of generation, on the store's clock.
 */
import { z } from 'zod';

/** An entry's metadata; durations in seconds as Next gives them. */
export interface EntryMeta {
  tags: string[];
  /** Start of generation, ms since the epoch, on the store's clock. */
  timestamp: number;
  revalidate: number;
  expire: number;
  stale: number;
}

/** An entry as the cache holds it: metadata plus the value's bytes. */
export interface StoredEntry {
  meta: EntryMeta;
  bytes: Uint8Array;
}

const storedSchema = z.object({
  v: z.literal(1),
  tags: z.array(z.string()),
  timestamp: z.number(),
  revalidate: z.number(),
  expire: z.number(),
  stale: z.number(),
  value: z.string(),
});

export function encodeEntry(entry: StoredEntry): string {
  const { meta, bytes } = entry;
  return JSON.stringify({ v: 1, ...meta, value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') });
}

/** Parses a stored entry; `undefined` for anything malformed (treated as a miss, then overwritten). */
export function decodeEntry(text: string): StoredEntry | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = storedSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { v: _v, value, ...meta } = parsed.data;
  return { meta, bytes: new Uint8Array(Buffer.from(value, 'base64')) };
}

/**
 * A new one-chunk stream over `bytes` (every read gets its own stream). The chunk is
 * the stored bytes themselves, not a copy, as in Next's built-in handler: its
 * readers (React's Flight client, tee) only read them, and a copy cost a fifth of a hit.
 */
export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}
