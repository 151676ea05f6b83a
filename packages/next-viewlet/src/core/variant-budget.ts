/**
 * Bounds the entries visitors can make. Every distinct (vary facts, args) of
 * a viewlet is a variant with an entry of its own; this process caches at most
 * `maxVariantsPerInstance` of them per viewlet at a time (a variant unused for
 * an hour is forgotten and frees its place), and one request admits at most
 * {@link MAX_NEW_VARIANTS_PER_REQUEST} new ones. A variant past either bound
 * is rendered without caching: the visitor gets the right output and the
 * store gets no entry. This sits where `<Viewlet>` resolves the variant, in
 * front of the cache, which stays unaware of viewlets.
 */
import { LRUCache } from 'lru-cache';
import { argsKey, shortHash, type CanonicalValue } from './canonical-args.ts';
import { warnOnce } from '../util/log.ts';
import type { VaryValues } from './vary.ts';

/** Default of `maxVariantsPerInstance`. */
export const DEFAULT_MAX_VARIANTS = 10_000;
/** New variants one request may admit (a page of 100 viewlets of new variants fills in one visit). */
export const MAX_NEW_VARIANTS_PER_REQUEST = 100;
/** A variant not used for this long no longer counts against the bound. */
export const VARIANT_IDLE_MS = 60 * 60 * 1000;
/** Most often the full sets are swept for idle variants. */
const SWEEP_INTERVAL_MS = 1_000;

/** What one request has admitted so far (one object per request). */
export interface RequestAdmissions {
  admitted: number;
}

export type Admission = 'cached' | 'over-instance' | 'over-request';

export interface VariantBudget {
  /** Whether the variant may be cached: known, or new and within both bounds (then it becomes known). */
  admit(name: string, vary: VaryValues, args: readonly CanonicalValue[], max: number, request: RequestAdmissions): Admission;
}

export interface VariantBudgetOptions {
  /** Clock in ms. @default performance.now */
  now?: () => number;
  /** Idle time after which a variant is forgotten, in ms. @default VARIANT_IDLE_MS */
  idleMs?: number;
}

export function createVariantBudget(options: VariantBudgetOptions = {}): VariantBudget {
  const idleMs = options.idleMs ?? VARIANT_IDLE_MS;
  const perf = options.now ? { now: options.now } : undefined;
  const sets = new Map<string, { known: LRUCache<string, true>; max: number; sweptAt: number }>();
  const clock = options.now ?? (() => performance.now());

  return {
    admit(name, vary, args, max, request) {
      let set = sets.get(name);
      if (!set || set.max !== max) {
        set = {
          known: new LRUCache<string, true>({ max, ttl: idleMs, ttlResolution: 0, updateAgeOnGet: true, ...(perf && { perf }) }),
          max,
          sweptAt: 0,
        };
        sets.set(name, set);
      }
      // Hashed: a variant's facts may be long (a 4 KB path or id); the set keeps 22 characters each.
      const key = shortHash(`${JSON.stringify(vary)}\u0000${argsKey(args)}`);
      if (set.known.get(key)) return 'cached';
      if (request.admitted >= MAX_NEW_VARIANTS_PER_REQUEST) return 'over-request';
      if (set.known.size >= max) {
        const now = clock();
        if (now - set.sweptAt >= SWEEP_INTERVAL_MS) {
          set.sweptAt = now;
          set.known.purgeStale();
        }
        if (set.known.size >= max) {
          warnOnce(
            `variant-cap:${name}`,
            `viewlet "${name}" has ${max} variants cached in this process (maxVariantsPerInstance); new variants render without caching until unused ones age out (1 h). Raise maxVariantsPerInstance if this is real traffic.`,
          );
          return 'over-instance';
        }
      }
      set.known.set(key, true);
      request.admitted += 1;
      return 'cached';
    },
  };
}

const KEY = Symbol.for('next-viewlet.variant-budget');
type Holder = { [KEY]?: VariantBudget };

/** The process-wide budget, shared by every copy of this module (pages, actions). */
export function processVariantBudget(): VariantBudget {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= createVariantBudget());
}
