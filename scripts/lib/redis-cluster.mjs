/**
 * A real Redis Cluster for tests and benchmarks: N masters (and optionally
 * replicas for each) of Debian's redis-server on free loopback ports, each in
 * its own directory under one temp dir, joined with `redis-cli --cluster
 * create`. Resolves once every node reports `cluster_state:ok` and every
 * replica is in sync. Nodes are stopped by their pids; `stop()` removes the
 * temp dir. A short `cluster-node-timeout` makes failovers take seconds.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './next-server.mjs';
import { redisCommand, startRedis } from './redis-server.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 50 ms until it resolves truthy; rejects with `what` after `timeoutMs`. */
async function until(check, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Parses `CLUSTER NODES` into `{ port, master, failed, slots: [from, to][] }` per node. */
function parseNodes(text) {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [, address, flags, , , , , , ...slots] = line.split(' ');
      const list = flags.split(',');
      return {
        port: Number(address.split('@')[0].split(':').pop()),
        master: list.includes('master'),
        failed: list.includes('fail') || list.includes('fail?'),
        slots: slots.filter((s) => !s.startsWith('[')).map((s) => s.split('-').map(Number)),
      };
    });
}

/**
 * @param {{ masters?: number, replicas?: number, nodeTimeoutMs?: number, timeoutMs?: number, bin?: string, cliBin?: string }} [options]
 */
export async function startRedisCluster({
  masters = 3,
  replicas = 0,
  nodeTimeoutMs = 1_000,
  timeoutMs = 60_000,
  bin,
  cliBin = process.env.REDIS_CLI_BIN ?? '/usr/bin/redis-cli',
} = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nv-redis-cluster-'));
  const servers = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      // The cluster bus gets its own free port (the default, port + 10000, may be taken or past 65535).
      const [port, busPort] = [await freePort(), await freePort()];
      const nodeDir = path.join(dir, String(port));
      mkdirSync(nodeDir);
      servers.push(
        await startRedis({
          port,
          ...(bin && { bin }),
          args: [
            ...['--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-node-timeout', String(nodeTimeoutMs)],
            ...['--cluster-config-file', path.join(nodeDir, 'nodes.conf'), '--dir', nodeDir],
          ],
        }),
      );
    }
    const create = spawn(
      cliBin,
      ['--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    create.stdout.on('data', (chunk) => (output += chunk));
    create.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise((resolve) => create.once('exit', resolve));
    if (code !== 0) throw new Error(`redis-cli --cluster create failed (exit ${code}):\n${output}`);
    const cluster = clusterOf(servers, stop, timeoutMs);
    await cluster.waitForState();
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}

function clusterOf(servers, stop, timeoutMs) {
  const live = () => servers.filter((server) => server.pid !== undefined);
  const nodesSeenBy = async (server) => parseNodes(await redisCommand(server.port, ['CLUSTER', 'NODES']));
  return {
    nodes: servers.map((server) => ({
      port: server.port,
      url: server.url,
      get pid() {
        return server.pid;
      },
    })),
    urls: servers.map((server) => server.url),
    get pids() {
      return servers.map((server) => server.pid);
    },
    /** Index of the live master that serves `slot`, as the live nodes agree. */
    async masterOf(slot) {
      const nodes = await nodesSeenBy(live()[0]);
      const owner = nodes.find((node) => node.master && !node.failed && node.slots.some(([from, to = from]) => from <= slot && slot <= to));
      const index = servers.findIndex((server) => server.port === owner?.port);
      if (index < 0) throw new Error(`redis cluster: no live master serves slot ${slot}`);
      return index;
    },
    /** Kills node `i` (SIGKILL, a crash) and waits for it to exit. */
    async killNode(i) {
      await servers[i].kill();
    },
    /** Resolves once every live node reports cluster_state:ok, knows every live node, and every live replica is in sync. */
    async waitForState() {
      await until(
        async () => {
          for (const server of live()) {
            const info = await redisCommand(server.port, ['CLUSTER', 'INFO']);
            if (!info.includes('cluster_state:ok')) return false;
            const nodes = await nodesSeenBy(server);
            if (nodes.filter((node) => !node.failed).length < live().length) return false;
            const replication = await redisCommand(server.port, ['INFO', 'replication']);
            if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) return false;
          }
          return true;
        },
        'the nodes did not agree on cluster_state:ok',
        timeoutMs,
      );
    },
    stop,
  };
}
