/**
 * The memory store presented as a shared one: handlers and tag systems created
 * on the same instance behave like instances of one app on one Redis (one
 * process here, so its clock can be injected). For logic tests; the real
 * shared stores run the same suites against redis-server.
 */
import { createMemoryStore, type MemoryStoreOptions } from '../../src/stores/memory-store.ts';
import type { ViewletStore } from '../../src/stores/types.ts';

export function sharedMemoryStore(options: MemoryStoreOptions = {}): ViewletStore {
  return { ...createMemoryStore(options), shared: true };
}
