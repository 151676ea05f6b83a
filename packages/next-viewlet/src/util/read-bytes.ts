/**
 * The one stream reader: reads a whole byte stream, giving up (and cancelling
 * the stream, without waiting for a stalled source to acknowledge it) past
 * `maxBytes` or past `timeoutMs`. Used for cache entries, webhook bodies and
 * webhook replies. Never throws.
 */
export interface ReadBytesOptions {
  /** Most bytes accepted; one more and the read gives up with `too-large`. */
  maxBytes: number;
  /** Time allowed for the whole stream, in ms. Default: no deadline. */
  timeoutMs?: number;
}

export type ReadBytesResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too-large' | 'timeout' | 'failed'; error?: unknown };

const TIMED_OUT = Symbol('timed out');

export async function readBytes(stream: ReadableStream<Uint8Array>, options: ReadBytesOptions): Promise<ReadBytesResult> {
  const { maxBytes, timeoutMs } = options;
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = stream.getReader();
  } catch (error) {
    return { ok: false, reason: 'failed', error };
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline =
    timeoutMs === undefined
      ? undefined
      : new Promise<typeof TIMED_OUT>((resolve) => {
          timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
          timer.unref?.();
        });
  const chunks: Uint8Array[] = [];
  let size = 0;
  const giveUp = (reason: 'too-large' | 'timeout' | 'failed', error?: unknown): ReadBytesResult => {
    reader.cancel().catch(() => {});
    return error === undefined ? { ok: false, reason } : { ok: false, reason, error };
  };
  try {
    for (;;) {
      const next = deadline ? await Promise.race([reader.read(), deadline]) : await reader.read();
      if (next === TIMED_OUT) return giveUp('timeout');
      if (next.done) break;
      size += next.value.byteLength;
      if (size > maxBytes) return giveUp('too-large');
      chunks.push(next.value);
    }
  } catch (error) {
    return giveUp('failed', error);
  } finally {
    clearTimeout(timer);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { ok: true, bytes };
}
