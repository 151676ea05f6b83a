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
