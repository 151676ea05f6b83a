/**
 * The demo's flaky data source: a supplier feed that can be switched to
 * failing (through /api/demo/faults, only with DEMO_FAULTS=1), with a count of
 * the reads it got. One state per server process, on `globalThis` so the page
 * and the route handler see the same one.
 */
const KEY = Symbol.for('demo.supplier');
type State = { failing: boolean; reads: number };
type Holder = { [KEY]?: State };

export function supplierState(): State {
  return ((globalThis as Holder)[KEY] ??= { failing: false, reads: 0 });
}

/** One read of the feed: throws while the source is failing. */
export function readSupplierFeed(): { delivery: string } {
  const state = supplierState();
  state.reads += 1;
  if (state.failing) throw new Error('Supplier feed is down');
  return { delivery: 'Next delivery: Tuesday' };
}
