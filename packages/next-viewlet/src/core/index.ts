export { ViewletError, isViewletError, type ViewletErrorCode } from './errors.ts';
export { parseDuration, resolveLife, NEVER, type Duration, type Life, type LifeObject, type ResolvedLife } from './life.ts';
export { canonicalArgs, argsKey, shortHash, type CanonicalValue } from './canonical-args.ts';
export { assertValidTag, viewletTag, viewletArgsTag, collectTags, MAX_TAGS, MAX_TAG_LENGTH } from './tags.ts';
export {
  normalizePath,
  NOT_FOUND_PATH,
  MAX_PATH_LENGTH,
  MAX_PATH_SEGMENTS,
  type PathOptions,
  VIEWLET_PATH_HEADER,
  VIEWLET_PATH_PROOF_HEADER,
  varyNeeds,
  type BuiltinVary,
  type CustomVary,
  type CustomVaryInput,
  type VaryStrategy,
  type VaryValues,
} from './vary.ts';
export {
  configureViewlets,
  getSettings,
  cachingEnabled,
  resetSettings,
  type ViewletSettings,
  type IdentityOptions,
  type IdentityFn,
  type RequestSnapshot,
} from './settings.ts';
export type { CookieIdentity, UnsignedCookieIdentity } from './cookie-identity.ts';
export {
  issueSignedCookie,
  signCookieValue,
  verifySignedCookie,
  MIN_COOKIE_SECRET_LENGTH,
  type SignedCookieOptions,
  type IssueSignedCookieOptions,
  type IssuedCookie,
  type VerifiedCookie,
} from './signed-cookie.ts';
export { DEFAULT_MAX_VARIANTS, MAX_NEW_VARIANTS_PER_REQUEST } from './variant-budget.ts';
export {
  viewlet,
  type ViewletDefinition,
  type ViewletOptions,
  type OutputViewletOptions,
  type DataViewletOptions,
  type ViewletContext,
  type DataContext,
  type AnyViewlet,
} from './define.ts';
export { getViewlet, findViewlet, listViewlets, clearRegistry } from './registry.ts';
export { varyFromRequest, MAX_IDENTITY_LENGTH, type VariantOverride } from './vary-from-request.ts';
