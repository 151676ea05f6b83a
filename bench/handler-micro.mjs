/**
 * Handler micro-benchmark: the cost of one `get` (a hit, stream read to the
 * end) and one `set` for Next's built-in handler and next-viewlet's handler on
 * memory and on a real redis-server, side by side in one run. Prints ops/s
 * and ratios against the built-in handler.
 *
 *   npm run build && npm run bench:handler
 */
import { createRequire } from 'node:module';
import { Bench } from 'tinybench';
import { createCacheHandler } from 'next-viewlet/cache-handler';
import { createMemoryStore, createRedisStore } from 'next-viewlet/stores';
import { startRedis } from '../scripts/lib/redis-server.mjs';

const require = createRequire(import.meta.url);
const { createDefaultCacheHandler } = require('next/dist/server/lib/cache-handlers/default.js');

const VALUE = new TextEncoder().encode('<div data-viewlet="x">'.padEnd(20_000, 'x') + '</div>');
const TAGS = ['viewlet:teaser', 'viewlet:teaser:["1"]', 'product:1'];
const SOFT = ['_N_T_/layout', '_N_T_/products/layout', '_N_T_/products/[id]/page', '_N_T_/products/1'];

function entry() {
  return {
    value: new ReadableStream({
      start(controller) {
        controller.enqueue(VALUE);
        controller.close();
      },
    }),
    tags: TAGS,
    stale: 300,
    timestamp: Date.now(),
    revalidate: 900,
    expire: 86_400,
  };
}

async function drain(stream) {
  const reader = stream.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
  }
}

async function prepare(handler) {
  for (let i = 0; i < 100; i++) await handler.set(`key-${i}`, Promise.resolve(entry()));
  let i = 0;
  return {
    async get() {
      const found = await handler.get(`key-${i++ % 100}`, SOFT);
      const bytes = found ? await drain(found.value) : -1;
      if (bytes !== VALUE.byteLength) throw new Error(`expected a hit of ${VALUE.byteLength} bytes, got ${bytes}`);
    },
    async request() {
      // What one request of a 6-viewlet page asks of the handler.
      await handler.refreshTags();
      for (let k = 0; k < 6; k++) {
        const found = await handler.get(`key-${(i + k) % 100}`, SOFT);
        await drain(found.value);
      }
      i++;
    },
    async set() {
      await handler.set(`new-${i++ % 100}`, Promise.resolve(entry()));
    },
  };
}

const redis = await startRedis();
try {
  const handlers = {
    'next built-in': createDefaultCacheHandler(50 * 1024 * 1024),
    'next-viewlet memory': createCacheHandler({ store: createMemoryStore({ prefix: 'bench:' }) }),
    'next-viewlet redis': createCacheHandler({ store: createRedisStore({ url: redis.url, prefix: `bench:${Date.now()}:` }) }),
  };
  const rows = [];
  for (const [label, handler] of Object.entries(handlers)) {
    const ops = await prepare(handler);
    const bench = new Bench({ time: 1_500, warmupTime: 300 });
    bench.add('get (hit)', ops.get).add('page request (refreshTags + 6 gets)', ops.request).add('set', ops.set);
    await bench.run();
    for (const task of bench.tasks) {
      if (!task.result.throughput) throw new Error(`${label} ${task.name}: ${task.result.error ?? task.result.state}`);
      rows.push({ handler: label, op: task.name, hz: task.result.throughput.mean });
    }
    await handler.close?.();
  }
  const base = Object.fromEntries(rows.filter((r) => r.handler === 'next built-in').map((r) => [r.op, r.hz]));
  console.log(`\nhandler micro-benchmark: 20 KB entries, ${TAGS.length} tags + ${SOFT.length} soft tags, node ${process.version}`);
  console.table(
    rows.map((r) => ({ handler: r.handler, op: r.op, 'ops/s': Math.round(r.hz), 'vs built-in': `${(r.hz / base[r.op]).toFixed(2)}x` })),
  );
} finally {
  await redis.stop();
}
process.exit(0);
