/**
 * Makes an instance see many distinct paths, each once. The fill goes through
 * /fill/<n> (a route handler with one `'use cache'` function, 2 KB per
 * variant): every request adds a variant and Next's `_N_T_/fill/<n>` soft tag
 * to the tags the instance knows, like a page view of a new path does, at a
 * fraction of a page's render cost.
 *
 * A fill can be time-boxed: the current handler re-reads every known tag on
 * every request, so filling gets slower as it goes (that cost is what the
 * known-tags scenario measures). It then stops at `deadline` and says how far
 * it got.
 */
import { load } from './load.mjs';

/**
 * Requests /fill/<from+1> … /fill/<to> once each, in chunks, until done or `deadline` (ms since the epoch).
 * @returns {Promise<{ reached: number, requests: number, failed: number, renders: number, seconds: number }>}
 */
export async function fillPaths(app, from, to, { connections = 8, deadline = Number.POSITIVE_INFINITY, chunk = 1_000 } = {}) {
  await app.renders({ reset: true });
  const started = Date.now();
  let n = from;
  let requests = 0;
  let failed = 0;
  while (n < to && Date.now() < deadline) {
    const amount = Math.min(chunk, to - n);
    const result = await load({
      url: `${app.baseURL}/fill/${n + 1}`,
      connections: Math.min(connections, amount),
      amount,
      nextPath: () => `/fill/${++n}`,
    });
    requests += result.requests;
    failed += result.failed;
  }
  const { renders } = await app.renders({ reset: true });
  return { reached: n, requests, failed, renders: renders.fill ?? 0, seconds: (Date.now() - started) / 1000 };
}
