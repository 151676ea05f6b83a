/**
 * Reads a request body with a byte cap and a deadline. The cap is enforced on
 * the bytes actually streamed: Content-Length can lie or be absent (chunked).
 * An honest Content-Length above the cap is refused before reading anything.
 */
import { ViewletError } from '../core/errors.ts';

export interface ReadBodyOptions {
  maxBytes: number;
  timeoutMs: number;
}

export async function readBody(request: Request, { maxBytes, timeoutMs }: ReadBodyOptions): Promise<Uint8Array> {
  const tooLarge = () => new ViewletError('E_WEBHOOK_TOO_LARGE', `the body is larger than ${maxBytes} bytes.`);
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) throw tooLarge();
  if (request.body === null) return new Uint8Array(0);
  if (request.bodyUsed) throw new ViewletError('E_WEBHOOK_PAYLOAD', 'the body was already read by something else.');

  const reader = request.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ViewletError('E_WEBHOOK_TIMEOUT', `the body did not arrive within ${timeoutMs} ms.`)), timeoutMs);
  });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw tooLarge();
      chunks.push(value);
    }
  } catch (error) {
    // Do not wait for a stalled source to acknowledge the cancel.
    reader.cancel().catch(() => {});
    if (error instanceof ViewletError) throw error;
    throw new ViewletError('E_WEBHOOK_PAYLOAD', 'the body could not be read (the client went away?).', { cause: error });
  } finally {
    clearTimeout(timer);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
