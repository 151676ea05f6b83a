/**
 * 1,000 malformed island calls, sent the way any client can (a raw Server
 * Action POST): each is refused with a clear, typed answer, none reaches the
 * error hook, and the log holds a bounded number of lines.
 */
import { expect, test } from '@playwright/test';
import { BASE, callIsland, type NextServer, startFixture } from './support/fixture-server';

let server: NextServer;
test.beforeAll(async () => {
  server = await startFixture();
  // The island's definition registers when its page's module first runs in this process, as it does for
  // a browser that loaded the page before calling the island (see docs/islands.md).
  expect((await fetch(`${server.baseURL}${BASE}/p/1/`)).status).toBe(200);
});
test.afterAll(async () => server.stop());

// React's reply encoding: JSON, where a string starting with `$` is a type (`$n5` a BigInt, `$D…` a Date).
const MALFORMED: [name: unknown, args: unknown][] = [
  [42, []],
  [null, null],
  [{}, []],
  [[], []],
  [true, ['a']],
  ['$n5', []],
  ['$D2020-01-01T00:00:00.000Z', []],
  ['$undefined', ['a']],
  ['nope', []],
  ['where', []],
  ['x'.repeat(500), []],
  ['__proto__', []],
  ['constructor', []],
  ['suggest', 'a'],
  ['suggest', {}],
  ['suggest', '$NaN'],
  ['suggest', ['c']],
  ['suggest', ['a', 'b']],
  ['suggest', ['$n1']],
  ['suggest', [{ kind: 'a' }]],
  ['suggest', ['a'.repeat(9_000)]],
  ['fragile', [null]],
  ['fragile', ['$undefined']],
  ['fragile', [7]],
];

function answerOf(text: string): { ok: boolean; code?: string; message?: string } | undefined {
  const line = text.split('\n').find((l) => l.includes('"ok":'));
  return line ? JSON.parse(line.slice(line.indexOf(':') + 1)) : undefined;
}

async function inBatches<T>(count: number, size: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += size) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, j) => run(start + j)))));
  }
  return out;
}

test('a valid call renders the island', async () => {
  const { status, text } = await callIsland(server, JSON.stringify(['suggest', ['b']]));
  expect(status).toBe(200);
  expect(answerOf(text)).toMatchObject({ ok: true });
  expect(text).toContain('"data-kind":"b"');
});

test('1,000 malformed calls from many clients: each refused with a clear error, a bounded log', async () => {
  test.setTimeout(120_000);
  const answers = await inBatches(1_000, 10, async (i) => {
    const [name, args] = MALFORMED[i % MALFORMED.length]!;
    // A client address per call: the per-client budget must not be what keeps the log short.
    const { status, text } = await callIsland(server, JSON.stringify([name, args]), { 'x-forwarded-for': `10.${i >> 8}.${i & 255}.1` });
    return { i, status, answer: answerOf(text) };
  });
  for (const { i, status, answer } of answers) {
    expect(status, `call ${i}`).toBe(200);
    expect(answer, `call ${i}: ${JSON.stringify(MALFORMED[i % MALFORMED.length])}`).toMatchObject({
      ok: false,
      code: expect.stringMatching(/^E_(INVALID_ARGS|NOT_ISLAND)$/),
      message: expect.stringMatching(/\w{3}/),
    });
  }
  const log = server.output();
  const refusals = log.split('\n').filter((line) => line.includes('refused island call'));
  expect(refusals.length, 'one line per kind per minute').toBeLessThanOrEqual(2);
  expect(log).not.toMatch(/TypeError|failed, showing its fallback|E_RENDER_FAILED/);
});

test('one client past its budget is refused at once with E_RATE_LIMITED', async () => {
  const codes: (string | undefined)[] = [];
  for (let i = 0; i < 40; i++) {
    const { text } = await callIsland(server, JSON.stringify([42, []]), { 'x-forwarded-for': '192.0.2.7' });
    codes.push(answerOf(text)?.code);
  }
  expect(codes.slice(0, 30)).toEqual(Array(30).fill('E_INVALID_ARGS'));
  expect(new Set(codes.slice(30))).toEqual(new Set(['E_RATE_LIMITED']));
  const { text } = await callIsland(server, JSON.stringify(['suggest', ['a']]), { 'x-forwarded-for': '192.0.2.8' });
  expect(answerOf(text), 'other clients are served').toMatchObject({ ok: true });
});
