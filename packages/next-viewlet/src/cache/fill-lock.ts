/**
 * A lease lock in the store, against cache stampedes across instances:
 * `SET NX PX lease` to take it, compare-and-delete to release it, so a holder
 * whose lease ran out cannot release the next holder's lock. It is advisory:
 * the lease bounds how long others defer to a holder that died.
 */
import { randomUUID } from 'node:crypto';
import type { ViewletStore } from '../stores/types.ts';

export interface StoreLock {
  /** Takes the lock `name` for `leaseMs`; returns the token to release it with, or `null` if someone else holds it. */
  acquire(name: string): Promise<string | null>;
  /** Releases the lock if `token` still holds it. */
  release(name: string, token: string): Promise<boolean>;
}

export function createStoreLock(store: Pick<ViewletStore, 'setIfAbsent' | 'deleteIfEquals'>, leaseMs: number): StoreLock {
  return {
    async acquire(name) {
      const token = randomUUID();
      const result = await store.setIfAbsent(name, token, leaseMs);
      return result === true ? token : null;
    },
    release(name, token) {
      return store.deleteIfEquals(name, token);
    },
  };
}
