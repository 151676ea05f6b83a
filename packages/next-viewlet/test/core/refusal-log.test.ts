import { describe, expect, it } from 'vitest';
import { createRefusalLog } from '../../src/core/refusal-log.ts';

function setup() {
  const lines: string[] = [];
  let now = 1_000_000;
  const refusals = createRefusalLog({ now: () => now, log: { warn: (line) => lines.push(line) } });
  return { refusals, lines, advance: (ms: number) => (now += ms) };
}

describe('refusal log', () => {
  it('logs one line per kind per minute and counts the rest', () => {
    const { refusals, lines, advance } = setup();
    for (let i = 0; i < 500; i++) refusals.record('refused island call (E_INVALID_ARGS)', `10.0.0.${i % 7}`, 'args must be an array');
    for (let i = 0; i < 500; i++) refusals.record('refused island call (E_NOT_ISLAND)', '10.0.0.1', 'no viewlet named "x"');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^refused island call \(E_INVALID_ARGS\) from 10\.0\.0\.0: args must be an array; more like it are counted/);
    advance(60_000);
    refusals.record('refused island call (E_INVALID_ARGS)', '10.0.0.9', 'args must be an array');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain('(499 more since the last line)');
  });

  it('gives each client a budget per window', () => {
    const { refusals, advance } = setup();
    for (let i = 0; i < 3; i++) refusals.record('k', 'a', 'm');
    expect(refusals.allowed('a', 3)).toBe(false);
    expect(refusals.allowed('a', 4)).toBe(true);
    expect(refusals.allowed('b', 3)).toBe(true);
    advance(60_000);
    expect(refusals.allowed('a', 3)).toBe(true);
  });

  it('cuts client keys and makes them printable before they reach a log line', () => {
    const { refusals, lines } = setup();
    refusals.record('k', `evil\nforged line ${'x'.repeat(200)}`, 'm');
    expect(lines[0]).not.toContain('\n');
    expect(lines[0]).toMatch(/from evil\?forged\?line\?x+: m/);
    expect(lines[0]!.length).toBeLessThan(200);
  });
});
