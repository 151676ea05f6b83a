/**
 * `next-viewlet warm`: pre-fills a deployment's caches by requesting its
 * pages, once per variant. With `--stats-url` it reads the viewlet counters
 * before and after, so the summary says what the warm-up rendered;
 * `--until-ready` adds a check pass that must be all hits; `--revalidate`
 * revalidates tags first (marks them stale), so the requests re-render stale copies in the
 * background while visitors keep being served (the cron rebuild).
 */
import { sendRevalidation } from '../webhook/send.ts';
import type { RetryOptions } from './fetch-with-retry.ts';
import { type CliIO, EXIT, UsageError } from './io.ts';
import { allHits, diffStats, readStats, settled, StatsReadError, type Tally } from './stats-client.ts';
import { warmPass } from './warm-pass.ts';
import { parseWarmArgs, WARM_USAGE, type WarmOptions } from './warm-options.ts';
import { createWarmProgress, type WarmProgress } from './warm-progress.ts';
import { formatSummary, passViewlets, type PassSummary, summarizePass, type WarmSummary } from './warm-summary.ts';
import { loadWarmTargets, type WarmTargets } from './warm-targets.ts';

const SETTLE_POLL_MS = 250;

interface Run {
  options: WarmOptions;
  targets: WarmTargets;
  retry: RetryOptions;
  progress: WarmProgress;
  notes: string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads the stats until the pass's renders have finished (or `--settle-timeout`); null when they cannot be read. */
async function viewletsAfter(run: Run, before: Tally): Promise<PassSummary['viewlets']> {
  const { statsUrls, statsToken, settleTimeoutMs } = run.options;
  const deadline = performance.now() + settleTimeoutMs;
  let waiting = false;
  for (;;) {
    let delta: ReturnType<typeof diffStats>;
    try {
      delta = diffStats(before, await readStats(statsUrls, statsToken!, run.retry));
    } catch (error) {
      if (!(error instanceof StatsReadError)) throw error;
      run.notes.push(`the stats could not be read after the pass: ${error.message}`);
      return null;
    }
    const done = settled(delta);
    if (done || performance.now() >= deadline) return passViewlets(delta, done);
    if (!waiting) run.progress.note(`waiting for the renders still running (${delta.total.rendering})…`);
    waiting = true;
    await sleep(SETTLE_POLL_MS);
  }
}

async function pass(run: Run, name: PassSummary['name']): Promise<PassSummary> {
  const { statsUrls, statsToken, concurrency } = run.options;
  const before = statsUrls.length > 0 ? await readStats(statsUrls, statsToken!, run.retry) : undefined;
  const started = performance.now();
  const results = await warmPass(run.targets, name === 'warm' ? 'warming' : 'checking', {
    concurrency,
    retry: run.retry,
    progress: run.progress,
  });
  const seconds = (performance.now() - started) / 1000;
  return summarizePass(name, results, seconds, before ? await viewletsAfter(run, before) : null);
}

function fail(io: CliIO, error: unknown, usage: boolean): number {
  io.stderr(`next-viewlet warm: ${(error as Error).message}${usage ? `\n\n${WARM_USAGE}` : ''}`);
  return EXIT.usage;
}

export async function warmCommand(argv: string[], io: CliIO): Promise<number> {
  let options: ReturnType<typeof parseWarmArgs>;
  try {
    options = parseWarmArgs(argv, io.env);
  } catch (error) {
    if (error instanceof UsageError) return fail(io, error, true);
    throw error;
  }
  if (options.help) {
    io.stdout(WARM_USAGE);
    return EXIT.ok;
  }
  const started = performance.now();
  const retry: RetryOptions = {
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    minDelayMs: options.retryDelayMs,
    ...(io.fetch && { fetch: io.fetch }),
  };

  let targets: WarmTargets;
  try {
    targets = await loadWarmTargets(options, retry);
    // Read once up front: an unreachable endpoint or a wrong token is a configuration error, found before any page is requested.
    if (options.statsUrls.length > 0) await readStats(options.statsUrls, options.statsToken!, retry);
  } catch (error) {
    if (error instanceof UsageError || error instanceof StatsReadError) return fail(io, error, false);
    throw error;
  }

  const showVariant = targets.variants.length > 1 || targets.variants[0]!.name !== 'default';
  const progress = createWarmProgress(io, { json: options.json, showVariant });
  if (options.revalidate.length > 0) {
    try {
      await sendRevalidation({
        url: options.webhookUrl!,
        secret: options.webhookSecret!,
        tags: options.revalidate,
        timeoutMs: options.timeoutMs,
        ...(io.fetch && { fetch: io.fetch }),
      });
    } catch (error) {
      io.stderr(`next-viewlet warm: could not revalidate ${options.revalidate.join(', ')}: ${(error as Error).message}`);
      return EXIT.failed;
    }
    progress.note(`revalidated ${options.revalidate.join(', ')}: stale now, re-rendered behind the requests`);
  }

  const run: Run = { options, targets, retry, progress, notes: [...targets.notes] };
  const passes: PassSummary[] = [];
  try {
    passes.push(await pass(run, 'warm'));
    if (options.untilReady) passes.push(await pass(run, 'check'));
  } catch (error) {
    if (error instanceof StatsReadError) return fail(io, error, false);
    throw error;
  } finally {
    run.progress.stop();
  }

  const check = passes.at(-1)!;
  const ready = options.untilReady ? check.failed === 0 && check.viewlets !== null && allHits(check.viewlets) : undefined;
  const summary: WarmSummary = {
    origin: targets.origin.origin,
    pages: targets.pages.length,
    variants: targets.variants.map((variant) => variant.name),
    ...(options.revalidate.length > 0 && { revalidated: options.revalidate }),
    passes,
    ...(ready !== undefined && { ready }),
    seconds: (performance.now() - started) / 1000,
    notes: run.notes,
  };
  io.stdout(options.json ? JSON.stringify(summary) : formatSummary(summary));
  const failed = passes.some((p) => p.failed > 0);
  return failed || ready === false ? EXIT.failed : EXIT.ok;
}
