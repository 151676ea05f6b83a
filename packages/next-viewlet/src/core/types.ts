/**
 * The types a viewlet definition is made of, shared by `define.ts` (which
 * creates definitions) and `registry.ts` (which keeps them), so neither imports the other.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ViewletCache, ViewletStoreOption } from './cache-kind.ts';
import type { CanonicalValue } from './canonical-args.ts';
import type { Life, ResolvedLife } from './life.ts';
import type { VaryStrategy, VaryValues } from './vary.ts';

/** What a render function receives first: the viewlet's name and the vary facts its strategy names. */
export interface ViewletContext extends VaryValues {
  readonly name: string;
}

/** The context of a data-mode viewlet's render: the cached data is in `data`. */
export interface DataContext<D> extends ViewletContext {
  readonly data: D;
}

export type Awaitable<T> = T | Promise<T>;

export interface ViewletOptions<A extends unknown[]> {
  /** Unique name; part of every key and tag. Letters, digits, `-`, `_`, `.`, `/`; at most 100 chars. */
  name: string;
  /** What splits the viewlet into separate entries. @default 'sitewide' */
  vary?: VaryStrategy;
  /** Extra tags, static or computed from the args. Two automatic tags are always added. @default none */
  tags?: readonly string[] | ((...args: A) => readonly string[]);
  /** How long an entry lives. @default Next's `'default'` profile (fresh 15 min, never expires) */
  life?: Life;
  /**
   * Schema of the args tuple (any Standard Schema, e.g. `z.tuple([...])`). It validates args
   * before rendering and may apply defaults, so `f('a')` and `f('a', 1)` can share one entry.
   * @default none: args are only canonicalised
   */
  args?: StandardSchemaV1<unknown[], A>;
  /**
   * Allow loading this viewlet from the browser through `<ViewletIsland>` (a Server Action).
   * Requires an `args` schema: the browser's args are untrusted.
   * @default false
   */
  island?: boolean;
  /**
   * The most variants (vary facts × args) of this viewlet one process caches at
   * a time; a new variant past it renders without caching (no entry). Bounds
   * what visitors can make with paths, sessions and args.
   * @default configureViewlets({ maxVariantsPerInstance }) ?? 10000
   */
  maxVariantsPerInstance?: number;
  /**
   * Which cache kind (and so which store) its entries go to: `'default'`
   * (`'use cache'`), `'remote'` (`'use cache: remote'`; its own store with
   * `VIEWLET_REMOTE_STORE_URL`), or a custom kind declared with
   * `defineViewletCache()` (pass what it returned, or its name). Tags are judged
   * by one shared tier whatever the kind. See docs/stores-and-deployment.md.
   * @default 'default'
   */
  store?: ViewletStoreOption;
}

/** Options of a viewlet that caches its rendered output (the default mode). */
export interface OutputViewletOptions<A extends unknown[]> extends ViewletOptions<A> {
  /** No loader: the render's output is cached. */
  load?: undefined;
}

/** Options of a data-mode viewlet: `load`'s result is cached, the render runs on every request. */
export interface DataViewletOptions<A extends unknown[], D> extends ViewletOptions<A> {
  /** The data loader. Data mode: only what `load` returns is cached; the render function runs on every request. */
  load: (ctx: ViewletContext, ...args: A) => Awaitable<D>;
}

export interface ViewletDefinition<A extends unknown[] = unknown[], D = unknown> {
  readonly kind: 'viewlet';
  readonly name: string;
  readonly vary: VaryStrategy;
  readonly life: ResolvedLife;
  readonly mode: 'output' | 'data';
  readonly island: boolean;
  /** Its own variant bound, or `undefined` for the process default. */
  readonly maxVariantsPerInstance: number | undefined;
  /** Its cache kind: `'default'`, `'remote'` or a custom kind's name. */
  readonly store: string;
  /** The declaration of its custom kind, when it was given as the object. */
  readonly cache: ViewletCache | undefined;
  readonly load: ((ctx: ViewletContext, ...args: A) => Awaitable<D>) | undefined;
  readonly render: (ctx: ViewletContext & { data?: D }, ...args: A) => unknown;
  /** Identifies the definition's source and every option, to tell a re-evaluation from a name clash. */
  readonly fingerprint: string;
  /** Validates (schema), applies defaults and canonicalises args. Throws `E_INVALID_ARGS`. */
  normalizeArgs(args: readonly unknown[]): Promise<CanonicalValue[]>;
  /** Every tag of an entry: automatic ones first, then the viewlet's own. */
  tagsFor(args: readonly CanonicalValue[]): string[];
}

// biome-ignore lint/suspicious/noExplicitAny: A and D are invariant (they appear in parameters and results); this type accepts every definition.
export type AnyViewlet = ViewletDefinition<any, any>;

/**
 * A definition whose args are `A`, whatever its data type: what `<Viewlet>`,
 * `<ViewletIsland>` and the invalidation functions accept, so `args` is checked
 * against the definition.
 */
// biome-ignore lint/suspicious/noExplicitAny: D (the data type) is invariant; any definition with args A is accepted.
export type ViewletOf<A extends unknown[]> = ViewletDefinition<A, any>;
