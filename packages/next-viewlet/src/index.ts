export * from './core/index.ts';
export { Viewlet, type ViewletProps } from './react/viewlet.tsx';
export {
  revalidateViewlet,
  expireViewlet,
  refreshViewlet,
  type InvalidationTarget,
  type InvalidationResult,
  type RefreshOptions,
} from './next/invalidate.ts';
export { ViewletIsland, type ViewletIslandProps } from './react/viewlet-island.tsx';
export { resolveIsland, MAX_ISLAND_ARGS_BYTES } from './core/island.ts';
