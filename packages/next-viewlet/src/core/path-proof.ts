/**
 * Proof that the path header was set by next-viewlet's proxy, not by a
 * client. The proxy sends, next to the path, an HMAC of it under a random key
 * made once per process and kept on `globalThis`; the resolver recomputes it.
 * Under `next start` and `next dev` (Next 16.4) the proxy runs in the same
 * process and the same global object as the app's server code, so both sides
 * see one key (checked by experiment; see docs/security.md). A client cannot
 * know the key, so on a page the proxy did not run for, whatever it sent fails
 * the check; the key never leaves the process (it is in no response).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Request header holding the path a viewlet varies by. Set by the viewlet proxy; a client's value is never used. */
export const VIEWLET_PATH_HEADER = 'x-viewlet-path';
/** Request header holding the proxy's proof of {@link VIEWLET_PATH_HEADER}. */
export const VIEWLET_PATH_PROOF_HEADER = 'x-viewlet-path-proof';

const KEY = Symbol.for('next-viewlet.path-key');
type Holder = { [KEY]?: Buffer };

function processKey(): Buffer {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= randomBytes(32));
}

/** The proof for `path` in this process. */
export function pathProof(path: string): string {
  return createHmac('sha256', processKey()).update(path).digest('base64url');
}

/** Whether `proof` was made for `path` by this process (constant-time). */
export function verifyPathProof(path: string, proof: string | null | undefined): boolean {
  if (typeof proof !== 'string' || proof.length !== 43) return false;
  const expected = Buffer.from(pathProof(path), 'latin1');
  const given = Buffer.from(proof, 'latin1');
  return given.length === expected.length && timingSafeEqual(expected, given);
}
