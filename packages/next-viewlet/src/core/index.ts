export { ViewletError, isViewletError, describeError, type ViewletErrorCode } from './errors.ts';
export { parseDuration, resolveLife, NEVER, type Duration, type Life, type LifeObject, type ResolvedLife } from './life.ts';
export { canonicalArgs, argsKey, shortHash, type CanonicalValue } from './canonical-args.ts';
export { assertValidTag, viewletTag, viewletArgsTag, collectTags, MAX_TAGS, MAX_TAG_LENGTH } from './tags.ts';
export {
  normalizePath,
  VIEWLET_PATH_HEADER,
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
export { varyFromRequest, type VariantOverride } from './vary-from-request.ts';
