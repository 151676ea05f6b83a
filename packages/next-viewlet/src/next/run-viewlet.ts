import type { CanonicalValue } from '../core/canonical-args.ts';
import { contextFor } from '../core/context.ts';
import type { AnyViewlet } from '../core/define.ts';
import type { VaryValues } from '../core/vary.ts';

/** Runs what a viewlet caches: its render output, or in data mode its `load`. */
export function runViewlet(definition: AnyViewlet, vary: VaryValues, args: readonly CanonicalValue[]): unknown {
  const ctx = contextFor(definition.name, vary);
  return definition.mode === 'data' ? definition.load!(ctx, ...args) : definition.render(ctx, ...args);
}
