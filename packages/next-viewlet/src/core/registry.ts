/**
 * Viewlets by name, so invalidation, refresh, islands and webhooks can name
 * one. One registry per copy of this module: Next evaluates modules once per
 * layer (pages, route handlers), and each layer's viewlets and their callers
 * live in the same layer, so they always meet in the same registry.
 */
import { ViewletError } from './errors.ts';
import type { AnyViewlet } from './types.ts';

const map = new Map<string, AnyViewlet>();

/**
 * Registers a definition. A second viewlet with the same name is
 * `E_DUPLICATE_NAME`, except under `next dev`, where hot reload re-evaluates
 * the defining module and the new definition replaces the old one.
 */
export function register(definition: AnyViewlet): void {
  const existing = map.get(definition.name);
  const hotReload = process.env.NODE_ENV === 'development';
  if (existing && existing !== definition && existing.fingerprint !== definition.fingerprint && !hotReload) {
    throw new ViewletError(
      'E_DUPLICATE_NAME',
      `two different viewlets are named "${definition.name}"; viewlet names must be unique across the app.`,
    );
  }
  map.set(definition.name, definition);
}

/** Looks a viewlet up by name; throws `E_UNKNOWN_VIEWLET` with a hint when it is not loaded. */
export function getViewlet(name: string): AnyViewlet {
  const found = map.get(name);
  if (!found) {
    throw new ViewletError(
      'E_UNKNOWN_VIEWLET',
      `no viewlet named "${name}" is loaded; import the module that defines it in the page or route that uses it.`,
    );
  }
  return found;
}

export function findViewlet(name: string): AnyViewlet | undefined {
  return map.get(name);
}

export function listViewlets(): AnyViewlet[] {
  return [...map.values()];
}

/** Test helper: forget every registration. */
export function clearRegistry(): void {
  map.clear();
}
