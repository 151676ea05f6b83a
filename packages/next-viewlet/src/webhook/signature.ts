/**
 * Standard Webhooks signatures: `webhook-signature: v1,<base64 HMAC-SHA256>`
 * over `${webhook-id}.${webhook-timestamp}.` followed by the raw body bytes.
 * Headers are parsed strictly (the reference JS library accepts
 * `1700000000junk` as a timestamp because it uses parseInt); signatures are
 * compared with `timingSafeEqual` on buffers of equal length.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ViewletError } from '../core/errors.ts';
import { parseSecret, parseSecrets } from './secrets.ts';

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const TIMESTAMP_PATTERN = /^\d{1,10}$/;
/** A v1 signature is 32 bytes: exactly 43 base64 characters and one `=`. */
const V1_VALUE = /^[A-Za-z0-9+/]{43}=$/;
const OTHER_VERSION = /^v[0-9a-z]{1,8}$/;
export const MAX_SIGNATURES = 5;
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** HMAC-SHA256 of `data` under `key` (text is UTF-8). */
export function hmacSha256(key: Uint8Array | string, ...data: (Uint8Array | string)[]): Buffer {
  const hmac = createHmac('sha256', key);
  for (const part of data) hmac.update(part);
  return hmac.digest();
}

function signedBytes(key: Uint8Array, id: string, timestamp: number | string, body: Uint8Array | string): Buffer {
  return hmacSha256(key, `${id}.${timestamp}.`, body);
}

export interface SignWebhookOptions {
  /** `whsec_...` secret, or several (each adds a signature: both sides of a rotation accept the message). */
  secret: string | readonly string[];
  /** Message id, unique per message and kept across retries. @default `msg_` + 24 random base64url characters */
  id?: string;
  /** Seconds since the epoch. @default now */
  timestamp?: number;
  /** The exact bytes that will be sent. */
  body: string | Uint8Array;
}

/** A type alias, not an interface, so it can be passed wherever `HeadersInit` is expected. */
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** The three Standard Webhooks headers for `body`. Throws `E_WEBHOOK_SECRET` / `E_WEBHOOK_HEADERS` on bad input. */
export function signWebhook(options: SignWebhookOptions): WebhookHeaders {
  const secrets = typeof options.secret === 'string' ? [options.secret] : [...options.secret];
  const keys = secrets.map((secret, i) => parseSecret(secret, secrets.length === 1 ? 'secret' : `secret[${i}]`));
  if (keys.length === 0 || keys.length > MAX_SIGNATURES) {
    throw new ViewletError('E_WEBHOOK_SECRET', `signWebhook needs 1 to ${MAX_SIGNATURES} secrets, got ${keys.length}.`);
  }
  const id = options.id ?? `msg_${randomBytes(18).toString('base64url')}`;
  if (!ID_PATTERN.test(id)) {
    throw new ViewletError('E_WEBHOOK_HEADERS', `webhook id ${JSON.stringify(id)} must be 1-64 characters of A-Z a-z 0-9 _ -.`);
  }
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(timestamp) || !TIMESTAMP_PATTERN.test(String(timestamp))) {
    throw new ViewletError(
      'E_WEBHOOK_HEADERS',
      `webhook timestamp must be whole seconds since the epoch (at most 10 digits), got ${timestamp}.`,
    );
  }
  const signature = keys.map((key) => `v1,${signedBytes(key, id, timestamp, options.body).toString('base64')}`).join(' ');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

type HeaderSource = Headers | Readonly<Record<string, string | undefined>>;

function header(headers: HeaderSource, name: string): string | null {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value ?? null;
  }
  return null;
}

/** The decoded v1 signatures of a `webhook-signature` header; other versions are skipped, anything malformed throws. */
function parseSignatures(value: string): Buffer[] {
  const entries = value.split(' ');
  if (entries.length > MAX_SIGNATURES) {
    throw new ViewletError('E_WEBHOOK_HEADERS', `webhook-signature has ${entries.length} entries; at most ${MAX_SIGNATURES} are accepted.`);
  }
  const v1: Buffer[] = [];
  for (const entry of entries) {
    const comma = entry.indexOf(',');
    const version = entry.slice(0, comma);
    const signature = entry.slice(comma + 1);
    if (comma > 0 && version === 'v1' && V1_VALUE.test(signature)) v1.push(Buffer.from(signature, 'base64'));
    else if (comma > 0 && version !== 'v1' && OTHER_VERSION.test(version) && signature.length > 0) continue;
    else {
      throw new ViewletError(
        'E_WEBHOOK_HEADERS',
        'webhook-signature must be space-separated "v1,<base64 of 32 bytes>" entries (standard base64, padded).',
      );
    }
  }
  if (v1.length === 0) throw new ViewletError('E_WEBHOOK_SIGNATURE', 'webhook-signature has no v1 signature.');
  return v1;
}

