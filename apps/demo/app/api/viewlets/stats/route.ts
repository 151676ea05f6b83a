import { connection } from 'next/server';
import { viewletReport } from '@/lib/viewlet-stats';

/** Cache counters and viewlet policies as JSON, for monitoring. */
export async function GET() {
  // Counters are live: never prerender this route at build time.
  await connection();
  return Response.json(viewletReport(), { headers: { 'cache-control': 'no-store' } });
}
