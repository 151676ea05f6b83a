import { listViewlets } from 'next-viewlet';
import { pendingInvalidations, stats } from 'next-viewlet/cache-handler';
import '@/viewlets';

/** The cache counters per store and the demo's viewlets with their policies. */
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
