/**
 * `viewlet()`: a named render function plus its caching policy.
 */
import { resolveStoreOption } from './cache-kind.ts';
import { canonicalArgs, type CanonicalValue } from './canonical-args.ts';
import { ViewletError } from './errors.ts';
import { resolveLife, type ResolvedLife } from './life.ts';
import { register } from './registry.ts';
import { collectTags, viewletArgsTag, viewletTag } from './tags.ts';
import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
import type { AnyViewlet, DataContext, DataViewletOptions, OutputViewletOptions, ViewletContext, ViewletDefinition } from './types.ts';
import { assertVary } from './vary.ts';

const NAME_RE = /^[A-Za-z0-9][\w./-]{0,99}$/;

/** A function's source, or a value's JSON: what tells two definitions apart. */
function sourceOf(value: unknown): string {
  if (typeof value === 'function') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * What a schema accepts, as far as it can say: its JSON Schema (Standard JSON
 * Schema, which zod 4, valibot and arktype implement), else its vendor.
 * Structural, not the object's identity: a module evaluated twice makes equal
 * schemas that are different objects.
 */
function schemaFingerprint(schema: StandardSchemaV1 | undefined): string {
  if (schema === undefined) return '';
  const props = schema['~standard'] as StandardSchemaV1.Props & Partial<StandardJSONSchemaV1.Props>;
  try {
    const converter = props.jsonSchema;
    if (converter) {
      const target = 'draft-2020-12';
      return `${props.vendor}:${JSON.stringify(converter.input({ target }))}:${JSON.stringify(converter.output({ target }))}`;
    }
  } catch {
    // Not representable as JSON Schema: fall back to what is known.
  }
  return `${props.vendor}:${String(props.validate)}`;
}

export function viewlet<A extends unknown[]>(
  options: OutputViewletOptions<A>,
  render: (ctx: ViewletContext, ...args: A) => unknown,
): ViewletDefinition<A, never>;
export function viewlet<A extends unknown[], D>(
  options: DataViewletOptions<A, D>,
  render: (ctx: DataContext<D>, ...args: A) => unknown,
): ViewletDefinition<A, D>;
export function viewlet<A extends unknown[], D>(
  options: OutputViewletOptions<A> | DataViewletOptions<A, D>,
  render: (ctx: DataContext<D>, ...args: A) => unknown,
): ViewletDefinition<A, D> {
  if (options === null || typeof options !== 'object') {
    throw new ViewletError('E_INVALID_DEFINITION', 'viewlet(options, render) takes an options object first.');
  }
  const { name } = options;
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw new ViewletError(
      'E_INVALID_DEFINITION',
      `viewlet name ${JSON.stringify(name)} is invalid; use 1-100 letters, digits, '-', '_', '.' or '/', starting with a letter or digit.`,
    );
  }
  if (typeof render !== 'function') {
    throw new ViewletError('E_INVALID_DEFINITION', `viewlet "${name}" needs a render function as its second argument.`);
  }
  if (options.load !== undefined && typeof options.load !== 'function') {
    throw new ViewletError('E_INVALID_DEFINITION', `viewlet "${name}": load must be a function (ctx, ...args) => data.`);
  }
  const vary = options.vary ?? 'sitewide';
  assertVary(vary, name);
  let life: ResolvedLife;
  try {
    life = resolveLife(options.life);
  } catch (error) {
    throw new ViewletError('E_INVALID_LIFE', `viewlet "${name}": ${(error as Error).message}`, { cause: error });
  }
  const { tags, args: schema } = options;
  if (tags !== undefined && typeof tags !== 'function' && !Array.isArray(tags)) {
    throw new ViewletError('E_INVALID_DEFINITION', `viewlet "${name}": tags must be an array of strings or a function of the args.`);
  }
  if (Array.isArray(tags)) collectTags(name, [viewletTag(name), ...tags]);
  if (schema !== undefined && typeof schema?.['~standard']?.validate !== 'function') {
    throw new ViewletError('E_INVALID_DEFINITION', `viewlet "${name}": args must be a Standard Schema (zod, valibot, arktype...).`);
  }

  const { maxVariantsPerInstance } = options;
  if (maxVariantsPerInstance !== undefined && (!Number.isSafeInteger(maxVariantsPerInstance) || maxVariantsPerInstance < 1)) {
    throw new ViewletError(
      'E_INVALID_DEFINITION',
      `viewlet "${name}": maxVariantsPerInstance must be a positive whole number, got ${maxVariantsPerInstance}.`,
    );
  }

  if (options.island === true && schema === undefined) {
    throw new ViewletError(
      'E_INVALID_DEFINITION',
      `viewlet "${name}" is an island but has no args schema; islands take args from the browser, so declare args (e.g. z.tuple([])).`,
    );
  }

  const { store, cache } = resolveStoreOption(options.store, name);

  const definition: ViewletDefinition<A, D> = {
    kind: 'viewlet',
    name,
    vary,
    life,
    mode: options.load ? 'data' : 'output',
    island: options.island === true,
    maxVariantsPerInstance,
    store,
    cache,
    load: options.load,
    render: render as ViewletDefinition<A, D>['render'],
    // Every option, so the same name and render with other options is a clash, not a re-evaluation.
    fingerprint: [
      sourceOf(render),
      sourceOf(options.load ?? ''),
      JSON.stringify(life),
      sourceOf(vary),
      sourceOf(tags ?? null),
      options.load ? 'data' : 'output',
      String(options.island === true),
      String(maxVariantsPerInstance ?? ''),
      store,
      schemaFingerprint(schema as StandardSchemaV1 | undefined),
    ].join('\u0000'),
    async normalizeArgs(args) {
      if (!Array.isArray(args)) {
        throw new ViewletError('E_INVALID_ARGS', `viewlet "${name}" args must be an array, got ${typeof args}.`);
      }
      let value: readonly unknown[] = args;
      if (schema) {
        let result: StandardSchemaV1.Result<A>;
        try {
          result = await schema['~standard'].validate(args);
        } catch (error) {
          // A schema that throws (a refine that assumes its input) is a refusal, not a crash.
          throw new ViewletError('E_INVALID_ARGS', `viewlet "${name}" got args its schema could not check.`, { cause: error });
        }
        if (result === null || typeof result !== 'object') {
          throw new ViewletError('E_INVALID_ARGS', `viewlet "${name}": its args schema returned no result.`);
        }
        if (result.issues) {
          const detail = result.issues
            .slice(0, 5)
            .map(
              (issue) =>
                `${issue.path?.map((p) => String(typeof p === 'object' ? p?.key : p)).join('.') || '(args)'}: ${String(issue.message)}`,
            )
            .join('; ');
          throw new ViewletError('E_INVALID_ARGS', `viewlet "${name}" got invalid args: ${detail}.`);
        }
        value = result.value;
      }
      try {
        return canonicalArgs(value);
      } catch (error) {
        throw new ViewletError('E_INVALID_ARGS', `viewlet "${name}": ${(error as Error).message}`, { cause: error });
      }
    },
    tagsFor(args) {
      const own = typeof tags === 'function' ? tags(...(args as unknown as A)) : (tags ?? []);
      if (!Array.isArray(own)) {
        throw new ViewletError('E_INVALID_TAG', `viewlet "${name}": the tags function must return an array of strings.`);
      }
      return collectTags(name, [viewletTag(name), viewletArgsTag(name, args), ...own]);
    },
  };
  register(definition);
  return definition;
}

/**
 * The canonical args of a call without args (`<Viewlet of={definition} />`),
 * schema defaults applied, when the render (or `load`) declares no args; else
 * `undefined`. Refreshing with `[]` instead would fill an entry no page reads
 * whenever the schema turns `[]` into something else.
 */
export async function argsWhenNoneGiven(definition: AnyViewlet): Promise<CanonicalValue[] | undefined> {
  const fn = definition.mode === 'data' ? definition.load : definition.render;
  if (typeof fn !== 'function' || fn.length > 1) return undefined;
  try {
    return await definition.normalizeArgs([]);
  } catch {
    return undefined;
  }
}
