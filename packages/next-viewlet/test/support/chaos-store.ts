/**
 * A fault-injecting wrapper around a real store: slow calls, failing calls, a
 * skewed clock, and a count of calls per method. Everything else is the real store.
 */
import type { ViewletStore } from '../../src/stores/types.ts';

type Method = 'getMany' | 'set' | 'setIfAbsent' | 'deleteIfEquals' | 'delete' | 'time' | 'getTagRecords' | 'invalidate' | 'readJournal';

export interface ChaosStore extends ViewletStore {
  /** Delay added to every call, in ms. */
  delayMs: number;
  /** When true, every call rejects. */
  failing: boolean;
  /** Per method: the call is done at once, its reply delayed by this many ms (a late reply). */
  replyDelayMs: Partial<Record<Method, number>>;
  /**
   * Per method, the next call fails once: `'before'` without doing anything, `'after'` once the real
   * store has done it (the reply is lost). Cleared when used.
   */
  failNext: Partial<Record<Method, 'before' | 'after'>>;
  /** Added to what `time()` returns, in ms (a store clock ahead of or behind this machine). */
  clockSkewMs: number;
  /** Calls per method since the last `resetCalls()`. */
  readonly calls: Record<Method, number>;
  /** Every key named in a call (getMany, set, setIfAbsent, deleteIfEquals, delete), in order. */
  readonly keys: string[];
  resetCalls(): void;
}

const METHODS = [
  'getMany',
  'set',
  'setIfAbsent',
  'deleteIfEquals',
  'delete',
  'time',
  'getTagRecords',
  'invalidate',
  'readJournal',
] as const;

export function chaosStore(inner: ViewletStore): ChaosStore {
  const calls = {} as Record<Method, number>;
  const keys: string[] = [];
  const resetCalls = () => {
    for (const method of METHODS) calls[method] = 0;
    keys.length = 0;
  };
  const KEYED: readonly Method[] = ['getMany', 'set', 'setIfAbsent', 'deleteIfEquals', 'delete'];
  resetCalls();
  const wrap = <M extends Method>(method: M): ViewletStore[M] => {
    const call = async (...args: unknown[]) => {
      calls[method] += 1;
      if (KEYED.includes(method)) keys.push(...(Array.isArray(args[0]) ? (args[0] as string[]) : [args[0] as string]));
      if (chaos.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, chaos.delayMs));
      const once = chaos.failNext[method];
      if (once) delete chaos.failNext[method];
      if (chaos.failing || once === 'before') throw new Error(`chaos: ${method} failed`);
      const result = await (inner[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      if (once === 'after') throw new Error(`chaos: ${method} done, reply lost`);
      const late = chaos.replyDelayMs[method];
      if (late) await new Promise((resolve) => setTimeout(resolve, late));
      return method === 'time' ? (result as number) + chaos.clockSkewMs : result;
    };
    return call as ViewletStore[M];
  };
  const chaos: ChaosStore = {
    name: inner.name,
    shared: inner.shared,
    delayMs: 0,
    failing: false,
    replyDelayMs: {},
    failNext: {},
    clockSkewMs: 0,
    calls,
    keys,
    resetCalls,
    getMany: wrap('getMany'),
    set: wrap('set'),
    setIfAbsent: wrap('setIfAbsent'),
    deleteIfEquals: wrap('deleteIfEquals'),
    delete: wrap('delete'),
    time: wrap('time'),
    getTagRecords: wrap('getTagRecords'),
    invalidate: wrap('invalidate'),
    readJournal: wrap('readJournal'),
    close: () => inner.close(),
  };
  return chaos;
}
