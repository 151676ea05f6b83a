/**
 * Stampede protection across instances: on a miss, one instance takes a lease
 * lock in the store (`SET NX PX lease`) and renders; the others poll for its
 * entry for a bounded time. Release is compare-and-delete, so a holder whose
 * lease ran out cannot release the next holder's lock. Advisory: the lease
 * bounds how long others defer to a holder that died, and a store failure
 * means "render yourself".
 */
import { randomUUID } from 'node:crypto';
import { debugLog } from '../util/log.ts';
import type { ViewletStore } from '../stores/types.ts';

export interface FillLockOptions {
  /** How long a lock holds, in ms. */
  leaseMs: number;
  /** Longest a caller waits for the holder's entry, in ms. */
  waitMs: number;
}

/** Store keys of one entry and its lock: on a cluster they share a slot, so one read polls both. */
export interface LockKeys {
  entry: string;
  lock: string;
}

export interface FillLock {
  /**
   * Takes the lock for `key` (returns `undefined`: render and call `release`), or
   * waits for the holder's entry: polls `entryKey` and returns the first value
   * `accept` turns into a result. `undefined` when the wait ends, when the holder
   * released without storing, or when the store fails.
   */
  claimOrWait<T>(key: string, keys: LockKeys, accept: (text: string | null) => Promise<T | undefined>): Promise<T | undefined>;
  /** Releases the lock for `key` if this process holds it (in the background). */
  release(key: string): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

export function createFillLock(
  store: Pick<ViewletStore, 'setIfAbsent' | 'deleteIfEquals' | 'getMany'>,
  options: FillLockOptions,
): FillLock {
  const { leaseMs, waitMs } = options;
  // key -> the lock this process holds, until its lease ends. No timer per
  // claim: a timer made during a request keeps that request's whole async
  // context (response, streams, render state) alive until it fires, which at
  // a few hundred fills a second held hundreds of MB for the lease's 5 s.
  const held = new Map<string, { lock: string; token: string; until: number }>();
  const holds = (key: string): boolean => {
    const lock = held.get(key);
    if (lock && lock.until > Date.now()) return true;
    if (lock) held.delete(key);
    return false;
  };
  // Locks whose release never came (a fill Next abandoned) are dropped once expired.
  const sweep = () => {
    const now = Date.now();
    for (const [key, lock] of held) if (lock.until <= now) held.delete(key);
  };

  const release = (key: string) => {
    const lock = held.get(key);
    if (!lock) return;
    held.delete(key);
    store.deleteIfEquals(lock.lock, lock.token).catch(() => {});
  };

  return {
    async claimOrWait(key, keys, accept) {
      // Next deduplicates fills within a process until their set() settles, so
      // a miss on a key whose lease this process still holds means that fill
      // ended without a set() (the render threw, or was a prerender that stores
      // nothing). Render again under the lease instead of waiting for ourselves.
      if (holds(key)) return undefined;
      const token = randomUUID();
      const hold = () => {
        if (held.size >= 1000) sweep();
        held.set(key, { lock: keys.lock, token, until: Date.now() + leaseMs });
      };
      try {
        if ((await store.setIfAbsent(keys.lock, token, leaseMs)) === true) {
          hold();
          // Another instance may have stored the entry and let go of its lock between this
          // miss's read and the claim (measured on a Redis Cluster: 2-10 of 10 viewlets of a
          // burst rendered twice). One more read of the entry settles it.
          const landed = await store.getMany([keys.entry]).then(
            ([text]) => accept(text ?? null),
            () => undefined,
          );
          if (landed !== undefined) {
            debugLog('cache', 'fill lock taken, but the entry had landed meanwhile', { key: key.slice(0, 100) });
            release(key);
            return landed;
          }
          debugLog('cache', 'fill lock taken', { key: key.slice(0, 100) });
          return undefined;
        }
      } catch (error) {
        // It may have been taken all the same (a reply past the deadline): keep the
        // token, so release() compare-and-deletes it instead of leaving it for a lease.
        debugLog('cache', 'fill lock claim failed; rendering', { key: key.slice(0, 100), error: String(error) });
        hold();
        return undefined;
      }
      const deadline = Date.now() + waitMs;
      for (let delay = 25; Date.now() < deadline; delay = Math.min(delay * 1.5, 250)) {
        await sleep(Math.min(delay * (0.75 + Math.random() / 2), Math.max(1, deadline - Date.now())));
        let values: (string | null)[];
        try {
          values = await store.getMany([keys.entry, keys.lock]);
        } catch (error) {
          debugLog('cache', 'waiting for another instance failed; rendering', { key: key.slice(0, 100), error: String(error) });
          return undefined;
        }
        const found = await accept(values[0] ?? null);
        if (found !== undefined) return found;
        if (values[1] === null) {
          // The holder gave up without storing: render.
          debugLog('cache', 'the lock holder let go without storing; rendering', {
            key: key.slice(0, 100),
            entry: values[0] === null ? 'none' : 'not accepted',
          });
          return undefined;
        }
      }
      debugLog('cache', 'gave up waiting for another instance to fill', { key: key.slice(0, 100) });
      return undefined;
    },
    release,
  };
}
