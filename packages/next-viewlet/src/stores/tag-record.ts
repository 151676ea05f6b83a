/**
 * Tag records: what a store keeps per tag, and how records judge entries.
 * Invalidation timestamps, never an index: one record per tag holding when it
 * was last invalidated and when that invalidation turns from "stale" into
 * "expired". Every store merges invalidations with `mergeTagRecord` (the Redis
 * stores with the same rules in Lua, checked against this file by a test), and
 * the cache judges entries with `tagFreshness`.
 */
import { z } from 'zod';
import { debugLog } from '../util/log.ts';

/** Times in ms on the store's clock. */
export interface TagRecord {
  /** Latest invalidation: entries generated at or before it are at least stale. */
  at: number;
  /** When entries generated at or before `at` become expired; `at` itself for a hard invalidation; absent = never. */
  expireAt?: number;
  /** Entries generated at or before this are expired (an earlier invalidation whose expiry has passed). */
  hardAt?: number;
}

export type Freshness = 'fresh' | 'stale' | 'expired';

export const NEVER_INVALIDATED: TagRecord = Object.freeze({ at: Number.NEGATIVE_INFINITY });
const recordSchema = z.object({ at: z.number(), expireAt: z.number().optional(), hardAt: z.number().optional() });

/**
 * Folds a new invalidation at `now` (expiring at `expireAt`; `undefined` = never) into
 * the previous record. Conservative where one record cannot say everything: an
 * earlier pending expiry is kept, so nothing is served past any invalidation's expiry.
 */
export function mergeTagRecord(previous: TagRecord | null | undefined, now: number, expireAt: number | undefined): TagRecord {
  return unionTagRecords(previous, expireAt === undefined ? { at: now } : { at: now, expireAt }, now);
}

/**
 * One record judging every entry at least as strictly as `a` and `b` both do at
 * `now` (invalidations only accumulate, in whatever order they are learnt). Exact
 * except where one record cannot say everything: of two pending expiries the
 * earlier applies to both. An invalidation whose expiry has passed becomes the
 * hard floor (`hardAt`); a soft one stays soft, whichever record is newer.
 */
export function unionTagRecords(a: TagRecord | null | undefined, b: TagRecord | null | undefined, now: number): TagRecord {
  let at = Number.NEGATIVE_INFINITY;
  let hardAt = Number.NEGATIVE_INFINITY;
  for (const record of [a, b]) {
    if (!record || !Number.isFinite(record.at)) continue;
    at = Math.max(at, record.at);
    if (record.hardAt !== undefined) hardAt = Math.max(hardAt, record.hardAt);
    if (record.expireAt !== undefined && record.expireAt <= now) hardAt = Math.max(hardAt, record.at);
  }
  if (!Number.isFinite(at)) return NEVER_INVALIDATED;
  let expiry = Number.POSITIVE_INFINITY;
  let pending = false;
  for (const record of [a, b]) {
    // Pending: not yet expired, and covering entries newer than the hard floor.
    if (!record || !(record.at > hardAt) || (record.expireAt !== undefined && record.expireAt <= now)) continue;
    pending = true;
    expiry = Math.min(expiry, record.expireAt ?? Number.POSITIVE_INFINITY);
  }
  if (!pending || hardAt >= at || expiry <= at) return { at, expireAt: at };
  return { at, ...(Number.isFinite(expiry) && { expireAt: expiry }), ...(Number.isFinite(hardAt) && { hardAt }) };
}

/** How one tag's record judges an entry generated at `generatedAt`, at time `now`. */
export function tagFreshness(record: TagRecord | null | undefined, generatedAt: number, now: number): Freshness {
  if (!record) return 'fresh';
  if (record.hardAt !== undefined && generatedAt <= record.hardAt) return 'expired';
  if (generatedAt <= record.at) return record.expireAt !== undefined && record.expireAt <= now ? 'expired' : 'stale';
  return 'fresh';
}

export function parseTagRecord(text: string | null): TagRecord {
  if (text === null) return NEVER_INVALIDATED;
  try {
    const parsed = recordSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data as TagRecord;
  } catch {
    // fall through
  }
  debugLog('tags', 'ignoring a malformed tag record');
  return NEVER_INVALIDATED;
}
