/**
 * The summary of a warm-up: per pass, the requests and how they answered,
 * the slowest pages, and (with `--stats-url`) what the servers rendered.
 */
import type { Tally, ViewletTally } from './stats-client.ts';
import { pageLabel, type PageResult } from './warm-progress.ts';

export interface PassViewlets {
  /** Renders the pass caused: misses rendered for the request, stale copies re-rendered in the background. */
  renders: number;
  /** Reads already cached (fresh hits). */
  hits: number;
  stale: number;
  misses: number;
  joined: number;
  uncached: number;
  errors: number;
  /** Per viewlet, only those whose counters moved. */
  byViewlet: Tally;
  /** False when background re-renders were still running at the end of `--settle-timeout`. */
  settled: boolean;
}

export interface PassSummary {
  name: 'warm' | 'check';
  requests: number;
  ok: number;
  failed: number;
  seconds: number;
  /** Answers by HTTP status (`"0"`: no response). */
  byStatus: Record<string, number>;
  slowest: { url: string; variant: string; status: number; seconds: number }[];
  failures: { url: string; variant: string; status: number; error?: string }[];
  /** Null without `--stats-url`, or when the stats could not be read afterwards. */
  viewlets: PassViewlets | null;
}

export interface WarmSummary {
  origin: string;
  pages: number;
  variants: string[];
  /** Tags revalidated (marked stale) before the first pass (`--revalidate`). */
  revalidated?: string[];
  passes: PassSummary[];
  /** With `--until-ready`: whether the check pass was all hits. */
  ready?: boolean;
  seconds: number;
  notes: string[];
}

const SLOWEST = 5;
const MAX_FAILURES = 20;

export function passViewlets(delta: { total: ViewletTally; byViewlet: Tally }, settled: boolean): PassViewlets {
  const { render, hit, stale, miss, joined, uncached, error } = delta.total;
  return { renders: render, hits: hit, stale, misses: miss, joined, uncached, errors: error, byViewlet: delta.byViewlet, settled };
}

export function summarizePass(
  name: PassSummary['name'],
  results: PageResult[],
  seconds: number,
  viewlets: PassViewlets | null,
): PassSummary {
  const byStatus: Record<string, number> = {};
  for (const { status } of results) byStatus[status] = (byStatus[status] ?? 0) + 1;
  const failed = results.filter((result) => !result.ok);
  return {
    name,
    requests: results.length,
    ok: results.length - failed.length,
    failed: failed.length,
    seconds,
    byStatus,
    slowest: [...results]
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, SLOWEST)
      .map(({ url, variant, status, seconds }) => ({ url, variant, status, seconds })),
    failures: failed
      .slice(0, MAX_FAILURES)
      .map(({ url, variant, status, error }) => ({ url, variant, status, ...(error !== undefined && { error }) })),
    viewlets,
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function viewletLine(v: PassViewlets): string {
  const background = v.stale > 0 ? `, ${v.stale} stale re-rendered in the background` : '';
  const wait = v.settled ? '' : ' (background re-renders still running)';
  const extra = [v.joined > 0 && `${v.joined} joined a render in flight`, v.uncached > 0 && `${v.uncached} never cached`]
    .filter(Boolean)
    .join(', ');
  return `  viewlets: ${plural(v.renders, 'render')} absorbed (${plural(v.misses, 'miss', 'misses')}${background})${wait}, ${v.hits} already cached${extra ? `, ${extra}` : ''}; ${plural(v.errors, 'error')}`;
}

/** The summary as text, for a person. */
export function formatSummary(summary: WarmSummary): string {
  const showVariant = summary.variants.length > 1 || summary.variants[0] !== 'default';
  const lines: string[] = [];
  if (summary.revalidated) lines.push(`Revalidated ${summary.revalidated.join(', ')} first (marked stale).`);
  for (const pass of summary.passes) {
    const what = pass.name === 'warm' ? 'Warmed' : 'Checked';
    const shape = `${plural(summary.pages, 'page')} × ${plural(summary.variants.length, 'variant')}`;
    lines.push(
      `${what} ${plural(pass.requests, 'request')} (${shape}) on ${summary.origin} in ${pass.seconds.toFixed(1)} s: ${pass.ok} ok, ${pass.failed} failed`,
    );
    if (pass.viewlets) lines.push(viewletLine(pass.viewlets));
    lines.push(
      `  statuses: ${Object.entries(pass.byStatus)
        .map(([status, n]) => `${status === '0' ? 'no response' : status} ×${n}`)
        .join(', ')}`,
    );
    if (pass.slowest.length > 0) {
      lines.push('  slowest:');
      for (const page of pass.slowest) lines.push(`    ${page.seconds.toFixed(2)} s  ${pageLabel(page.url, page.variant, showVariant)}`);
    }
    if (pass.failures.length > 0) {
      lines.push('  failed:');
      for (const page of pass.failures) {
        lines.push(
          `    ${page.status === 0 ? (page.error ?? 'no response') : `HTTP ${page.status}`}  ${pageLabel(page.url, page.variant, showVariant)}`,
        );
      }
    }
  }
  if (summary.ready !== undefined) {
    const check = summary.passes.at(-1)?.viewlets;
    const why = check
      ? Object.entries(check.byViewlet)
          .filter(([, row]) => row.miss > 0 || row.stale > 0 || row.render > row.uncached)
          .map(([name, row]) => `${name} (${plural(row.miss, 'miss', 'misses')}, ${row.stale} stale, ${plural(row.render, 'render')})`)
      : ['the stats could not be read'];
    lines.push(summary.ready ? 'Ready: the check pass was all cache hits.' : `Not ready: ${why.join('; ') || 'pages failed'}.`);
  }
  lines.push(...summary.notes.map((note) => `Note: ${note}`));
  return lines.join('\n');
}