export interface VerifyWebhookOptions {
  /** `whsec_...` secrets; a message signed with any of them is accepted (rotation). */
  secrets: readonly string[];
  /** The request headers (a `Headers` or a plain object; names are case-insensitive). */
  headers: HeaderSource;
  /** The raw body, exactly as received. */
  body: Uint8Array | string;
  /** Current time in ms since the epoch. @default Date.now() */
  now?: number;
  /** Accepted clock difference, both ways, in seconds. @default 300 */
  toleranceSeconds?: number;
}

export interface VerifiedWebhook {
  /** The message id, from `webhook-id`. */
  id: string;
  /** Seconds since the epoch, from `webhook-timestamp`. */
  timestamp: number;
}

/**
 * Verifies a Standard Webhooks message. Returns its id and timestamp, or
 * throws a `ViewletError`: `E_WEBHOOK_HEADERS` (missing or malformed header),
 * `E_WEBHOOK_TIMESTAMP` (outside the tolerance), `E_WEBHOOK_SIGNATURE` (no
 * signature matches), `E_WEBHOOK_SECRET` (no usable secret). A `now` or
 * `toleranceSeconds` that is not a finite number (or a negative tolerance)
 * throws `E_WEBHOOK_OPTIONS` rather than skipping the freshness check.
 */
export function verifyWebhook(options: VerifyWebhookOptions): VerifiedWebhook {
  const keys = parseSecrets(options.secrets);
  if (keys.length === 0) throw new ViewletError('E_WEBHOOK_SECRET', 'verifyWebhook needs at least one secret.');
  const { id, timestamp } = verifyWithKeys(keys, options);
  return { id, timestamp };
}

/** `verifyWebhook` with secrets parsed once (the handler's path); `key` is the index of the secret that matched. */
export function verifyWithKeys(
  keys: readonly Uint8Array[],
  options: Omit<VerifyWebhookOptions, 'secrets'>,
): VerifiedWebhook & { key: number } {
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowMs = options.now ?? Date.now();
  // NaN would make the freshness comparison false, accepting any timestamp: fail closed.
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new ViewletError('E_WEBHOOK_OPTIONS', `verifyWebhook: toleranceSeconds must be a finite number >= 0, got ${tolerance}.`);
  }
  if (!Number.isFinite(nowMs)) throw new ViewletError('E_WEBHOOK_OPTIONS', `verifyWebhook: now must be a finite time in ms, got ${nowMs}.`);
  const id = header(options.headers, 'webhook-id');
  const timestampText = header(options.headers, 'webhook-timestamp');
  const signatureText = header(options.headers, 'webhook-signature');
  if (!id || !timestampText || !signatureText) {
    const missing = [!id && 'webhook-id', !timestampText && 'webhook-timestamp', !signatureText && 'webhook-signature'].filter(Boolean);
    throw new ViewletError('E_WEBHOOK_HEADERS', `missing or empty header(s): ${missing.join(', ')}.`);
  }
  if (!ID_PATTERN.test(id)) {
    throw new ViewletError('E_WEBHOOK_HEADERS', 'webhook-id must be 1-64 characters of A-Z a-z 0-9 _ - (sent once).');
  }
  if (!TIMESTAMP_PATTERN.test(timestampText)) {
    throw new ViewletError('E_WEBHOOK_HEADERS', 'webhook-timestamp must be whole seconds since the epoch: 1 to 10 digits, nothing else.');
  }
  const signatures = parseSignatures(signatureText);
  const timestamp = Number(timestampText);
  const now = Math.floor(nowMs / 1000);
  if (Math.abs(now - timestamp) > tolerance) {
    throw new ViewletError(
      'E_WEBHOOK_TIMESTAMP',
      `webhook-timestamp is ${timestamp - now} s from the receiver's clock; at most ±${tolerance} s is accepted (sign right before sending; check the sender's clock).`,
    );
  }
  for (const [index, key] of keys.entries()) {
    const expected = signedBytes(key, id, timestampText, options.body);
    if (signatures.some((signature) => timingSafeEqual(signature, expected))) return { id, timestamp, key: index };
  }
  throw new ViewletError('E_WEBHOOK_SIGNATURE', 'no signature matches: wrong secret, or the id, timestamp or body changed after signing.');
}
