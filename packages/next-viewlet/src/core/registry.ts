/**
 * Viewlets by name, so invalidation, refresh, islands and webhooks can name
 * one. Kept on `globalThis` because Next may evaluate a module once per layer.
 */
import { ViewletError } from './errors.ts';
import type { AnyViewlet } from './define.ts';

const KEY = Symbol.for('next-viewlet.registry');
type Holder = { [KEY]?: Map<string, AnyViewlet> };

function registry(): Map<string, AnyViewlet> {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= new Map());
}

/**
 * Registers a definition. Re-evaluating the same source (a second module
 * instance, or hot reload) replaces it; a different viewlet with the same
 * name is `E_DUPLICATE_NAME`.
 */
export function register(definition: AnyViewlet): void {
  const map = registry();
  const existing = map.get(definition.name);
  if (existing && existing !== definition && existing.fingerprint !== definition.fingerprint) {
    throw new ViewletError(
      'E_DUPLICATE_NAME',
      `two different viewlets are named "${definition.name}"; viewlet names must be unique across the app.`,
    );
  }
  map.set(definition.name, definition);
}

/** Looks a viewlet up by name; throws `E_UNKNOWN_VIEWLET` with a hint when it is not loaded. */
export function getViewlet(name: string): AnyViewlet {
  const found = registry().get(name);
  if (!found) {
    throw new ViewletError(
      'E_UNKNOWN_VIEWLET',
      `no viewlet named "${name}" is loaded; import the module that defines it in the page or route that uses it.`,
    );
  }
  return found;
}

export function findViewlet(name: string): AnyViewlet | undefined {
  return registry().get(name);
}

export function listViewlets(): AnyViewlet[] {
  return [...registry().values()];
}

/** Test helper: forget every registration. */
export function clearRegistry(): void {
  registry().clear();
}
