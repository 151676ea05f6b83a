import { listViewlets } from 'next-viewlet';
import { pendingInvalidations, stats } from 'next-viewlet/cache-handler';
import { createStatsHandler } from 'next-viewlet/stats';
import '@/viewlets';

/** The stats endpoint (/api/viewlets/stats): next-viewlet's metrics behind the VIEWLET_STATS_TOKEN bearer token. */
export const viewletStatsHandler = createStatsHandler({ token: process.env.VIEWLET_STATS_TOKEN });

/** The cache counters per store and the demo's viewlets with their policies (for the dashboard page). */
export function viewletReport() {
  return {
    stores: stats(),
    // Invalidations this instance's store has not taken yet (written again with back-off; flushed on shutdown).
    pendingInvalidations: pendingInvalidations(),
    viewlets: listViewlets()
      .map((v) => ({
        name: v.name,
        vary: typeof v.vary === 'function' ? 'custom' : v.vary,
        life: v.life.kind === 'profile' ? v.life.profile : v.life.kind === 'none' ? 'never cached' : JSON.stringify(v.life),
        mode: v.mode,
        island: v.island,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
