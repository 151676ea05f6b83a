/**
 * Replay protection that cannot eat a retry. One record per message id, in
 * two states:
 *
 * - `pending <sha256(body)> <token>`: a delivery is being processed. It lives
 *   `claimTtlMs` only, so the claim of an instance that crashed or froze
 *   mid-way is taken over by a later delivery instead of blocking the message.
 * - `done <sha256(body)>`: the invalidation was recorded (`confirm`). Only
 *   this state answers "duplicate", for the whole replay window.
 *
 * A claim that failed, timed out or whose outcome is unknown is released by
 * compare-and-delete on its exact value (its token makes it ours alone), at
 * once and again when a late reply arrives, whatever that reply says: a claim
 * written after the sender was told 503 must not survive to block its retry.
 * Fail closed: a store that throws or does not answer in time refuses the
 * message (`E_WEBHOOK_STORE`, 503) rather than letting a replay through.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ViewletError } from '../core/errors.ts';
import type { ViewletStore } from '../stores/types.ts';
import { withTimeout } from '../util/with-timeout.ts';

export interface ReplayGuardOptions {
  /** The store of the replay records (resolved on first use). */
  store: () => ViewletStore | Promise<ViewletStore>;
  /** How long a `done` record lives, in ms. */
  ttlMs: number;
  /** How long a `pending` claim lives, in ms; after it another delivery may take the message over. */
  claimTtlMs: number;
  /** Time allowed for each store call, in ms. */
  timeoutMs: number;
  /** Key prefix; the message id follows. */
  prefix: string;
}

/** A delivery that may go ahead: confirm it once the invalidation is recorded, or release it. */
export interface ReplayClaim {
  decision: 'new';
  /** Marks the message processed (later deliveries are duplicates). Resolves `false` when the store did not take it. */
  confirm(): Promise<boolean>;
  /** Forgets the claim, so the next delivery processes the message. Best effort; the claim expires anyway. */
  release(): Promise<void>;
}

/**
 * `new`: this delivery processes the message. `duplicate`: it was fully processed
 * before. `conflict`: the same id came with another body. `in-progress`: another
 * delivery of it is being processed now (retry shortly).
 */
export type ReplayDecision = ReplayClaim | { decision: 'duplicate' } | { decision: 'conflict' } | { decision: 'in-progress' };

export interface ReplayGuard {
  claim(id: string, body: Uint8Array): Promise<ReplayDecision>;
}

export function bodyHash(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** What a record says about a body with this hash. */
function judge(record: string, hash: string): 'duplicate' | 'conflict' | 'in-progress' {
  const [state, recorded] = record.split(' ');
  if (recorded !== hash) return 'conflict';
  return state === 'done' ? 'duplicate' : state === 'pending' ? 'in-progress' : 'conflict';
}

export function createReplayGuard(options: ReplayGuardOptions): ReplayGuard {
  const unavailable = (cause: unknown) =>
    new ViewletError(
      'E_WEBHOOK_STORE',
      'the replay-protection store is unavailable, so the message was refused; retry later with the same webhook-id.',
      { cause },
    );
  const call = <T>(work: (store: ViewletStore) => Promise<T>): Promise<T> => {
    const running = Promise.resolve().then(async () => work(await options.store()));
    return withTimeout(running, options.timeoutMs, () => new Error(`no answer within ${options.timeoutMs} ms`));
  };

  return {
    async claim(id, body) {
      const key = options.prefix + id;
      const hash = bodyHash(body);
      const claim = `pending ${hash} ${randomUUID()}`;
      const release = async () => {
        try {
          await call((store) => store.deleteIfEquals(key, claim));
        } catch {
          // The claim expires after claimTtlMs; until then a retry is answered "in progress", never "duplicate".
        }
      };
      let existing: true | string | null = null;
      // A record that expires between our SET NX and its read answers null: try once more.
      for (let attempt = 0; attempt < 2 && existing === null; attempt++) {
        const write = Promise.resolve().then(async () => (await options.store()).setIfAbsent(key, claim, options.claimTtlMs));
        try {
          existing = await withTimeout(write, options.timeoutMs, () => new Error(`no answer within ${options.timeoutMs} ms`));
        } catch (error) {
          // The write may have landed (or still land): remove our claim now, and again once the store answers.
          void release();
          write.then(release, release);
          throw unavailable(error);
        }
      }
      if (existing === null) throw unavailable(new Error('setIfAbsent kept answering null'));
      if (existing !== true) return { decision: judge(existing, hash) } as ReplayDecision;
      return {
        decision: 'new',
        async confirm() {
          try {
            await call((store) => store.set(key, `done ${hash}`, options.ttlMs));
            return true;
          } catch {
            return false;
          }
        },
        release,
      };
    },
  };
}
