/**
 * Replay protection: one `SET NX` per message id, holding the sha256 of the
 * body, for at least the whole window in which the timestamp is accepted.
 * Fail closed: a store that throws or does not answer in time refuses the
 * message (`E_WEBHOOK_STORE`, 503) rather than letting a replay through.
 */
import { createHash } from 'node:crypto';
import { ViewletError } from '../core/errors.ts';
import type { ViewletStore } from '../stores/types.ts';
import { withTimeout } from '../util/with-timeout.ts';

export interface ReplayGuardOptions {
  /** The store of the replay records (resolved on first use). */
  store: () => ViewletStore | Promise<ViewletStore>;
  /** How long a record lives, in ms. */
  ttlMs: number;
  /** Time allowed for each store call, in ms. */
  timeoutMs: number;
  /** Key prefix; the message id follows. */
  prefix: string;
}

/** `new`: first delivery, now recorded. `duplicate`: same id and body seen. `conflict`: same id, other body. */
export type ReplayDecision = 'new' | 'duplicate' | 'conflict';

export interface ReplayGuard {
  claim(id: string, body: Uint8Array): Promise<ReplayDecision>;
  /** Forgets a claim so the sender can retry (after a failed invalidation). Best effort. */
  release(id: string, body: Uint8Array): Promise<void>;
}

export function bodyHash(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

export function createReplayGuard(options: ReplayGuardOptions): ReplayGuard {
  const unavailable = (cause: unknown) =>
    new ViewletError(
      'E_WEBHOOK_STORE',
      'the replay-protection store is unavailable, so the message was refused; retry later with the same webhook-id.',
      { cause },
    );

  const guard: ReplayGuard = {
    async claim(id, body) {
      const key = options.prefix + id;
      const hash = bodyHash(body);
      let existing: true | string | null = null;
      try {
        // A record that expires between our SET NX and its read answers null: try once more.
        for (let attempt = 0; attempt < 2 && existing === null; attempt++) {
          const write = Promise.resolve().then(async () => (await options.store()).setIfAbsent(key, hash, options.ttlMs));
          try {
            existing = await withTimeout(write, options.timeoutMs, () => new Error(`no answer within ${options.timeoutMs} ms`));
          } catch (error) {
            // Given up on, the write may still land. A record we created for a
            // refused message would answer the retry "duplicate" with nothing
            // invalidated: remove it once the store does answer.
            write.then((created) => (created === true ? guard.release(id, body) : undefined)).catch(() => {});
            throw error;
          }
        }
      } catch (error) {
        throw unavailable(error);
      }
      if (existing === null) throw unavailable(new Error('setIfAbsent kept answering null'));
      if (existing === true) return 'new';
      return existing === hash ? 'duplicate' : 'conflict';
    },
    async release(id, body) {
      try {
        const work = Promise.resolve().then(async () => (await options.store()).deleteIfEquals(options.prefix + id, bodyHash(body)));
        await withTimeout(work, options.timeoutMs, () => new Error(`no answer within ${options.timeoutMs} ms`));
      } catch {
        // The record expires on its own; until then a retry with this id answers "duplicate".
      }
    },
  };
  return guard;
}
