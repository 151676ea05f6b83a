/**
 * Makes an instance see many distinct variants and tags. The fill goes through
 * /fill/<n>?k=<k> (a route handler that fills variants n … n+k−1: one
 * `'use cache'` entry of 2 KB and one tag `fill:<id>` each), so every request
 * adds k variants and k tags, plus Next's `_N_T_/fill/<n>` soft tag for its
 * path, to what the instance knows, at a fraction of a page's render cost.
 *
 * A fill can be time-boxed: it stops at `deadline` and says how far it got.
 */
import { load } from './load.mjs';

/**
 * Fills variants from+1 … to, `perRequest` per request, in chunks, until done or `deadline` (ms since the epoch).
 * @returns {Promise<{ reached: number, requests: number, failed: number, renders: number, seconds: number }>}
 */
export async function fillVariants(
  app,
  from,
  to,
  { perRequest = 10, connections = 8, deadline = Number.POSITIVE_INFINITY, chunk = 10_000 } = {},
) {
  await app.renders({ reset: true });
  const started = Date.now();
  let n = from;
  let requests = 0;
  let failed = 0;
  while (n < to && Date.now() < deadline) {
    const items = Math.min(chunk, to - n);
    const k = Math.min(perRequest, items);
    // Whole requests of k; a chunk that does not divide by k rounds down, the last one up to `to`.
    const amount = Math.max(1, Math.floor(items / k));
    let next = n;
    const path = () => {
      const first = next + 1;
      next += k;
      return `/fill/${first}?k=${k}`;
    };
    // Every request's path comes from `path` (the url's is replaced).
    const result = await load({ url: `${app.baseURL}/fill/0`, connections: Math.min(connections, amount), amount, nextPath: path });
    requests += result.requests;
    failed += result.failed;
    n = next;
  }
  const { renders } = await app.renders({ reset: true });
  return { reached: n, requests, failed, renders: renders.fill ?? 0, seconds: (Date.now() - started) / 1000 };
}
