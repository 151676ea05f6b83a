/**
 * The cache handlers of this process, on `globalThis`: Next loads the handler
 * module unbundled while the app bundles its own copy of the library, and the
 * webhook (in the app's copy) must reach the handler that Next uses. Through
 * this registry an invalidation is recorded in every handler's store and
 * awaited (`recordInvalidation`), pending invalidations are counted, and they
 * are flushed before the process exits.
 */
import { defaultLog } from '../util/log.ts';
import type { InvalidateCallOptions, InvalidateOutcome } from './tag-system.ts';

export interface RegisteredHandler {
  /** Store name, for stats and logs. */
  readonly name: string;
  /**
   * What records its invalidations (a shared tier): handlers on one tier (the `'use cache'` and the
   * incremental cache handler on the process store) are asked once, not once each.
   */
  readonly tier?: object;
  /** Records an invalidation and resolves once the store took it (`recorded`) or could not. */
  record(tags: readonly string[], durations?: { expire?: number }, options?: InvalidateCallOptions): Promise<InvalidateOutcome>;
  /** Invalidations its store has not taken yet. */
  pending(): number;
  /** Writes the pending ones; `true` when none is left within `timeoutMs`. */
  flush(timeoutMs: number): Promise<boolean>;
}

const KEY = Symbol.for('next-viewlet.cache-handlers');
type Holder = { [KEY]?: Set<RegisteredHandler> };
const handlers = (): Set<RegisteredHandler> => ((globalThis as Holder)[KEY] ??= new Set());

/** Adds a handler to the registry; returns the function that removes it. */
export function registerHandler(handler: RegisteredHandler): () => void {
  handlers().add(handler);
  installShutdownFlush();
  return () => handlers().delete(handler);
}

/** The registered handlers (several when cache kinds have stores of their own), one per tier. */
export function registeredHandlers(): RegisteredHandler[] {
  const seen = new Set<object>();
  return [...handlers()].filter((handler) => {
    if (handler.tier === undefined) return true;
    if (seen.has(handler.tier)) return false;
    seen.add(handler.tier);
    return true;
  });
}

/**
 * Records an invalidation in every registered handler's store. `recorded` is
 * true only when every store took it: every instance will see it. With no
 * handler of next-viewlet's in this process (`handlers: 0`) nothing is recorded here.
 */
export async function recordInvalidation(
  tags: readonly string[],
  durations?: { expire?: number },
  options?: InvalidateCallOptions,
): Promise<{ recorded: boolean; handlers: number }> {
  const all = registeredHandlers();
  const outcomes = await Promise.all(
    all.map(async (handler) => {
      try {
        return await handler.record(tags, durations, options);
      } catch {
        return { recorded: false };
      }
    }),
  );
  return { recorded: outcomes.every((outcome) => outcome.recorded), handlers: all.length };
}

/** Invalidations this process's stores have not taken yet (retried in the background). */
export function pendingInvalidations(): number {
  return registeredHandlers().reduce((sum, handler) => sum + handler.pending(), 0);
}

/** Writes pending invalidations of every handler; `true` when none is left within `timeoutMs`. */
export async function flushInvalidations(timeoutMs: number): Promise<boolean> {
  const results = await Promise.all(registeredHandlers().map((handler) => handler.flush(timeoutMs)));
  return results.every(Boolean);
}

const INSTALLED = Symbol.for('next-viewlet.shutdown-flush');
type Flagged = { [INSTALLED]?: true };

/** Longest an exiting process waits for pending invalidations, in ms. */
export const SHUTDOWN_FLUSH_MS = 3000;

/**
 * `next start` ends with `process.exit()` once its server has closed, which would
 * drop invalidations the store has not taken yet. On SIGTERM/SIGINT, while some
 * are pending, that exit waits for one more write of them (at most
 * `SHUTDOWN_FLUSH_MS`); with nothing pending it is not touched.
 */
function installShutdownFlush(): void {
  const flagged = globalThis as Flagged;
  if (flagged[INSTALLED] || typeof process === 'undefined' || typeof process.on !== 'function') return;
  flagged[INSTALLED] = true;
  const onSignal = (signal: NodeJS.Signals) => {
    // A listener of ours alone would keep the process alive: re-raise when nobody else handles the signal.
    const reraise = () => process.kill(process.pid, signal);
    const othersHandle = process.listenerCount(signal) > 0;
    if (pendingInvalidations() === 0) {
      if (!othersHandle) reraise();
      return;
    }
    defaultLog.warn(
      `${signal}: writing ${pendingInvalidations()} invalidation(s) the store has not taken yet before exiting (at most ${SHUTDOWN_FLUSH_MS} ms).`,
    );
    const flushing = flushInvalidations(SHUTDOWN_FLUSH_MS).then((done) => {
      if (!done)
        defaultLog.warn(
          `exiting with ${pendingInvalidations()} invalidation(s) the store has not taken; other instances will not see them.`,
        );
    });
    if (!othersHandle) {
      flushing.finally(reraise);
      return;
    }
    const exit = process.exit.bind(process);
    process.exit = ((code?: number | string | null) => {
      flushing.finally(() => exit(code ?? undefined));
    }) as typeof process.exit;
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
