/**
 * Per-process counts of renders and the data a refresh changes, so a test can
 * tell a cache hit from a render without looking at the clock.
 */
const KEY = Symbol.for('identity-fixture.state');
type State = { renders: Map<string, number>; versions: Map<string, number> };

function state(): State {
  const holder = globalThis as { [KEY]?: State };
  return (holder[KEY] ??= { renders: new Map(), versions: new Map() });
}

export function countRender(key: string): number {
  const next = (state().renders.get(key) ?? 0) + 1;
  state().renders.set(key, next);
  return next;
}

export function renders(): Record<string, number> {
  return Object.fromEntries(state().renders);
}

export function version(id: string): number {
  return state().versions.get(id) ?? 0;
}

export function bumpVersion(id: string): number {
  const next = version(id) + 1;
  state().versions.set(id, next);
  return next;
}
