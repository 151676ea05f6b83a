import { defineViewletCache, runViewletCache } from 'next-viewlet';

/**
 * A custom cache kind, `archive`: old orders rarely change and are many, so they
 * get a store of their own when VIEWLET_ARCHIVE_STORE_URL is set (else they are
 * on the default kind's store). Next's compiler reads the directive as written,
 * so the app declares the kind's cached function; the library runs its body.
 * next.config.ts lists the kind and its handler module (archive-cache-handler.mjs).
 */
export const archive = defineViewletCache('archive', async (name, vary, args) => {
  'use cache: archive';
  return runViewletCache(name, vary, args);
});
