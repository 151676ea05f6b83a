/**
 * Where the Redis-protocol stores keep things. The caller's keys get the prefix
 * and nothing else (their own `{hash tag}`, if any, decides their cluster slot).
 * The tag system's keys share one slot per prefix through a hash tag that
 * includes the prefix, so one script can touch a tag's record and the journal
 * together, and different prefixes can live on different nodes:
 *
 * - `<prefix>{<prefix>tags}:tag:<sha256 of the tag, base64url, 22 chars>`: a tag's record (JSON)
 * - `<prefix>{<prefix>tags}:journal`: the invalidation journal (a stream; entries carry the tag names)
 * - `<prefix>{<prefix>tags}:journal-meta`: the journal's floor and genesis
 *
 * Tag names never appear in key names: they may hold ids, and their length is unbounded.
 */
import { createHash } from 'node:crypto';

export interface RedisKeys {
  /** A caller's key. */
  entry(key: string): string;
  /** The record key of a tag. */
  tag(tag: string): string;
  readonly journal: string;
  readonly journalMeta: string;
}

/** The key layout of one prefix (validated by the caller: no braces). */
export function redisKeys(prefix: string): RedisKeys {
  const group = `${prefix}{${prefix}tags}:`;
  return {
    entry: (key) => prefix + key,
    tag: (tag) => `${group}tag:${createHash('sha256').update(tag).digest('base64url').slice(0, 22)}`,
    journal: `${group}journal`,
    journalMeta: `${group}journal-meta`,
  };
}
