/**
 * What the dashboard shows, taken from this process's `metricsSnapshot()`:
 * the counters it needs, render times, and each viewlet's policy already in
 * words. Read in process, so no stats token is involved and none reaches the
 * browser.
 */
import { metricsSnapshot, type ViewletCounters } from 'next-viewlet/stats';
import '@/viewlets';
import { policyInWords } from './policy-in-words';

/** A viewlet's counters as the library keeps them (bytes stored left out), and what the dashboard derives. */
export interface ViewletRow extends Omit<ViewletCounters, 'bytesStored'> {
  name: string;
  /** (hit + stale) / (hit + stale + miss); null before the first read. */
  hitRatio: number | null;
  /** Render time quantiles over the stats window, in seconds; null when no render fell in it. */
  p50: number | null;
  p95: number | null;
  policy: string;
  /** Its cache kind (`viewlet({ store })`), or null when this bundle did not import it. */
  kind: string | null;
  /** The store its entries live in on this instance (`memory`, `redis`, `redis:remote`...), or null before its kind's handler ran. */
  store: string | null;
  /** False for a viewlet that is never cached, or not loaded in this bundle: nothing to invalidate from here. */
  cached: boolean;
}

export interface StoreRow {
  name: string;
  hit: number;
  stale: number;
  miss: number;
  error: number;
  timeout: number;
  hitRatio: number | null;
  breaker: string | null;
  pendingInvalidations: number;
}

export interface DashboardData {
  /** When the counters were read (ISO 8601). */
  generatedAt: string;
  /** The process that answered; counters start again from zero when it changes. */
  instanceId: string;
  startedAt: string;
  metricsEnabled: boolean;
  windowSeconds: number;
  viewlets: ViewletRow[];
  stores: StoreRow[];
}

export async function readDashboardData(): Promise<DashboardData> {
  const snapshot = await metricsSnapshot();
  return {
    generatedAt: snapshot.generatedAt,
    instanceId: snapshot.instance.id,
    startedAt: snapshot.instance.startedAt,
    metricsEnabled: snapshot.metricsEnabled,
    windowSeconds: snapshot.windowSeconds,
    viewlets: Object.entries(snapshot.viewlets).map(([name, v]) => ({
      name,
      hit: v.hit,
      stale: v.stale,
      miss: v.miss,
      joined: v.joined,
      uncached: v.uncached,
      render: v.render,
      error: v.error,
      rendering: v.rendering,
      hitRatio: v.hitRatio,
      p50: v.renderSeconds.p50,
      p95: v.renderSeconds.p95,
      policy: policyInWords(v.policy),
      kind: v.policy?.store ?? null,
      // A kind whose handler has not run here, or that shares the default kind's handler, is on default's store.
      store: v.policy ? (snapshot.kinds[v.policy.store] ?? snapshot.kinds.default ?? null) : null,
      cached: v.policy !== undefined && v.policy.life.kind !== 'none',
    })),
    stores: Object.entries(snapshot.stores).map(([name, s]) => ({
      name,
      hit: s.hit,
      stale: s.stale,
      miss: s.miss,
      error: s.error,
      timeout: s.timeout,
      hitRatio: s.hitRatio,
      breaker: s.breaker,
      pendingInvalidations: s.pendingInvalidations,
    })),
  };
}
