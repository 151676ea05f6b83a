import { connection } from 'next/server';
import { renderCounts, resetRenderCounts } from '@/lib/render-cost';

/**
 * Renders per viewlet in this process, as JSON:
 * `{ renders: { name: n }, total, pid, rssBytes, heapUsedBytes, heapTotalBytes, externalBytes }`.
 * `?reset=1` returns the counts and sets them to zero. `?gc=1` collects
 * garbage first when the process runs with `--expose-gc` (the memory scenario).
 */
export async function GET(request: Request) {
  await connection();
  const params = new URL(request.url).searchParams;
  const renders = renderCounts();
  if (params.get('reset') === '1') resetRenderCounts();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (params.get('gc') === '1' && gc) gc();
  const total = Object.values(renders).reduce((sum, n) => sum + n, 0);
  const memory = process.memoryUsage();
  return Response.json(
    {
      renders,
      total,
      pid: process.pid,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      collected: Boolean(gc),
    },
    { headers: { 'cache-control': 'no-store' } },
  );
}
