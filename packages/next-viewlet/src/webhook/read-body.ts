/**
 * Reads a request body with a byte cap and a deadline. The cap is enforced on
 * the bytes actually streamed: Content-Length can lie or be absent (chunked).
 * An honest Content-Length above the cap is refused before reading anything.
 */
import { ViewletError } from '../core/errors.ts';
import { readBytes } from '../util/read-bytes.ts';

export interface ReadBodyOptions {
  /** Most bytes accepted (413 past it). */
  maxBytes: number;
  /** Time allowed for the whole body, in ms (408 past it). */
  timeoutMs: number;
}

export async function readBody(request: Request, { maxBytes, timeoutMs }: ReadBodyOptions): Promise<Uint8Array> {
  const tooLarge = () => new ViewletError('E_WEBHOOK_TOO_LARGE', `the body is larger than ${maxBytes} bytes.`);
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) throw tooLarge();
  if (request.body === null) return new Uint8Array(0);
  if (request.bodyUsed) throw new ViewletError('E_WEBHOOK_PAYLOAD', 'the body was already read by something else.');
  const read = await readBytes(request.body, { maxBytes, timeoutMs });
  if (read.ok) return read.bytes;
  if (read.reason === 'too-large') throw tooLarge();
  if (read.reason === 'timeout') throw new ViewletError('E_WEBHOOK_TIMEOUT', `the body did not arrive within ${timeoutMs} ms.`);
  throw new ViewletError('E_WEBHOOK_PAYLOAD', 'the body could not be read (the client went away?).', { cause: read.error });
}
