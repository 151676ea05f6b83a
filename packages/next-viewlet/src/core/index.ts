/**
 * `next-viewlet/core`: the parts that know nothing of React or Next: defining
 * and looking up viewlets, settings, lifetimes, args and tags as the library
 * computes them (e.g. to name a tag from a job), and the errors.
 */

// Defining and looking up viewlets
export { viewlet } from './define.ts';
export type {
  AnyViewlet,
  DataContext,
  DataViewletOptions,
  OutputViewletOptions,
  ViewletContext,
  ViewletDefinition,
  ViewletOf,
  ViewletOptions,
} from './types.ts';
export { findViewlet, getViewlet, listViewlets } from './registry.ts';
export { defineViewletCache, type ViewletCache, type ViewletCacheFunction, type ViewletStoreOption } from './cache-kind.ts';

// Settings
export {
  cachingEnabled,
  configureViewlets,
  type IdentityFn,
  type IdentityOptions,
  type RequestSnapshot,
  type ViewletSettings,
} from './settings.ts';

// Identity: signed cookies
export type { CookieIdentity, UnsignedCookieIdentity } from './cookie-identity.ts';
export {
  issueSignedCookie,
  signCookieValue,
  verifySignedCookie,
  type IssuedCookie,
  type IssueSignedCookieOptions,
  type SignedCookieOptions,
  type VerifiedCookie,
} from './signed-cookie.ts';

// Lifetimes
export { NEVER, parseDuration, type Duration, type Life, type LifeObject, type ResolvedLife } from './life.ts';

// Vary
export {
  MAX_PATH_LENGTH,
  MAX_PATH_SEGMENTS,
  normalizePath,
  NOT_FOUND_PATH,
  VIEWLET_PATH_HEADER,
  VIEWLET_PATH_PROOF_HEADER,
  type PathOptions,
  type BuiltinVary,
  type CustomVary,
  type CustomVaryInput,
  type VaryStrategy,
  type VaryValues,
} from './vary.ts';
export type { VariantOverride } from './vary-from-request.ts';

// Args and tags, as the library computes them
export { canonicalArgs, type CanonicalValue } from './canonical-args.ts';
export { assertValidTag, MAX_TAG_LENGTH, MAX_TAGS, viewletArgsTag, viewletTag } from './tags.ts';

// Errors
export { describeError, isViewletError, ViewletError, type ViewletErrorCode } from './errors.ts';
