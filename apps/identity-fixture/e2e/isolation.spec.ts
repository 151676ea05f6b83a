/**
 * Isolation fuzz: 240 users whose ids hold separators, unicode, look-alikes of
 * "anonymous" and "null", and very long values, 3 requests each in random
 * order across two `next start` instances sharing one redis-server. Every
 * per-user output must be the requester's own: 0 cross-user outputs. Forged
 * (unsigned) cookies naming those users must get the anonymous output.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { startRedis, type RedisServer } from '../../../scripts/lib/redis-server.mjs';
import { BASE, type NextServer, rendered, signedIn, startFixture, USER_COOKIE, userMark } from './support/fixture-server';

let redis: RedisServer;
let servers: NextServer[];

test.beforeAll(async () => {
  test.setTimeout(90_000);
  redis = await startRedis();
  const env = { REDIS_URL: redis.url, VIEWLET_CACHE_PREFIX: `fuzz:${process.pid}:${Date.now()}:` };
  servers = await Promise.all([startFixture(env), startFixture(env)]);
});
test.afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await redis.stop();
});

/** A seeded generator, so a failure can be replayed with the seed it prints. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function userIds(rand: () => number): string[] {
  const tricky = [
    'anonymous',
    'Anonymous',
    'null',
    'undefined',
    '~anonymous~',
    'bnVsbA',
    '0',
    'false',
    ' ',
    'alice',
    'alice ',
    ' alice',
    'Alice',
    'alice\u200b',
    'a:b',
    'a|b',
    'a/b',
    'a\\b',
    'a;b',
    'a,b',
    'a=b',
    'a"b',
    "a'b",
    'a\u0000b',
    'a\nb',
    'a\tb',
    '%00',
    '%2F',
    '..',
    '.',
    'v1.x.y',
    'user:1',
    'user:1:',
    ':user:1',
    '{"user":1}',
    '["a","b"]',
    'ünïcødé',
    '名前',
    '🙂',
    'عربي',
    '\u00e9',
    'e\u0301',
    'ﬁ',
    '\ud83d\ude00\ud83d\ude00',
    'x'.repeat(1000),
    'x'.repeat(2000),
    `${'x'.repeat(1999)}y`,
    'y'.repeat(1500),
  ];
  const ids = [...tricky];
  while (ids.length < 240) ids.push(`u${ids.length}-${Math.floor(rand() * 1e9).toString(36)}${rand() < 0.3 ? ':|/é' : ''}`);
  return ids;
}

type Visit = { user: string | null; forgedAs?: string; server: number; path: string };

test('240 users × 3 requests in random order across two instances: 0 cross-user outputs', async () => {
  test.setTimeout(240_000);
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
  const rand = random(seed);
  const users = userIds(rand);
  expect(new Set(users).size).toBe(users.length);
  const pages = ['/', '/p/1/', '/p/2/', '/p/3/'];
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const visits: Visit[] = users.flatMap((user) => [0, 1, 2].map(() => ({ user, server: pick([0, 1]), path: pick(pages) })));
  for (let i = 0; i < 60; i++) visits.push({ user: null, server: pick([0, 1]), path: pick(pages) });
  for (let i = 0; i < 60; i++) visits.push({ user: null, forgedAs: pick(users), server: pick([0, 1]), path: pick(pages) });
  for (let i = visits.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [visits[i], visits[j]] = [visits[j]!, visits[i]!];
  }

  const crossUser: string[] = [];
  const run = async (visit: Visit) => {
    const cookie =
      visit.user !== null
        ? signedIn(visit.user)
        : visit.forgedAs !== undefined
          ? `${USER_COOKIE.name}=${encodeURIComponent(visit.forgedAs)}`
          : undefined;
    const response = await fetch(`${servers[visit.server]!.baseURL}${BASE}${visit.path}`, { headers: cookie ? { cookie } : {} });
    const html = await response.text();
    const marks = [...rendered(html, 'whoami'), ...rendered(html, 'mine')].map((attrs) => attrs.user);
    const expected = userMark(visit.user);
    const label = `${visit.user === null ? (visit.forgedAs === undefined ? 'anonymous' : 'forged') : 'user'} ${createHash('sha256')
      .update(String(visit.user ?? visit.forgedAs))
      .digest('hex')
      .slice(0, 8)} ${visit.path} on ${visit.server}`;
    if (response.status !== 200) crossUser.push(`${label}: status ${response.status}`);
    else if (marks.length !== (visit.path === '/' ? 1 : 2)) crossUser.push(`${label}: ${marks.length} per-user outputs`);
    else for (const mark of marks) if (mark !== expected) crossUser.push(`${label}: got another user's output`);
  };
  for (let start = 0; start < visits.length; start += 8) await Promise.all(visits.slice(start, start + 8).map(run));

  expect(crossUser, `seed ${seed}`).toEqual([]);
  const keys = Number(execFileSync('redis-cli', ['-p', String(redis.port), 'dbsize'], { encoding: 'utf8' }).trim());
  expect(keys, 'the entries live in the shared store').toBeGreaterThan(users.length);
});
