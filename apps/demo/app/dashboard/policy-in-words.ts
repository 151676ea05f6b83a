/**
 * A viewlet's caching policy as a reader would say it: "per user · fresh
 * 10 min · then stale, no expiry", "per page · forever", "sitewide · data only
 * · fresh 1 min · …". The stats JSON carries the resolved policy; this turns it
 * into words for the dashboard.
 */
import { NEVER } from 'next-viewlet/core';
import type { ViewletPolicy } from 'next-viewlet/stats';
import { demoCacheLifeProfiles } from '@/lib/cache-life-profiles';

interface Lifetimes {
  revalidate?: number;
  expire?: number;
}

// Next 16.4's built-in cache-life profiles (next/dist/server/config-shared.js),
// so a profile name can be shown as its lifetimes. An app's own profiles follow.
const PROFILES: Record<string, Lifetimes> = {
  default: { revalidate: 900, expire: NEVER },
  seconds: { revalidate: 1, expire: 60 },
  minutes: { revalidate: 60, expire: 3_600 },
  hours: { revalidate: 3_600, expire: 86_400 },
  days: { revalidate: 86_400, expire: 604_800 },
  weeks: { revalidate: 604_800, expire: 2_592_000 },
  max: { revalidate: 2_592_000, expire: 31_536_000 },
  ...demoCacheLifeProfiles,
};

const VARY_WORDS: Record<string, string> = {
  sitewide: 'sitewide',
  user: 'per user',
  path: 'per page',
  'user+path': 'per user and page',
  session: 'per session',
  custom: 'custom variants',
};

const UNITS: [seconds: number, word: string][] = [
  [604_800, 'wk'],
  [86_400, 'd'],
  [3_600, 'h'],
  [60, 'min'],
];

/** `600` → `"10 min"`, `5400` → `"90 min"`, `45` → `"45 s"`: the largest unit that divides it. */
export function durationInWords(seconds: number): string {
  for (const [size, word] of UNITS) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${word}`;
  }
  return `${seconds} s`;
}

function lifetimesInWords({ revalidate, expire }: Lifetimes): string {
  // A missing field is Next's default profile's: fresh 15 min, never expires.
  const fresh = revalidate ?? 900;
  const until = expire ?? NEVER;
  if (fresh >= NEVER) return 'forever';
  const then = until >= NEVER ? 'then stale, no expiry' : `then stale until ${durationInWords(until)}`;
  return `fresh ${durationInWords(fresh)} · ${then}`;
}

/** The policy in words; `undefined` (a viewlet this bundle did not import) is "policy unknown". */
export function policyInWords(policy: ViewletPolicy | undefined): string {
  if (!policy) return 'policy unknown';
  const parts = [VARY_WORDS[policy.vary] ?? policy.vary];
  if (policy.mode === 'data') parts.push('data only');
  const { life } = policy;
  if (life.kind === 'none') parts.push('never cached');
  else if (life.kind === 'explicit') parts.push(lifetimesInWords(life));
  else {
    const known = PROFILES[life.profile];
    parts.push(known ? `${lifetimesInWords(known)} (profile ${life.profile})` : `profile ${life.profile}`);
  }
  if (policy.island) parts.push('island');
  return parts.join(' · ');
}
