import { connection } from 'next/server';
import { viewletStatsHandler } from '@/lib/viewlet-stats';

/**
 * This process's viewlet and store metrics: JSON, or Prometheus text with
 * `?format=prometheus` (or `Accept: text/plain`). Needs
 * `Authorization: Bearer $VIEWLET_STATS_TOKEN`; answers 503 while no token is set.
 */
export async function GET(request: Request) {
  // Counters are live: never prerender this route at build time.
  await connection();
  return viewletStatsHandler(request);
}
