import { createUpstashStore } from '../../src/stores/upstash-store.ts';
import { useUpstashBackend } from '../support/upstash-rest-server.ts';
import { describeCacheHandler } from './handler-suite.ts';

const backend = useUpstashBackend();

describeCacheHandler({
  shared: true,
  name: 'upstash',
  create: (prefix) => createUpstashStore({ url: backend.rest.url, token: backend.rest.token, prefix }),
});
