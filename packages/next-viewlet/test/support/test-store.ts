/**
 * The memory store double: the ViewletStore contract over a Map, inspectable
 * (`records`), with expiry on a clock the test controls (`clock.now`), plus
 * stores that fail every call.
 */
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import type { ViewletStore } from '../../src/stores/types.ts';

/** 2023-11-14T22:13:20Z, in ms: where a test store's clock starts. */
export const TEST_STORE_EPOCH = 1_700_000_000_000;

export interface TestStore extends ViewletStore {
  records: Map<string, { value: string; expiresAt: number }>;
  clock: { now: number };
}

/** The ViewletStore contract over a Map, with expiry on a controllable clock. */
export function memoryStore(clock = { now: TEST_STORE_EPOCH }): TestStore {
  const records = new Map<string, { value: string; expiresAt: number }>();
  // Tag records and the journal: the real memory store's, on the same clock.
  const tags = createMemoryStore({ now: () => clock.now });
  const live = (key: string) => {
    const record = records.get(key);
    if (record && record.expiresAt <= clock.now) records.delete(key);
    return records.get(key);
  };
  return {
    name: 'test-memory',
    shared: false,
    records,
    clock,
    async getMany(keys) {
      return keys.map((key) => live(key)?.value ?? null);
    },
    async set(key, value, ttlMs) {
      records.set(key, { value, expiresAt: clock.now + ttlMs });
    },
    async setIfAbsent(key, value, ttlMs) {
      const existing = live(key);
      if (existing) return existing.value;
      records.set(key, { value, expiresAt: clock.now + ttlMs });
      return true;
    },
    async deleteIfEquals(key, value) {
      if (live(key)?.value !== value) return false;
      return records.delete(key);
    },
    async delete(keys) {
      for (const key of keys) records.delete(key);
    },
    async time() {
      return clock.now;
    },
    getTagRecords: (list) => tags.getTagRecords(list),
    invalidate: (list, options) => tags.invalidate(list, options),
    readJournal: (cursor, limit) => tags.readJournal(cursor, limit),
    async close() {},
  };
}

/** A store whose every call throws, or never answers. */
export function faultyStore(fault: 'throw' | 'hang'): ViewletStore & { calls: number } {
  const store = memoryStore();
  const broken = async () => {
    faulty.calls++;
    if (fault === 'throw') throw new Error('ECONNREFUSED 127.0.0.1:6379');
    return new Promise<never>(() => {});
  };
  const faulty = {
    ...store,
    calls: 0,
    getMany: broken,
    set: broken,
    setIfAbsent: broken,
    deleteIfEquals: broken,
    delete: broken,
    time: broken,
    getTagRecords: broken,
    invalidate: broken,
    readJournal: broken,
  };
  return faulty;
}
