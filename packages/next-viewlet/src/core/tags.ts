/**
 * Tag rules. Next accepts at most 128 tags of at most 256 characters per
 * cache entry; tags starting with `_N_T_` are Next's own (path tags).
 */
import { argsKey, shortHash, type CanonicalValue } from './canonical-args.ts';
import { ViewletError } from './errors.ts';

export const MAX_TAGS = 128;
export const MAX_TAG_LENGTH = 256;
/** Above this, the args part of an automatic tag is hashed. */
const READABLE_ARGS_LENGTH = 96;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Throws `E_INVALID_TAG` unless `tag` is a usable cache tag. */
export function assertValidTag(tag: unknown, where = 'tag'): asserts tag is string {
  if (typeof tag !== 'string' || tag.length === 0) {
    throw new ViewletError('E_INVALID_TAG', `${where} must be a non-empty string, got ${JSON.stringify(tag)}.`);
  }
  if (tag.length > MAX_TAG_LENGTH) {
    throw new ViewletError('E_INVALID_TAG', `${where} is ${tag.length} characters; Next allows at most ${MAX_TAG_LENGTH}.`);
  }
  if (CONTROL_CHARS.test(tag)) {
    throw new ViewletError('E_INVALID_TAG', `${where} ${JSON.stringify(tag)} contains control characters.`);
  }
  if (tag.startsWith('_N_T_')) {
    throw new ViewletError(
      'E_INVALID_TAG',
      `${where} ${JSON.stringify(tag)} uses Next's reserved prefix _N_T_ (use revalidatePath for paths).`,
    );
  }
}

/** The tag every entry of a viewlet carries. */
export function viewletTag(name: string): string {
  return `viewlet:${name}`;
}

/**
 * The tag of one viewlet + args combination. Short args stay readable
 * (`viewlet:teaser:["3"]`); longer ones are hashed (`viewlet:teaser#<hash>`).
 */
export function viewletArgsTag(name: string, args: readonly CanonicalValue[]): string {
  const key = argsKey(args);
  return key.length <= READABLE_ARGS_LENGTH && !CONTROL_CHARS.test(key) ? `viewlet:${name}:${key}` : `viewlet:${name}#${shortHash(key)}`;
}

/** Validates and de-duplicates a full tag list, throwing `E_TOO_MANY_TAGS` past Next's limit. */
export function collectTags(viewletName: string, tags: readonly string[]): string[] {
  const unique = [...new Set(tags)];
  for (const [i, tag] of unique.entries()) assertValidTag(tag, `viewlet "${viewletName}" tag #${i}`);
  if (unique.length > MAX_TAGS) {
    throw new ViewletError(
      'E_TOO_MANY_TAGS',
      `viewlet "${viewletName}" has ${unique.length} tags; Next allows ${MAX_TAGS} per entry (2 are automatic).`,
    );
  }
  return unique;
}
