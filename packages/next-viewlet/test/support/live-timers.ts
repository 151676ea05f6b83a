/**
 * Timers a piece of work leaves running after it settled: created in its
 * async context, neither fired nor cleared since. A timer made during a
 * request holds that request's async context until it ends, so a store must
 * not leave one per call. Timers other code makes meanwhile (a server in the
 * same process, its sockets) are not counted.
 */
import { AsyncLocalStorage, createHook } from 'node:async_hooks';

export async function timersLeftBy(work: () => Promise<unknown>): Promise<number> {
  const context = new AsyncLocalStorage<object>();
  const marker = {};
  const live = new Set<number>();
  const hook = createHook({
    init(id, type) {
      if (type === 'Timeout' && context.getStore() === marker) live.add(id);
    },
    destroy(id) {
      live.delete(id);
    },
  });
  hook.enable();
  try {
    await context.run(marker, work);
    // Destroy hooks of timers cleared by the work run on the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    return live.size;
  } finally {
    hook.disable();
  }
}
