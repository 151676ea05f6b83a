import { createRedisStore } from '../../src/stores/redis-store.ts';
import { useRedisServer } from '../support/redis-server.ts';
import { describeIncrementalCache } from './incremental-suite.ts';

const redis = useRedisServer();

describeIncrementalCache({ name: 'redis', shared: true, create: (prefix) => createRedisStore({ url: redis.server.url, prefix }) });
