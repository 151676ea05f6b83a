import { createUpstashStore } from '../../src/stores/upstash-store.ts';
import { useUpstashBackend } from '../support/upstash-rest-server.ts';
import { describeIncrementalCache } from './incremental-suite.ts';

const backend = useUpstashBackend();

describeIncrementalCache({
  name: 'upstash',
  shared: true,
  create: (prefix) => createUpstashStore({ url: backend.rest.url, token: backend.rest.token, prefix }),
});
