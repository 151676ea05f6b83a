/**
 * Attribution of cache reads and writes to the viewlet that caused them.
 *
 * `renderViewlet` runs its call of the cached function inside an
 * `AsyncLocalStorage` scope holding a `ViewletCall`. Next calls the cache
 * handler's `get` and `set` for that entry in the caller's async context (a
 * background revalidation too: it is started from the stale read), so the
 * handler adapter can write the outcome into the call. The cached function's
 * body is different: Next runs it in a clean async snapshot, so it sees no
 * call; it records its render by the viewlet name it is given instead.
 *
 * The storage lives on `globalThis` so the bundled copy of the library (which
 * runs `renderViewlet`) and the unbundled handler module share it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one viewlet call turned out to be: a fresh `hit`; `stale` (served while
 * Next re-renders it in the background); `miss` (rendered for this call);
 * `joined` (Next never asked the handler: the call shared a fill already in
 * flight in this process); `uncached` (never cached, or caching is off).
 */
export type CallOutcome = 'hit' | 'stale' | 'miss' | 'joined' | 'uncached';

export const CALL_OUTCOMES: readonly CallOutcome[] = ['hit', 'stale', 'miss', 'joined', 'uncached'];

/** One call of a viewlet, as seen by the cache handler. */
export interface ViewletCall {
  readonly name: string;
  /** What the handler's `get` found; undefined when Next never asked (the call joined a fill in flight). */
  read?: 'hit' | 'stale' | 'miss';
}

const KEY = Symbol.for('next-viewlet.metrics.viewlet-call');
type Holder = { [KEY]?: AsyncLocalStorage<ViewletCall> };

/** Runs `fn` with `call` as the current viewlet call. */
export function inViewletCall<T>(call: ViewletCall, fn: () => T): T {
  const storage = ((globalThis as Holder)[KEY] ??= new AsyncLocalStorage<ViewletCall>());
  return storage.run(call, fn);
}

/** The viewlet call the current async context belongs to, if any (never creates the storage). */
export function currentViewletCall(): ViewletCall | undefined {
  return (globalThis as Holder)[KEY]?.getStore();
}

/** The outcome of a finished call of a cached viewlet. */
export function outcomeOf(call: ViewletCall): CallOutcome {
  return call.read ?? 'joined';
}

/**
 * What a cache entry returned by the handler means to Next: stale when a tag
 * marked it (`revalidate < 0`) or its `revalidate` time has passed (Next then
 * re-renders it in the background), fresh otherwise; no entry is a miss.
 */
export function readOutcome(
  entry: { timestamp: number; revalidate: number } | undefined,
  now = performance.timeOrigin + performance.now(),
): 'hit' | 'stale' | 'miss' {
  if (!entry) return 'miss';
  return entry.revalidate < 0 || now > entry.timestamp + entry.revalidate * 1000 ? 'stale' : 'hit';
}
