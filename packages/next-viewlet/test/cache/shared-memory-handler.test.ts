import { describeCacheHandler } from './handler-suite.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import type { ViewletStore } from '../../src/stores/types.ts';

// The memory store presented as shared: each prefix is one backend that several handlers use, like instances on one Redis.
const backends = new Map<string, ViewletStore>();

describeCacheHandler({
  name: 'memory',
  shared: true,
  create: (prefix) => {
    let backend = backends.get(prefix);
    if (!backend) {
      backend = { ...createMemoryStore({ prefix }), shared: true, close: async () => {} };
      backends.set(prefix, backend);
    }
    return backend;
  },
});
