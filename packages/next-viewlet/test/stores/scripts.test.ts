import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { SCRIPTS } from '../../src/stores/scripts.ts';
import { useRedisServer } from '../support/redis-server.ts';

const redis = useRedisServer();
const scripts = Object.entries(SCRIPTS);

describe('Lua scripts', () => {
  it('ships four scripts', () => {
    expect(scripts.map(([name]) => name)).toEqual(['COMPARE_AND_DELETE', 'SET_IF_ABSENT', 'INVALIDATE', 'READ_JOURNAL']);
  });

  it.each(scripts)('%s carries the SHA1 of its text', (_name, { script, sha1 }) => {
    expect(createHash('sha1').update(script).digest('hex')).toBe(sha1);
  });

  it.each(scripts)('%s compiles on redis-server, which computes the same SHA1', async (_name, { script, sha1 }) => {
    const client = createClient({ url: redis.server.url });
    await client.connect();
    try {
      expect(await client.scriptLoad(script)).toBe(sha1);
    } finally {
      client.destroy();
    }
  });
});
