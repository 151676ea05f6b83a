/**
 * `next-viewlet revalidate` against a served handler, with injected env and output.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { runCli } from '../../src/cli/main.ts';
import { viewlet } from '../../src/core/define.ts';
import { clearRegistry } from '../../src/core/registry.ts';
import { chaosStore } from '../support/chaos-store.ts';
import { memoryStore } from '../support/test-store.ts';
import { OTHER_SECRET, SECRET, serve, setup } from '../support/webhook.ts';

viewlet({ name: 'cli-teaser', args: z.tuple([z.string()]) }, (_ctx, id: string) => id);
afterAll(() => clearRegistry());

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function run(argv: string[], env: Record<string, string | undefined> = { VIEWLET_WEBHOOK_SECRET: SECRET }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env, stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

async function served(overrides: Parameters<typeof setup>[0] = {}) {
  const ctx = setup({ now: Date.now, ...overrides });
  const server = await serve(ctx.handler);
  servers.push(server);
  return { ...ctx, url: server.url };
}

describe('next-viewlet revalidate', () => {
  it('sends tags, prints a summary, exits 0', async () => {
    const { url, invalidate } = await served();
    const { code, stdout, stderr } = await run(['revalidate', '--url', url, '--tag', 'product:1', '--tag', 'product:2']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(`Revalidated 2 tags at ${new URL(url).origin}/api/viewlets/revalidate:\n  product:1\n  product:2`);
    expect(invalidate).toHaveBeenCalledWith({ tags: ['product:1', 'product:2'], mode: 'revalidate' });
  });

  it('--expire, --viewlet with JSON args, a custom --secret-env, the URL from the environment, --json', async () => {
    const { url, invalidate } = await served();
    const { code, stdout } = await run(
      ['revalidate', '--secret-env', 'CMS_SECRET', '--viewlet', 'cli-teaser=["3"]', '--viewlet', 'cli-teaser', '--expire', '--json'],
      { CMS_SECRET: SECRET, VIEWLET_WEBHOOK_URL: url },
    );
    expect(code).toBe(0);
    const tags = ['viewlet:cli-teaser:["3"]', 'viewlet:cli-teaser'];
    expect(JSON.parse(stdout)).toEqual({ revalidated: 2, mode: 'expire', tags });
    expect(invalidate).toHaveBeenCalledWith({ tags, mode: 'expire' });
  });

  it('prints "Expired" for --expire', async () => {
    const { url } = await served();
    const { code, stdout } = await run(['revalidate', '--url', url, '--tag', 'a', '--expire']);
    expect(code).toBe(0);
    expect(stdout).toBe(`Expired 1 tag at ${new URL(url).origin}/api/viewlets/revalidate:\n  a`);
  });

  it('a repeated --id reports "already processed" and exits 0', async () => {
    const { url, invalidate } = await served();
    await run(['revalidate', '--url', url, '--tag', 'a', '--id', 'msg_cli_1']);
    const { code, stdout } = await run(['revalidate', '--url', url, '--tag', 'a', '--id', 'msg_cli_1']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Already processed/);
    expect(invalidate).toHaveBeenCalledTimes(1);
  });

  it('a refusal exits 1 with the receiver status and code', async () => {
    const { url, invalidate } = await served();
    const { code, stderr } = await run(['revalidate', '--url', url, '--tag', 'a'], { VIEWLET_WEBHOOK_SECRET: OTHER_SECRET });
    expect(code).toBe(1);
    expect(stderr).toContain('401 E_WEBHOOK_SIGNATURE');
    expect(stderr).not.toContain(OTHER_SECRET.slice(6, 20));
    expect(invalidate).not.toHaveBeenCalled();
  });

  it.each([
    ['a secret on the command line', ['--secret', SECRET, '--tag', 'a']],
    ['a secret as --secret=', [`--secret=${SECRET}`, '--tag', 'a']],
    ['a secret given as --secret-env', ['--secret-env', SECRET, '--tag', 'a']],
    ['a secret pasted as a stray argument', ['--tag', 'a', SECRET]],
    ['a secret after a misspelt option', ['--tag', 'a', '--sekret', SECRET]],
  ])('refuses %s (exit 2) without echoing it', async (_label, args) => {
    const { code, stderr } = await run(['revalidate', '--url', 'http://127.0.0.1:9/x', ...args]);
    expect(code).toBe(2);
    expect(stderr).not.toContain(SECRET.slice(6, 20));
    expect(stderr).toMatch(/--secret-env/);
  });

  it.each([
    ['no URL', ['--tag', 'a'], /--url is required/],
    ['a bad URL', ['--url', 'not a url', '--tag', 'a'], /not a URL/],
    ['a ?secret= URL', ['--url', 'https://x.test/h?secret=abc', '--tag', 'a'], /query string/],
    ['no target', ['--url', 'https://x.test/h'], /at least one --tag or --viewlet/],
    ['bad viewlet args', ['--url', 'https://x.test/h', '--viewlet', 'cli-teaser=[3'], /JSON array/],
    ['an unknown option', ['--url', 'https://x.test/h', '--tag', 'a', '--force'], /--force/],
    ['a bad timeout', ['--url', 'https://x.test/h', '--tag', 'a', '--timeout', 'soon'], /--timeout/],
    ['the old --hard flag', ['--url', 'https://x.test/h', '--tag', 'a', '--hard'], /--hard was renamed; use --expire/],
  ])('%s → exit 2 with usage', async (_label, args, message) => {
    const { code, stderr } = await run(['revalidate', ...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Usage: next-viewlet revalidate');
  });

  it('an unset secret variable → exit 2 naming the variable', async () => {
    const { code, stderr } = await run(['revalidate', '--url', 'https://x.test/h', '--tag', 'a'], {});
    expect(code).toBe(2);
    expect(stderr).toContain('VIEWLET_WEBHOOK_SECRET is not set');
  });

  it('a malformed secret in the variable → exit 2, not quoted', async () => {
    const { code, stderr } = await run(['revalidate', '--url', 'https://x.test/h', '--tag', 'a'], {
      VIEWLET_WEBHOOK_SECRET: 'hunter2-hunter2',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('E_WEBHOOK_SECRET');
    expect(stderr).not.toContain('hunter2');
  });

  it('nobody listening → exit 1', async () => {
    const { url } = await served();
    await servers.pop()!.close();
    expect((await run(['revalidate', '--url', url, '--tag', 'a', '--attempts', '1'])).code).toBe(1);
  });
});

describe('next-viewlet', () => {
  it('help exits 0, no command exits 2, an unknown command exits 2', async () => {
    expect(await run(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('revalidate') });
    expect(await run(['revalidate', '--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('--secret-env') });
    expect(await run([])).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage') });
    expect(await run(['warm-up'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "warm-up"') });
    expect(await run(['toString'])).toMatchObject({ code: 2 });
  });
});

describe('next-viewlet revalidate retries', () => {
  it('a 503 of the store is retried under the same id (--attempts); with --attempts 1 it exits 1', async () => {
    const store = chaosStore(memoryStore());
    const { url, invalidate, events } = await served({ store, storeTimeoutMs: 50 });
    // The first claim is refused; the retry after Retry-After (5 s) must not be waited for: answer at once.
    let refusals = 0;
    const real = store.setIfAbsent;
    store.setIfAbsent = async (...args) => {
      if (refusals++ === 0) throw new Error('chaos: setIfAbsent failed');
      return real(...args);
    };
    vi.useFakeTimers({ toFake: ['setTimeout'], shouldAdvanceTime: true, advanceTimeDelta: 5 });
    const running = run(['revalidate', '--url', url, '--tag', 'a', '--id', 'msg_cli_retry']);
    await vi.waitFor(() => expect(events).toHaveLength(1));
    await vi.advanceTimersByTimeAsync(5_000);
    const { code, stdout } = await running;
    vi.useRealTimers();
    expect([code, stdout.split('\n')[0]]).toEqual([0, `Revalidated 1 tag at ${new URL(url).origin}/api/viewlets/revalidate:`]);
    expect(events.map((e) => e.type)).toEqual(['rejected', 'revalidated']);
    expect(invalidate).toHaveBeenCalledTimes(1);

    refusals = 0;
    const once = await run(['revalidate', '--url', url, '--tag', 'b', '--attempts', '1']);
    expect([once.code, once.stderr]).toEqual([
      1,
      'next-viewlet revalidate: the receiver answered 503 E_WEBHOOK_STORE: the replay-protection store is unavailable, so the message was refused; retry later with the same webhook-id.',
    ]);
    expect((await run(['revalidate', '--url', url, '--tag', 'b', '--attempts', '0'])).code).toBe(2);
  });
});
