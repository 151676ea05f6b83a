/**
 * What the Next cache-handler adapter reports: the outcome of a read, into the
 * viewlet call it belongs to (see viewlet-call.ts), and the bytes of entries
 * written, per store and per viewlet.
 */
import { metricsEnabled, storeCounters, viewletCounters } from './metrics-registry.ts';
import { currentViewletCall, readOutcome } from './viewlet-call.ts';

/** Records what a `get` returned, for the viewlet call in whose context Next asked. */
export function noteCacheRead(entry: { timestamp: number; revalidate: number } | undefined): void {
  const call = currentViewletCall();
  if (call) call.read = readOutcome(entry);
}

/**
 * Wraps a pending entry so the bytes of its value are counted once the cache
 * has read all of them (a value the cache refuses, too large or uncacheable,
 * is cancelled before its end and not counted).
 */
export function countStoredBytes<E extends { value: ReadableStream<Uint8Array> }>(store: string, pendingEntry: Promise<E>): Promise<E> {
  if (!metricsEnabled()) return pendingEntry;
  const viewlet = currentViewletCall()?.name;
  return pendingEntry.then((entry) => {
    let bytes = 0;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
      flush() {
        storeCounters(store).bytesStored += bytes;
        if (viewlet !== undefined) viewletCounters(viewlet).bytesStored += bytes;
      },
    });
    return { ...entry, value: entry.value.pipeThrough(counter) };
  });
}
