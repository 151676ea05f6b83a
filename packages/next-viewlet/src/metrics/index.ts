/**
 * `next-viewlet/stats`: this process's viewlet and store metrics, and the
 * Route Handler that serves them (JSON or Prometheus text, behind a token).
 */
export { createStatsHandler, MIN_STATS_TOKEN_LENGTH, type StatsHandlerOptions, type StatsErrorCode } from './stats-handler.ts';
export {
  metricsSnapshot,
  type ViewletStatsSnapshot,
  type ViewletStatsEntry,
  type StoreStatsEntry,
  type RenderSeconds,
  type ViewletPolicy,
} from './metrics-snapshot.ts';
export { prometheusText, PROMETHEUS_CONTENT_TYPE } from './prometheus-text.ts';
export { metricsEnabled, type ViewletCounters, type StoreCounters, type BreakerState, type CallOutcome } from './metrics-registry.ts';
