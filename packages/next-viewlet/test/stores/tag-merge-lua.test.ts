/**
 * The Redis stores merge tag records in Lua (scripts.ts), the memory store and
 * the cache in JS (tag-record.ts). They must agree exactly: thousands of random
 * (previous record, now, expiry) cases through the INVALIDATE script on a real
 * redis-server, with its `now` argument, against `mergeTagRecord`.
 */
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { redisKeys } from '../../src/stores/redis-keys.ts';
import { INVALIDATE } from '../../src/stores/scripts.ts';
import { mergeTagRecord, parseTagRecord } from '../../src/stores/tag-record.ts';
import { randomPrefix, useRedisServer } from '../support/redis-server.ts';

const redis = useRedisServer();

const BASE = 1_700_000_000_000;
const YEAR = 31_536_000_000;

/** A seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  previous: string | null;
  now: number;
  expireInMs: number | undefined;
}

function cases(count: number, seed: number): Case[] {
  const rand = random(seed);
  const pick = <T>(...items: T[]) => items[Math.floor(rand() * items.length)]!;
  // Times close together, so that ties and every ordering of at/expireAt/hardAt/now come up.
  const time = () => BASE + Math.floor(rand() * 41) - 20 + (rand() < 0.05 ? pick(YEAR, -YEAR, 10 ** 15) : 0);
  return Array.from({ length: count }, () => {
    const roll = rand();
    let previous: string | null;
    if (roll < 0.15) previous = null;
    else if (roll < 0.2) previous = pick('not json', '{"at":"1"}', '{"at":1,"expireAt":null}', '[1,2]', '{}', '{"at":1e400}');
    else {
      const record: Record<string, number> = { at: time() };
      if (rand() < 0.6) record.expireAt = time();
      if (rand() < 0.4) record.hardAt = time();
      previous = JSON.stringify(record);
    }
    const expireInMs = pick<number | undefined>(undefined, 0, Math.floor(rand() * 25), YEAR, 60_000);
    return { previous, now: time(), expireInMs };
  });
}

describe('tag record merge: Lua and JS agree', () => {
  it('on 4000 random cases, exactly', async () => {
    const client = createClient({ url: redis.server.url });
    await client.connect();
    const keys = redisKeys(randomPrefix('merge'));
    const mismatches: unknown[] = [];
    const shapes = new Set<string>();
    try {
      const all = cases(4000, 20_261_201);
      for (let start = 0; start < all.length; start += 500) {
        // Issued together: node-redis pipelines them on its connection.
        await Promise.all(
          all.slice(start, start + 500).map(async (c, i) => {
            const tag = `case-${start + i}`;
            const recordKey = keys.tag(tag);
            if (c.previous === null) await client.del(recordKey);
            else await client.set(recordKey, c.previous);
            const args = [c.expireInMs === undefined ? '' : String(c.expireInMs), '60000', '100', String(10 * YEAR), String(c.now), tag];
            const reply = (await client
              .evalSha(INVALIDATE.sha1, { keys: [keys.journal, keys.journalMeta, recordKey], arguments: args })
              .catch(() =>
                client.eval(INVALIDATE.script, { keys: [keys.journal, keys.journalMeta, recordKey], arguments: args }),
              )) as string[];
            const lua = JSON.parse(reply[1]!);
            const js = mergeTagRecord(parseTagRecord(c.previous), c.now, c.expireInMs === undefined ? undefined : c.now + c.expireInMs);
            const stored = JSON.parse((await client.get(recordKey))!);
            shapes.add(Object.keys(js).join('+') + (js.expireAt === js.at ? ' (hard)' : ''));
            if (JSON.stringify(lua) !== JSON.stringify(js) || JSON.stringify(stored) !== JSON.stringify(js)) {
              mismatches.push({ case: c, lua, js });
            }
          }),
        );
      }
    } finally {
      client.destroy();
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    // The cases reach every kind of merged record, so agreement means something.
    expect([...shapes].sort()).toEqual(['at', 'at+expireAt', 'at+expireAt (hard)', 'at+expireAt+hardAt', 'at+hardAt']);
  });
});
