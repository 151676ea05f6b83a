import { LRUCache } from 'lru-cache';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { describeIncrementalCache } from './incremental-suite.ts';

// Instances of one test share one LRU, as handlers share the process-wide memory store.
const shared = new LRUCache<string, string>({ maxSize: 64 * 1024 * 1024, sizeCalculation: (v, k) => Math.max(1, v.length + k.length) });

describeIncrementalCache({ name: 'memory', shared: false, create: (prefix) => createMemoryStore({ prefix, cache: shared }) });
