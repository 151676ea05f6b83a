/**
 * Coalesces the reads of one moment into one store call: every `load(keys)`
 * made before the next turn of the event loop joins one `fetch` of all their
 * keys (de-duplicated), so a page of ten viewlets with a cold first tier costs
 * one `MGET` (one per slot on a cluster, sent together), not ten.
 */
export type BatchLoad<V> = (keys: readonly string[]) => Promise<V[]>;

export function createBatcher<V>(fetch: (keys: string[]) => Promise<V[]>): BatchLoad<V> {
  let queue: { keys: readonly string[]; resolve: (values: V[]) => void; reject: (error: unknown) => void }[] = [];

  const flush = () => {
    const batch = queue;
    queue = [];
    const unique = [...new Set(batch.flatMap((call) => call.keys))];
    fetch(unique).then(
      (values) => {
        const byKey = new Map(unique.map((key, i) => [key, values[i] as V]));
        for (const call of batch) call.resolve(call.keys.map((key) => byKey.get(key) as V));
      },
      (error: unknown) => {
        for (const call of batch) call.reject(error);
      },
    );
  };

  return (keys) => {
    if (keys.length === 0) return Promise.resolve([]);
    return new Promise<V[]>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ keys, resolve, reject });
    });
  };
}
