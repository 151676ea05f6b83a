/**
 * Reads the viewlet counters of one or more stats endpoints (one per instance)
 * and adds them up, so a warm-up can tell what it made the servers render.
 */
import { z } from 'zod';
import { fetchWithRetry, type RetryOptions } from './fetch-with-retry.ts';

/** The counters a warm-up compares, per viewlet. */
export interface ViewletTally {
  hit: number;
  stale: number;
  miss: number;
  joined: number;
  uncached: number;
  render: number;
  error: number;
  /** Renders running at the time of the reading (a gauge, not a counter). */
  rendering: number;
}

export type Tally = Record<string, ViewletTally>;

/** The counters (everything but the `rendering` gauge). */
const KEYS = ['hit', 'stale', 'miss', 'joined', 'uncached', 'render', 'error'] as const;
const count = z.number().int().nonnegative();
const snapshotSchema = z.object({
  version: z.literal(1),
  metricsEnabled: z.boolean(),
  viewlets: z.record(
    z.string(),
    z.object({ hit: count, stale: count, miss: count, joined: count, uncached: count, render: count, error: count, rendering: count }),
  ),
});

/** A stats endpoint could not be read, or did not answer stats. */
export class StatsReadError extends Error {}

const empty = (): ViewletTally => ({ hit: 0, stale: 0, miss: 0, joined: 0, uncached: 0, render: 0, error: 0, rendering: 0 });

async function readOne(url: URL, token: string, retry: RetryOptions): Promise<Tally> {
  const answer = await fetchWithRetry(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, retry);
  if (answer.status === 0) throw new StatsReadError(`could not reach the stats endpoint ${url.href}: ${answer.error}.`);
  if (answer.status === 401) throw new StatsReadError(`the stats endpoint ${url.href} refused the token (401); check --stats-token-env.`);
  if (answer.status === 503) {
    throw new StatsReadError(`the stats endpoint ${url.href} is off (503); set VIEWLET_STATS_TOKEN on the server (the same token).`);
  }
  if (answer.status !== 200) throw new StatsReadError(`the stats endpoint ${url.href} answered HTTP ${answer.status}.`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(answer.body));
  } catch {
    throw new StatsReadError(`${url.href} did not answer JSON; is it a createStatsHandler route?`);
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success)
    throw new StatsReadError(`${url.href} did not answer next-viewlet stats (version 1); is it a createStatsHandler route?`);
  if (!parsed.data.metricsEnabled) {
    throw new StatsReadError(`${url.href} has metrics off (VIEWLET_METRICS=off): it cannot tell what a warm-up rendered.`);
  }
  return parsed.data.viewlets;
}

/** The counters of every endpoint, added up by viewlet. Throws `StatsReadError`. */
export async function readStats(urls: readonly URL[], token: string, retry: RetryOptions = {}): Promise<Tally> {
  const tallies = await Promise.all(urls.map((url) => readOne(url, token, retry)));
  const sum: Tally = {};
  for (const tally of tallies) {
    for (const [name, row] of Object.entries(tally)) {
      const into = (sum[name] ??= empty());
      for (const key of KEYS) into[key] += row[key];
      into.rendering += row.rendering;
    }
  }
  return sum;
}

/** What changed between two readings: per viewlet (only those that changed) and in total; `rendering` as of `after`. */
export function diffStats(before: Tally, after: Tally): { total: ViewletTally; byViewlet: Tally } {
  const total = empty();
  const byViewlet: Tally = {};
  for (const [name, row] of Object.entries(after)) {
    const delta = empty();
    // A counter that went down means the server restarted between the readings: count from zero.
    const base = before[name] && KEYS.every((key) => row[key] >= before[name]![key]) ? before[name]! : empty();
    for (const key of KEYS) delta[key] = row[key] - base[key];
    delta.rendering = row.rendering;
    if (KEYS.some((key) => delta[key] > 0)) {
      byViewlet[name] = delta;
      for (const key of KEYS) total[key] += delta[key];
    }
    total.rendering += row.rendering;
  }
  return { total, byViewlet };
}

/**
 * Whether a pass found everything cached: no misses, no stale copies, and no
 * renders beyond those of viewlets that are never cached.
 */
export function allHits(delta: { byViewlet: Tally }): boolean {
  return Object.values(delta.byViewlet).every((row) => row.miss === 0 && row.stale === 0 && row.render <= row.uncached);
}

/**
 * Whether the renders a pass started have finished. Misses and uncached calls
 * render before their response ends; only a stale read leaves a render behind
 * (in the background), so after one the pass waits until no render is running.
 */
export function settled(delta: { total: ViewletTally }): boolean {
  return delta.total.stale === 0 || delta.total.rendering === 0;
}
