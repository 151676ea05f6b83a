/**
 * What the webhook does by default with a verified message: record the
 * invalidation in the store through the cache handlers of this process (tag
 * records and journal, the path every instance reads), wait for the store's
 * acknowledgement, and only then hand it to Next's `revalidateTag`, so this
 * instance's own bookkeeping (its in-process tags manifest) is updated too.
 *
 * Next repeats the invalidation through the handlers' `updateTags` after the
 * response; that repeat is absorbed (`absorbRepeatMs`) rather than written a
 * second time. The durations are the ones Next passes for the same call
 * (`'max'` → the app's `max` profile's `expire`, `{ expire: 0 }` → 0), so the
 * records agree whichever of the two writes them.
 */
import type { RevalidationMode } from './payload.ts';

/** How long the repeat of a webhook's invalidation by Next is expected, in ms. */
const ABSORB_REPEAT_MS = 10_000;
/** The `expire` of Next's built-in `max` profile (1 year), used when the app's profiles cannot be read. */
const MAX_PROFILE_EXPIRE_S = 31_536_000;

/** The `expire` Next's `revalidateTag(tag, 'max')` hands to the handlers in this request (the app may redefine `max`). */
async function maxProfileExpire(): Promise<number> {
  try {
    const { workAsyncStorage } = await import('next/dist/server/app-render/work-async-storage.external.js');
    const expire = (workAsyncStorage.getStore() as { cacheLifeProfiles?: Record<string, { expire?: number }> } | undefined)
      ?.cacheLifeProfiles?.max?.expire;
    return typeof expire === 'number' && expire >= 0 ? expire : MAX_PROFILE_EXPIRE_S;
  } catch {
    return MAX_PROFILE_EXPIRE_S;
  }
}

/** Records in the store (through this process's handlers), then calls Next's `revalidateTag`. `recorded: false`: nothing promised. */
export async function recordAndRevalidate({
  tags,
  mode,
}: {
  tags: readonly string[];
  mode: RevalidationMode;
}): Promise<{ recorded: boolean }> {
  const durations = mode === 'expire' ? { expire: 0 } : { expire: await maxProfileExpire() };
  const { recordInvalidation } = await import('../cache/process-handlers.ts');
  let { recorded, handlers } = await recordInvalidation(tags, durations, { absorbRepeatMs: ABSORB_REPEAT_MS });
  if (handlers === 0) {
    // No cache handler of next-viewlet's in this process yet: record through the tier of the store that
    // judges tags (the process store, or with a store per cache kind the shared one), as those handlers do.
    const [{ getTagStore, resolveStoreConfig }, { sharedTierFor }] = await Promise.all([
      import('../stores/from-env.ts'),
      import('../cache/shared-tier.ts'),
    ]);
    const tier = sharedTierFor(getTagStore(), { timeoutMs: resolveStoreConfig(process.env).timeoutMs ?? 500 });
    ({ recorded } = await tier.tags.invalidate(tags, durations, { absorbRepeatMs: ABSORB_REPEAT_MS }));
  }
  if (!recorded) return { recorded: false };
  const { revalidateTag } = await import('next/cache');
  for (const tag of tags) revalidateTag(tag, mode === 'expire' ? { expire: 0 } : 'max');
  return { recorded: true };
}
