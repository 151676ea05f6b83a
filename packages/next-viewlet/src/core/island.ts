/**
 * Checks a browser's request for an island: the name must be a viewlet marked
 * `island: true`, and the args must pass its schema. Anything else is refused
 * before any render, with one message for unknown and non-island names. The
 * types are checked first, so no input can turn into a `TypeError`.
 */
import type { CanonicalValue } from './canonical-args.ts';
import type { AnyViewlet } from './types.ts';
import { isViewletError, ViewletError, type ViewletErrorCode } from './errors.ts';
import { findViewlet } from './registry.ts';
import { processRefusalLog, type RefusalLog } from './refusal-log.ts';

/** Bytes of JSON args an island request may carry. */
export const MAX_ISLAND_ARGS_BYTES = 8 * 1024;
/** Default of `maxRefusalsPerMinute`: refused island calls per client and minute. */
export const DEFAULT_MAX_REFUSALS_PER_MINUTE = 30;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}

export async function resolveIsland(name: unknown, args: unknown): Promise<{ definition: AnyViewlet; args: CanonicalValue[] }> {
  if (typeof name !== 'string') {
    throw new ViewletError('E_INVALID_ARGS', `an island is named by a string, got ${typeName(name)}.`);
  }
  const definition = name.length <= 100 ? findViewlet(name) : undefined;
  if (!definition?.island) {
    throw new ViewletError('E_NOT_ISLAND', `no viewlet named ${JSON.stringify(name.slice(0, 100))} may be loaded as an island.`);
  }
  if (!Array.isArray(args)) {
    throw new ViewletError('E_INVALID_ARGS', `island "${definition.name}" args must be an array, got ${typeName(args)}.`);
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

export type IslandAdmission =
  | { ok: true; definition: AnyViewlet; args: CanonicalValue[] }
  | { ok: false; code: ViewletErrorCode; message: string };

export interface AdmitIslandOptions {
  /** Refusals `client` may make per minute. @default DEFAULT_MAX_REFUSALS_PER_MINUTE */
  maxRefusalsPerMinute?: number;
  /** @default the process-wide refusal log */
  refusals?: RefusalLog;
}

/**
 * {@link resolveIsland} for an untrusted client: a refusal is an answer (never
 * a throw), counted against the client's budget and logged at most once per
 * kind per minute. A client past its budget is refused before any checking.
 */
export async function admitIsland(
  name: unknown,
  args: unknown,
  client: string,
  options: AdmitIslandOptions = {},
): Promise<IslandAdmission> {
  const refusals = options.refusals ?? processRefusalLog();
  const limit = options.maxRefusalsPerMinute ?? DEFAULT_MAX_REFUSALS_PER_MINUTE;
  let refusal: ViewletError;
  if (!refusals.allowed(client, limit)) {
    refusal = new ViewletError('E_RATE_LIMITED', `too many refused island calls from this client; at most ${limit} a minute.`);
  } else {
    try {
      return { ok: true, ...(await resolveIsland(name, args)) };
    } catch (error) {
      refusal = isViewletError(error)
        ? error
        : new ViewletError('E_INVALID_ARGS', 'the island call could not be checked.', { cause: error });
    }
  }
  refusals.record(`refused island call (${refusal.code})`, client, refusal.message);
  return { ok: false, code: refusal.code, message: refusal.message };
}
