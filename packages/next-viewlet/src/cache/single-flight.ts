/**
 * In-process single-flight: concurrent calls with one key share one execution,
 * so a burst of reads for one cache key costs one store round trip.
 */
export type SingleFlight<T> = (key: string, run: () => Promise<T>) => Promise<T>;

export function createSingleFlight<T>(): SingleFlight<T> {
  const inFlight = new Map<string, Promise<T>>();
  return (key, run) => {
    const existing = inFlight.get(key);
    if (existing) return existing;
    const promise = (async () => {
      try {
        return await run();
      } finally {
        inFlight.delete(key);
      }
    })();
    inFlight.set(key, promise);
    return promise;
  };
}
