/**
 * One pass of a warm-up: every page once per variant, `concurrency` at a
 * time (p-limit), each request retried on transient failures.
 */
import pLimit from 'p-limit';
import { fetchWithRetry, type RetryOptions } from './fetch-with-retry.ts';
import type { PageResult, WarmProgress } from './warm-progress.ts';
import type { WarmTargets } from './warm-targets.ts';

export const USER_AGENT = 'next-viewlet-warm/1';

export interface PassOptions {
  concurrency: number;
  retry: RetryOptions;
  progress: WarmProgress;
}

/** Requests every page × variant; resolves when all have answered or given up. */
export async function warmPass(targets: WarmTargets, label: string, options: PassOptions): Promise<PageResult[]> {
  const limit = pLimit(options.concurrency);
  const jobs = targets.pages.flatMap((page) => targets.variants.map((variant) => ({ page, variant })));
  options.progress.start(label, jobs.length);
  return Promise.all(
    jobs.map(({ page, variant }) =>
      limit(async () => {
        const started = performance.now();
        const answer = await fetchWithRetry(
          page,
          { headers: { 'user-agent': USER_AGENT, accept: 'text/html,*/*;q=0.8', ...variant.headers } },
          {
            ...options.retry,
            onRetry: ({ attempt, reason }) => options.progress.retry(page.href, variant.name, attempt, reason),
          },
        );
        const result: PageResult = {
          url: page.href,
          variant: variant.name,
          status: answer.status,
          ok: answer.status >= 200 && answer.status < 400,
          seconds: (performance.now() - started) / 1000,
          attempts: answer.attempts,
          ...(answer.error !== undefined && { error: answer.error }),
        };
        options.progress.result(result);
        return result;
      }),
    ),
  );
}
