/**
 * The revalidation payload: what to invalidate, checked completely before
 * anything happens. Viewlets are named and resolved through the registry, so
 * the route file must import the modules that define them.
 */
import { z } from 'zod';
import { isViewletError, ViewletError } from '../core/errors.ts';
import { findViewlet } from '../core/registry.ts';
import { assertValidTag, viewletArgsTag, viewletTag } from '../core/tags.ts';

/** Most tags (given and resolved from viewlets together) one message may invalidate. */
export const MAX_TARGETS = 64;
const MAX_ARGS = 32;
const MAX_ARGS_DEPTH = 16;
/** Control, format (zero-width, bidi), surrogate and line/paragraph separator characters. */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/**
 * `'revalidate'`: stale now, re-rendered in the background on the next request
 * (Next's `revalidateTag(tag, 'max')`). `'expire'`: expired now; the next request renders.
 */
export type RevalidationMode = 'revalidate' | 'expire';

/** The spellings before 0.2, refused with a message that names the new one. */
const RENAMED_MODES: Record<string, RevalidationMode> = { soft: 'revalidate', hard: 'expire' };

export interface ViewletTarget {
  /** A registered viewlet's name (the route file must import its definition). */
  name: string;
  /** Its args: only the entries for these args are invalidated. @default every entry of the viewlet */
  args?: unknown[];
}

/** The JSON body of a revalidation message. At least one of `tags` and `viewlets`. */
export interface RevalidationPayload {
  /** Tags to invalidate (1 to 64). */
  tags?: string[];
  /** Viewlets to invalidate, by name (1 to 64). */
  viewlets?: ViewletTarget[];
  /** `'revalidate'`: stale now, re-rendered in the background. `'expire'`: expired now. @default 'revalidate' */
  mode?: RevalidationMode;
}

export interface ResolvedRevalidation {
  /** Unique tags, in the order given (tags first, then viewlets). */
  tags: string[];
  /** How to invalidate them. */
  mode: RevalidationMode;
}

/** What is wrong with `tag`, as a phrase starting with "tag …" and without a final period; `undefined` when it is fine. */
function tagProblem(tag: string): string | undefined {
  const quoted = `tag ${JSON.stringify(tag.slice(0, 80))}`;
  if (NOT_PRINTABLE.test(tag)) return `${quoted} contains control or invisible characters`;
  if (tag.trim() !== tag) return `${quoted} has leading or trailing whitespace`;
  try {
    assertValidTag(tag);
  } catch (error) {
    if (isViewletError(error)) return error.message.replace(/\.$/, '');
    throw error;
  }
  return undefined;
}

function depth(value: unknown, limit: number): number {
  if (value === null || typeof value !== 'object') return 0;
  if (limit <= 0) return 1;
  let deepest = 0;
  for (const item of Object.values(value)) deepest = Math.max(deepest, depth(item, limit - 1));
  return deepest + 1;
}

const tagSchema = z.string().superRefine((tag, ctx) => {
  const problem = tagProblem(tag);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const payloadSchema = z
  .strictObject({
    tags: z.array(tagSchema).min(1).max(MAX_TARGETS).optional(),
    viewlets: z
      .array(
        z.strictObject({
          name: z.string().min(1).max(100),
          args: z
            .array(z.unknown())
            .max(MAX_ARGS)
            .refine((args) => depth(args, MAX_ARGS_DEPTH) <= MAX_ARGS_DEPTH, `args are nested deeper than ${MAX_ARGS_DEPTH} levels`)
            .optional(),
        }),
      )
      .min(1)
      .max(MAX_TARGETS)
      .optional(),
    mode: z.enum(['revalidate', 'expire']).optional(),
  })
  .refine((payload) => payload.tags !== undefined || payload.viewlets !== undefined, {
    message: 'give at least one target: "tags" and/or "viewlets"',
  });

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Parses and checks a verified body and resolves it to tags. Pure apart from
 * reading the registry and running the viewlets' args schemas. Throws
 * `E_WEBHOOK_PAYLOAD`, `E_UNKNOWN_VIEWLET` or `E_INVALID_ARGS` (all 400).
 */
export async function resolvePayload(body: Uint8Array): Promise<ResolvedRevalidation> {
  let data: unknown;
  try {
    // fatal: invalid UTF-8 is an error, not U+FFFD; a leading BOM is dropped.
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new ViewletError('E_WEBHOOK_PAYLOAD', 'the body is not valid UTF-8 JSON.');
  }
  const renamed = (data as { mode?: unknown } | null)?.mode;
  if (typeof renamed === 'string' && Object.hasOwn(RENAMED_MODES, renamed)) {
    throw new ViewletError(
      'E_WEBHOOK_PAYLOAD',
      `"mode": "${renamed}" was renamed; send "mode": "${RENAMED_MODES[renamed]}" (or leave mode out for "revalidate").`,
    );
  }
  const parsed = payloadSchema.safeParse(data);
  if (!parsed.success) {
    throw new ViewletError(
      'E_WEBHOOK_PAYLOAD',
      `invalid payload: ${describe(parsed.error)}. Expected {"tags"?: string[], "viewlets"?: [{"name": string, "args"?: unknown[]}], "mode"?: "revalidate" | "expire"}.`,
    );
  }
  const { tags = [], viewlets = [], mode = 'revalidate' } = parsed.data;
  const resolved = [...tags];
  for (const [i, target] of viewlets.entries()) {
    const definition = findViewlet(target.name);
    if (!definition) {
      throw new ViewletError(
        'E_UNKNOWN_VIEWLET',
        `viewlets.${i}: no viewlet named ${JSON.stringify(target.name)} is registered here; import the module that defines it in the webhook's route file.`,
      );
    }
    if (target.args === undefined) {
      resolved.push(viewletTag(definition.name));
      continue;
    }
    try {
      resolved.push(viewletArgsTag(definition.name, await definition.normalizeArgs(target.args)));
    } catch (error) {
      const detail = isViewletError(error) ? error.message : 'the args could not be checked.';
      throw new ViewletError('E_INVALID_ARGS', `viewlets.${i}: ${detail}`, { cause: error });
    }
  }
  const unique = [...new Set(resolved)];
  if (unique.length > MAX_TARGETS) {
    throw new ViewletError('E_WEBHOOK_PAYLOAD', `the payload names ${unique.length} tags; at most ${MAX_TARGETS} per message.`);
  }
  return { tags: unique, mode };
}
