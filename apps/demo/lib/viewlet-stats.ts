import { listViewlets } from 'next-viewlet';
import { stats } from 'next-viewlet/cache-handler';
import '@/viewlets';

/** The cache counters per store and the demo's viewlets with their policies. */
export function viewletReport() {
  return {
    stores: stats(),
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
