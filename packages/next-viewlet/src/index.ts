/**
 * `next-viewlet`: what an app uses. Everything public is listed here by name;
 * the framework-free parts are also in `next-viewlet/core`, and the resets
 * for test suites are in `next-viewlet/testing`.
 */

// Defining viewlets
export { viewlet } from './core/define.ts';
export type {
  AnyViewlet,
  DataContext,
  DataViewletOptions,
  OutputViewletOptions,
  ViewletContext,
  ViewletDefinition,
  ViewletOf,
  ViewletOptions,
} from './core/types.ts';
// Cache kinds: a store per viewlet (`viewlet({ store })`); a custom kind is declared once
export { defineViewletCache, type ViewletCache, type ViewletCacheFunction, type ViewletStoreOption } from './core/cache-kind.ts';
export { runViewletCache } from './next/cached-viewlet.ts';
export type { Duration, Life, LifeObject, ResolvedLife } from './core/life.ts';
export type { BuiltinVary, CustomVary, CustomVaryInput, VaryStrategy, VaryValues } from './core/vary.ts';

// Rendering
export { Viewlet, type ViewletProps } from './react/viewlet.tsx';
export { ViewletIsland, type ViewletIslandProps, type IslandTrigger } from './react/viewlet-island.tsx';

// Invalidating: revalidate (stale now, re-rendered in the background), expire (expired now), refresh
export {
  expireViewlet,
  refreshViewlet,
  revalidateViewlet,
  type InvalidationResult,
  type InvalidationTarget,
  type RefreshOptions,
} from './next/invalidate.ts';
export type { VariantOverride } from './core/vary-from-request.ts';

// Settings
export {
  cachingEnabled,
  configureViewlets,
  type IdentityFn,
  type IdentityOptions,
  type RequestSnapshot,
  type ViewletSettings,
} from './core/settings.ts';

// Identity: signed cookies
export type { CookieIdentity, UnsignedCookieIdentity } from './core/cookie-identity.ts';
export {
  issueSignedCookie,
  signCookieValue,
  verifySignedCookie,
  type IssuedCookie,
  type IssueSignedCookieOptions,
  type SignedCookieOptions,
  type VerifiedCookie,
} from './core/signed-cookie.ts';

// Looking viewlets up by name
export { findViewlet, getViewlet, listViewlets } from './core/registry.ts';

// Errors
export { describeError, isViewletError, ViewletError, type ViewletErrorCode } from './core/errors.ts';
