export interface RedisClusterNode {
  readonly port: number;
  readonly url: string;
  /** The pid of the node's redis-server, or undefined once killed or stopped. */
  readonly pid: number | undefined;
}

export interface RedisCluster {
  /** Every node, masters and replicas, in start order (roles are assigned by redis-cli). */
  readonly nodes: readonly RedisClusterNode[];
  /** `redis://` URLs of every node, to use as seed nodes. */
  readonly urls: readonly string[];
  readonly pids: readonly (number | undefined)[];
  /** Index in `nodes` of the live master serving `slot` now. */
  masterOf(slot: number): Promise<number>;
  /** Kills node `i` (SIGKILL, a crash) and waits for it to exit. */
  killNode(i: number): Promise<void>;
  /** Resolves once every live node reports cluster_state:ok, knows every live node, and every replica is in sync. */
  waitForState(): Promise<void>;
  /** Stops every node by its pid and removes the temp dir. */
  stop(): Promise<void>;
}

/**
 * Starts `masters` masters with `replicas` replicas each (default 3 and 0) on free
 * loopback ports, `cluster-node-timeout` `nodeTimeoutMs` (default 1000), and waits
 * until the cluster is ready (at most `timeoutMs`, default 60000).
 */
export function startRedisCluster(options?: {
  masters?: number;
  replicas?: number;
  nodeTimeoutMs?: number;
  timeoutMs?: number;
  bin?: string;
  cliBin?: string;
}): Promise<RedisCluster>;
