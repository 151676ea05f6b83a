import { createRedisClusterStore } from '../../src/stores/redis-cluster-store.ts';
import { useRedisCluster } from '../support/redis-cluster.ts';
import { describeIncrementalCache } from './incremental-suite.ts';

const redis = useRedisCluster();

describeIncrementalCache({
  name: 'redis-cluster',
  shared: true,
  create: (prefix) => createRedisClusterStore({ urls: redis.cluster.urls, prefix }),
});
