/**
 * Handler micro-benchmark: one `get` (a hit, read to the end), what one page
 * request asks of the handler (`refreshTags()` + 6 gets), and one `set`, for
 * Next's built-in handler and next-viewlet's handler on memory, redis and
 * Upstash (REST fixture), side by side in one process.
 */
import { createRequire } from 'node:module';
import { createCacheHandler } from 'next-viewlet/cache-handler';
import { createMemoryStore, createRedisStore, createUpstashStore } from 'next-viewlet/stores';
import { Bench } from 'tinybench';
import { newPrefix } from '../lib/app.mjs';
import { startBackends } from '../lib/backends.mjs';
import { fixed, ratio } from '../lib/report.mjs';

const require = createRequire(import.meta.url);
const { createDefaultCacheHandler } = require('next/dist/server/lib/cache-handlers/default.js');

const VALUE = new TextEncoder().encode('<div data-viewlet="x">'.padEnd(20_000, 'x') + '</div>');
const TAGS = ['viewlet:teaser', 'viewlet:teaser:["1"]', 'product:1'];
const SOFT = ['_N_T_/layout', '_N_T_/products/layout', '_N_T_/products/[id]/page', '_N_T_/products/1'];

const entry = () => ({
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
});

async function drain(stream) {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.byteLength;
  return bytes;
}

async function operations(handler) {
  for (let i = 0; i < 100; i++) await handler.set(`key-${i}`, Promise.resolve(entry()));
  let i = 0;
  return {
    async get() {
      const found = await handler.get(`key-${i++ % 100}`, SOFT);
      const bytes = found ? await drain(found.value) : -1;
      if (bytes !== VALUE.byteLength) throw new Error(`expected a hit of ${VALUE.byteLength} bytes, got ${bytes}`);
    },
    async request() {
      await handler.refreshTags();
      for (let k = 0; k < 6; k++) {
        const found = await handler.get(`key-${(i + k) % 100}`, SOFT);
        if (!found) throw new Error('a page request missed an entry it had stored');
        await drain(found.value);
      }
      i++;
    },
    async set() {
      await handler.set(`new-${i++ % 100}`, Promise.resolve(entry()));
    },
  };
}

export const handlerMicro = {
  name: 'handler',
  title: 'Handler micro-benchmark',
  async run(ctx) {
    const time = ctx.quick ? { time: 100, warmupTime: 20 } : { time: 1_500, warmupTime: 300 };
    const backends = await startBackends({ upstash: true });
    const handlers = {
      'next built-in': createDefaultCacheHandler(50 * 1024 * 1024),
      'next-viewlet memory': createCacheHandler({ store: createMemoryStore({ prefix: 'bench:' }) }),
      'next-viewlet redis': createCacheHandler({ store: createRedisStore({ url: backends.redis.url, prefix: newPrefix('micro') }) }),
      'next-viewlet upstash': createCacheHandler({
        store: createUpstashStore({ url: backends.upstash.url, token: backends.upstash.token, prefix: newPrefix('micro') }),
      }),
    };
    const rows = [];
    try {
      for (const [label, handler] of Object.entries(handlers)) {
        const ops = await operations(handler);
        const bench = new Bench(time);
        bench.add('get (hit)', ops.get).add('page request (refreshTags + 6 gets)', ops.request).add('set', ops.set);
        await bench.run();
        for (const task of bench.tasks) {
          const hz = task.result.throughput?.mean;
          ctx.check(Boolean(hz), `${label} ${task.name}: ${task.result.error?.message ?? task.result.state}`);
          rows.push({ handler: label, op: task.name, hz: hz ?? Number.NaN });
        }
        await handler.close?.();
      }
    } finally {
      await backends.stop();
    }
    const base = Object.fromEntries(rows.filter((r) => r.handler === 'next built-in').map((r) => [r.op, r.hz]));
    return {
      measures: `20 KB entries, ${TAGS.length} tags + ${SOFT.length} soft tags; tinybench, ${time.time} ms per task; ops/s and ratio to Next's built-in handler.`,
      tables: [
        {
          columns: ['handler', 'operation', 'ops/s', 'vs built-in'],
          rows: rows.map((r) => [r.handler, r.op, fixed(r.hz), ratio(r.hz, base[r.op])]),
        },
      ],
      data: { rows },
    };
  },
};
