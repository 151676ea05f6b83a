/**
 * Load generation with autocannon, recording every response (time, latency,
 * status) so scenarios can count what they need: slow requests, failures in a
 * time window, status codes. Every request carries the stable visitor cookie
 * unless the caller passes its own headers.
 */
import autocannon from 'autocannon';

/** The one visitor of every page benchmark: a fixed user cookie, so no request creates a new identity. */
export const VISITOR = { cookie: 'bench-user=u1' };

/**
 * @param {object} options
 * @param {string} options.url full URL (its path is the default path)
 * @param {number} options.connections
 * @param {number} [options.duration] seconds (ignored when `amount` is set)
 * @param {number} [options.amount] total requests
 * @param {Record<string, string>} [options.headers]
 * @param {() => string} [options.nextPath] a path per request (distinct variants)
 * @param {(body: string, status: number) => void} [options.onBody] sees every response body
 * @param {number} [options.timeout] seconds before a request counts as an error
 */
export function load({ url, connections, duration, amount, headers = VISITOR, nextPath, onBody, timeout = 30 }) {
  const responses = [];
  let errors = 0;
  const started = Date.now();
  const request = {
    ...(nextPath && {
      setupRequest(req) {
        req.path = nextPath();
        return req;
      },
    }),
    ...(onBody && { onResponse: (status, body) => onBody(String(body), status) }),
  };
  const requests = nextPath || onBody ? [request] : undefined;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        headers,
        timeout,
        ...(amount ? { amount } : { duration }),
        ...(requests && { requests }),
      },
      (error) => {
        if (error) return reject(error);
        resolve(summarize(responses, errors, (Date.now() - started) / 1000, started));
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => responses.push({ at: Date.now() - started, ms, status }));
    instance.on('reqError', () => errors++);
  });
}

/** Percentile of numbers (nearest rank). */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values) => percentile(values, 50);

function summarize(responses, errors, seconds, startedAt) {
  const statusCodes = {};
  for (const r of responses) statusCodes[r.status] = (statusCodes[r.status] ?? 0) + 1;
  const latencies = responses.map((r) => r.ms);
  const ok = responses.filter((r) => r.status >= 200 && r.status < 300).length;
  return {
    startedAt,
    seconds,
    requests: responses.length,
    ok,
    failed: responses.length - ok + errors,
    errors,
    statusCodes,
    rps: responses.length / Math.max(seconds, 0.001),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.length ? Math.max(...latencies) : Number.NaN,
    responses,
  };
}

/** "200×100" style summary of status codes and errors. */
export function statusText(result) {
  const parts = Object.entries(result.statusCodes).map(([code, n]) => `${code}×${n}`);
  if (result.errors) parts.push(`errors×${result.errors}`);
  return parts.join(' ') || 'none';
}
