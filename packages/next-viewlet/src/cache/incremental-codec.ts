/**
 * How an incremental cache entry (a prerendered page, a route handler's
 * response, a `fetch` result) is kept in a store: text-safe JSON, because the
 * Upstash client mangles bytes that are not UTF-8. Next hands the handler
 * Buffers (RSC payload, route bodies, segment data) and Maps (segment data);
 * they are written as tagged base64 and tagged entry lists and come back as
 * Buffers and Maps. Everything else (HTML, headers, postponed state, a fetch's
 * already-base64 body) is JSON as is.
 */
import { z } from 'zod';

/** Next's `cacheControl` of a response entry, in seconds (`false` = never). */
export interface CacheControlLike {
  revalidate: number | false;
  expire?: number | undefined;
}

/** An incremental entry as the cache holds it. Times in ms on the store's clock. */
export interface IncrementalRecord {
  /** When its generation started (a seeded build file: its modification time). */
  lastModified: number;
  /** Next's value (`{ kind: 'APP_PAGE', html, rscData, … }`), `null` for a not-found marker. */
  value: unknown;
  /** The lifetime Next gave it at `set` (response kinds). */
  cacheControl?: CacheControlLike | undefined;
  /** Tags judged on every read (a page's `x-next-cache-tags`, a fetch's `tags`). */
  tags: string[];
  /** Size of the encoded entry, in bytes (first-tier accounting). */
  size: number;
}

const BYTES = '__nv_bytes';
const MAP = '__nv_map';

const recordSchema = z.object({
  v: z.literal(1),
  lastModified: z.number(),
  cacheControl: z.object({ revalidate: z.union([z.number(), z.literal(false)]), expire: z.number().optional() }).optional(),
  tags: z.array(z.string()),
  value: z.unknown(),
});

// `this[key]` is the value before `toJSON` (a Buffer's toJSON would give a number array).
function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Uint8Array) return { [BYTES]: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
  if (raw instanceof Map) return { [MAP]: [...raw] };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const tagged = value as Record<string, unknown>;
  if (keys[0] === BYTES && typeof tagged[BYTES] === 'string') return Buffer.from(tagged[BYTES], 'base64');
  if (keys[0] === MAP && Array.isArray(tagged[MAP])) return new Map(tagged[MAP] as [unknown, unknown][]);
  return value;
}

/** The stored text of a record (its `size` is not part of it: it is the text's length). */
export function encodeIncrementalRecord(record: Omit<IncrementalRecord, 'size'>): string {
  const { lastModified, value, cacheControl, tags } = record;
  return JSON.stringify({ v: 1, lastModified, ...(cacheControl && { cacheControl }), tags, value }, replacer);
}

/** Parses a stored record; `undefined` for anything malformed (treated as a miss, then overwritten). */
export function decodeIncrementalRecord(text: string): IncrementalRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text, reviver);
  } catch {
    return undefined;
  }
  const parsed = recordSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { lastModified, cacheControl, tags, value } = parsed.data;
  return { lastModified, value: value ?? null, tags, size: Buffer.byteLength(text), ...(cacheControl && { cacheControl }) };
}
