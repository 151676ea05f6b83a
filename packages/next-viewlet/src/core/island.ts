/**
 * Checks a browser's request for an island: the name must be a viewlet marked
 * `island: true`, and the args must pass its schema. Anything else is refused
 * before any render, with one message for unknown and non-island names.
 */
import type { CanonicalValue } from './canonical-args.ts';
import type { AnyViewlet } from './types.ts';
import { ViewletError } from './errors.ts';
import { findViewlet } from './registry.ts';

/** Bytes of JSON args an island request may carry. */
export const MAX_ISLAND_ARGS_BYTES = 8 * 1024;

export async function resolveIsland(name: unknown, args: unknown): Promise<{ definition: AnyViewlet; args: CanonicalValue[] }> {
  const definition = typeof name === 'string' && name.length <= 100 ? findViewlet(name) : undefined;
  if (!definition?.island) {
    throw new ViewletError('E_NOT_ISLAND', `no viewlet named ${JSON.stringify(String(name).slice(0, 100))} may be loaded as an island.`);
  }
  if (!Array.isArray(args)) {
    throw new ViewletError('E_INVALID_ARGS', `island "${definition.name}" args must be an array.`);
  }
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(args));
  } catch {
    throw new ViewletError('E_INVALID_ARGS', `island "${definition.name}" args must be JSON data.`);
  }
  if (size > MAX_ISLAND_ARGS_BYTES) {
    throw new ViewletError(
      'E_INVALID_ARGS',
      `island "${definition.name}" args are ${size} bytes; at most ${MAX_ISLAND_ARGS_BYTES} are accepted.`,
    );
  }
  return { definition, args: await definition.normalizeArgs(args) };
}
