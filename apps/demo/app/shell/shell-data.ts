/**
 * Data of the shell pages (issue 13's scenarios): `'use cache'` functions whose
 * tags purge prerendered pages on every instance, not only these entries.
 */
import { cacheLife, cacheTag } from 'next/cache';

/** Static data for the prerendered /shell page; purged with the `shell-data` tag. */
export async function getShellData(): Promise<{ generatedAt: string }> {
  'use cache';
  cacheTag('shell-data');
  cacheLife('max');
  return { generatedAt: new Date().toISOString() };
}

/** ISR-style data: stale after 2 s, regenerated in the background, expired after an hour. */
export async function getIsrData(): Promise<{ generatedAt: string }> {
  'use cache';
  cacheTag('shell-isr');
  cacheLife({ revalidate: 2, expire: 3600 });
  return { generatedAt: new Date().toISOString() };
}
