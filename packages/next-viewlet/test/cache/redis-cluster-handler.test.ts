import { createRedisClusterStore } from '../../src/stores/redis-cluster-store.ts';
import { useRedisCluster } from '../support/redis-cluster.ts';
import { describeCacheHandler } from './handler-suite.ts';

const redis = useRedisCluster({ masters: 3 });

describeCacheHandler({
  name: 'redis-cluster',
  shared: true,
  create: (prefix) => createRedisClusterStore({ urls: redis.cluster.urls, prefix }),
});
