/**
 * What one viewlet render costs in the benchmark app, and how many renders
 * this process did per viewlet. A render waits `BENCH_RENDER_DELAY_MS` of I/O
 * (default 50, like a database query) and burns about 1 ms of CPU (building
 * the markup), so a miss is visible and a render competes for the cores.
 *
 * The counters live on `globalThis`: Next loads this module once per route
 * bundle, and /api/renders must see the counts of every page.
 */
const KEY = Symbol.for('bench-app.renders');
type Holder = { [KEY]?: Map<string, number> };

function counters(): Map<string, number> {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= new Map());
}

/** Milliseconds of I/O per render (`BENCH_RENDER_DELAY_MS`, default 50). */
export function renderDelayMs(): number {
  const raw = Number(process.env.BENCH_RENDER_DELAY_MS);
  return Number.isFinite(raw) && raw >= 0 ? raw : 50;
}

/** Counts a render of `name` that costs nothing (a fill: variety, not render time). */
export function countRender(name: string): void {
  counters().set(name, (counters().get(name) ?? 0) + 1);
}

/** Counts a render of `name`, then spends the render's I/O wait and CPU time. */
export async function renderCost(name: string): Promise<void> {
  countRender(name);
  const ms = renderDelayMs();
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  const until = performance.now() + 1;
  while (performance.now() < until) {
    // CPU time of a render: the event loop is busy, as it is when React builds markup.
  }
}

/** Renders per viewlet name since start or the last reset. */
export function renderCounts(): Record<string, number> {
  return Object.fromEntries(counters());
}

export function resetRenderCounts(): void {
  counters().clear();
}

/** Filler text of `bytes` characters, so a variant has a realistic size in the cache. */
export function filler(bytes: number): string {
  return 'lorem ipsum dolor sit amet '.repeat(Math.ceil(bytes / 27)).slice(0, bytes);
}
