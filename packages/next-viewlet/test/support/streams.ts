/**
 * The one stream helper of the tests: byte streams that deliver chunks, pace
 * them on timers (drive them with `vi.useFakeTimers()`), stall, or fail half-way.
 */

export interface StreamOfOptions {
  /** Wait this long (a timer: use fake timers) before each chunk. @default 0 */
  delayMs?: number;
  /** After the last chunk, never close. @default false */
  stall?: boolean;
}

/** A stream that yields `chunks` (text is UTF-8), then closes, or stalls with `stall`. */
export function streamOf(
  chunks: readonly (string | Uint8Array)[],
  { delayMs = 0, stall = false }: StreamOfOptions = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (i < chunks.length) {
        const chunk = chunks[i++]!;
        controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      } else if (stall) {
        await new Promise(() => {});
      } else {
        controller.close();
      }
    },
  });
}

/** A stream of exactly these bytes, in one chunk. */
export function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** A stream that delivers some bytes, then errors (a render that failed half-way). */
export function failingStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('<div>half'));
      queueMicrotask(() => controller.error(new Error('render failed')));
    },
  });
}
