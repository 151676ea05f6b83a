/**
 * Cache lifetimes: how long a viewlet's entry is fresh (`revalidate`), how long
 * a stale copy may still be served while it is re-rendered (`expire`), and how
 * long a browser may reuse it (`stale`). All normalised to whole seconds.
 */
import { ViewletError } from './errors.ts';

/** Next's "never": what `cacheLife` hands to cache handlers for an unbounded expiry. */
export const NEVER = 0xfffffffe;

/** A number of seconds, or a string such as `'30s'`, `'5m'`, `'2h'`, `'1d'`, `'1w'`. */
export type Duration = number | `${number}${'s' | 'm' | 'h' | 'd' | 'w'}`;

export interface LifeObject {
  /** Seconds a browser may reuse the output without asking the server. @default the value of Next's `'default'` cache-life profile */
  stale?: Duration;
  /** Seconds the entry is fresh; after that it is served stale and re-rendered in the background. @default the value of Next's `'default'` profile (900 s) */
  revalidate?: Duration;
  /** Seconds after which even a stale copy is dropped and a visitor waits for a render. At least `revalidate`. @default 'never' */
  expire?: Duration | 'never';
}

/**
 * - a duration (`300`, `'5m'`): fresh for that long, then served stale while re-rendered
 * - `{ stale, revalidate, expire }`
 * - a Next cache-life profile name (`'minutes'`, `'hours'`, or one from next.config `cacheLife`)
 * - `'forever'`: never revalidated by time, only by invalidation
 * - `0`: never cached; rendered on every request
 */
export type Life = Duration | LifeObject | 'forever' | (string & {});

export type ResolvedLife =
  | { kind: 'none' }
  | { kind: 'profile'; profile: string }
  | { kind: 'explicit'; stale?: number; revalidate?: number; expire?: number };

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const DURATION_RE = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/;
const PROFILE_RE = /^[a-zA-Z][\w-]*$/;

/** Parses a duration into whole seconds, or throws `E_INVALID_LIFE`. */
export function parseDuration(value: Duration, field = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new ViewletError('E_INVALID_LIFE', `${field} must be a finite number of seconds >= 0, got ${value}.`);
    }
    return Math.floor(value);
  }
  const match = typeof value === 'string' ? DURATION_RE.exec(value.trim()) : null;
  if (!match) {
    throw new ViewletError(
      'E_INVALID_LIFE',
      `${field} ${JSON.stringify(value)} is not a duration; use seconds (300) or a string like '30s', '5m', '2h', '1d', '1w'.`,
    );
  }
  return Math.floor(Number(match[1]) * UNITS[match[2]!]!);
}

/** Turns a `life` option into what `cacheLife` needs. Throws `E_INVALID_LIFE` on nonsense. */
export function resolveLife(life: Life | undefined): ResolvedLife {
  if (life === undefined) return { kind: 'profile', profile: 'default' };
  if (life === 0 || life === '0' || life === '0s') return { kind: 'none' };
  if (life === 'forever') return { kind: 'explicit', revalidate: NEVER, expire: NEVER };
  if (typeof life === 'number' || (typeof life === 'string' && DURATION_RE.test(life))) {
    const revalidate = parseDuration(life as Duration, 'life');
    // '0m' or 0.5 are 0 seconds, i.e. the documented 0: never cached.
    return revalidate === 0 ? { kind: 'none' } : { kind: 'explicit', revalidate };
  }
  if (typeof life === 'string') {
    if (!PROFILE_RE.test(life)) {
      throw new ViewletError(
        'E_INVALID_LIFE',
        `life ${JSON.stringify(life)} is neither a duration ('5m') nor a cache-life profile name ('hours').`,
      );
    }
    return { kind: 'profile', profile: life };
  }
  if (life === null || typeof life !== 'object' || Array.isArray(life)) {
    throw new ViewletError('E_INVALID_LIFE', `life must be a duration, a profile name, 'forever', 0 or { revalidate, expire }.`);
  }
  const unknown = Object.keys(life).filter((k) => k !== 'stale' && k !== 'revalidate' && k !== 'expire');
  if (unknown.length > 0) {
    throw new ViewletError('E_INVALID_LIFE', `life has unknown field(s) ${unknown.join(', ')}; allowed: stale, revalidate, expire.`);
  }
  const out: { kind: 'explicit'; stale?: number; revalidate?: number; expire?: number } = { kind: 'explicit' };
  if (life.stale !== undefined) out.stale = parseDuration(life.stale, 'life.stale');
  if (life.revalidate !== undefined) out.revalidate = parseDuration(life.revalidate, 'life.revalidate');
  if (life.expire !== undefined) out.expire = life.expire === 'never' ? NEVER : parseDuration(life.expire, 'life.expire');
  if (out.revalidate !== undefined && out.expire !== undefined && out.expire < out.revalidate) {
    throw new ViewletError(
      'E_INVALID_LIFE',
      `life.expire (${out.expire}s) is shorter than life.revalidate (${out.revalidate}s); expire must be >= revalidate.`,
    );
  }
  if (out.revalidate === 0 && out.expire === 0) return { kind: 'none' };
  return out;
}
