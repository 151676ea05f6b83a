import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, streamOf } from '../../src/cache/entry-codec.ts';
import { readBytes } from '../../src/util/read-bytes.ts';
import { bytesStream, failingStream } from '../support/cache-entries.ts';

describe('entry codec', () => {
  const meta = { tags: ['a', 'ü'], timestamp: 1700000000123, revalidate: 60, expire: 3600, stale: 30 };

  it('round-trips metadata and every byte value as text-safe JSON', () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const text = encodeEntry({ meta, bytes });
    expect(text).toMatch(/^[\x20-\x7e\u00fc]+$/); // printable, only the tag is non-ASCII
    expect(decodeEntry(text)).toEqual({ meta, bytes });
  });

  it('treats malformed or foreign values as absent', () => {
    expect(decodeEntry('nope')).toBeUndefined();
    expect(decodeEntry('{"v":2}')).toBeUndefined();
    expect(decodeEntry(JSON.stringify({ v: 1, ...meta, timestamp: 'x', value: '' }))).toBeUndefined();
  });

  it('reads a stream whole, refuses past the limit, and reports a failed stream', async () => {
    expect(await readBytes(bytesStream(new Uint8Array(10)), { maxBytes: 10 })).toEqual({ ok: true, bytes: new Uint8Array(10) });
    expect(await readBytes(bytesStream(new Uint8Array(11)), { maxBytes: 10 })).toMatchObject({ ok: false, reason: 'too-large' });
    expect(await readBytes(failingStream(), { maxBytes: 1000 })).toMatchObject({ ok: false, reason: 'failed' });
  });

  it('reads into bytes of its own', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const first = await readBytes(streamOf(bytes), { maxBytes: 10 });
    if (first.ok) first.bytes[0] = 99;
    expect(await readBytes(streamOf(bytes), { maxBytes: 10 })).toEqual({ ok: true, bytes: new Uint8Array([1, 2, 3]) });
  });

  it('serves the stored bytes in a new stream per read, without copying them (the hot path of a hit)', async () => {
    const bytes = new Uint8Array(20_000).fill(7);
    const streams = [streamOf(bytes), streamOf(bytes)];
    expect(streams[0]).not.toBe(streams[1]);
    for (const stream of streams) {
      const reader = stream.getReader();
      expect((await reader.read()).value).toBe(bytes);
      expect((await reader.read()).done).toBe(true);
    }
  });
});
