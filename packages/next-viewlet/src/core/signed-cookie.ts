/**
 * Signed cookies: a value the app issued, that a visitor can read but not
 * change. `v1.<payload>.<mac>`, where the payload is base64url JSON
 * `[value, expiresAt | null]` and the MAC is HMAC-SHA256 over the cookie's
 * name and the payload. The name is signed too, so a session cookie cannot be
 * replayed as a user cookie under the same secret. Keys rotate: the first
 * secret signs, every listed secret verifies. Verification never throws on
 * what a visitor sent: anything that does not check out is `null`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ViewletError } from './errors.ts';

/** Where a signed cookie lives and the keys that sign it. */
export interface SignedCookieOptions {
  /** The cookie's name. */
  name: string;
  /**
   * HMAC keys, newest first: the first signs, any of them verifies (list the
   * new and the old one during a rotation). Each is used as text (its UTF-8
   * bytes) and must have at least 32 characters, e.g. `openssl rand -base64 32`.
   * `undefined`, `null` and `''` entries (an unset env variable) are skipped;
   * at least one secret must remain.
   */
  secrets: ReadonlyArray<string | undefined | null>;
}

export interface IssueSignedCookieOptions {
  /**
   * Lifetime in seconds, signed into the value and set as the cookie's `Max-Age`.
   * @default undefined (a browser-session cookie whose value never expires)
   */
  maxAgeSeconds?: number;
  /** Set the `Secure` attribute. @default process.env.NODE_ENV === 'production' */
  secure?: boolean;
  /** Cookie path. @default '/' */
  path?: string;
  /** Clock in ms since the epoch. @default Date.now */
  now?: () => number;
}

/** A cookie ready for `cookies().set(cookie)` or `response.cookies.set(cookie)`. */
export interface IssuedCookie {
  name: string;
  value: string;
  httpOnly: true;
  sameSite: 'lax';
  secure: boolean;
  path: string;
  maxAge?: number;
}

export interface VerifiedCookie {
  value: string;
  /** Expiry signed into the value, in seconds since the epoch; `null` for none. */
  expiresAt: number | null;
  /** `false` when an older secret verified it: issue it again to move it to the current key. */
  currentKey: boolean;
}

/** Shortest accepted secret, in characters. */
export const MIN_COOKIE_SECRET_LENGTH = 32;
/** Browsers keep about 4096 bytes per cookie; anything longer was not issued by us. */
const MAX_COOKIE_LENGTH = 4096;
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAC_BYTES = 32;

function fail(where: string, message: string, code: 'E_INVALID_SETTINGS' | 'E_INVALID_ARGS' = 'E_INVALID_SETTINGS'): never {
  throw new ViewletError(code, `${where}: ${message}`);
}

/** Checks a cookie's options and returns its keys (current first). Throws `E_INVALID_SETTINGS`. */
export function cookieKeys(options: SignedCookieOptions, where = 'signed cookie'): { name: string; keys: Buffer[] } {
  if (options === null || typeof options !== 'object') fail(where, 'give { name, secrets }.');
  const { name, secrets } = options;
  if (typeof name !== 'string' || !COOKIE_NAME.test(name)) {
    fail(where, `name must be a cookie name (letters, digits and !#$%&'*+-.^_\`|~), got ${JSON.stringify(name)}.`);
  }
  if (!Array.isArray(secrets)) fail(where, 'secrets must be an array of strings (several during a key rotation).');
  const keys: Buffer[] = [];
  secrets.forEach((secret, i) => {
    if (secret === undefined || secret === null || secret === '') return;
    if (typeof secret !== 'string') fail(where, `secrets[${i}] must be a string, got ${typeof secret}.`);
    if (secret.length < MIN_COOKIE_SECRET_LENGTH) {
      fail(
        where,
        `secrets[${i}] has ${secret.length} characters; use at least ${MIN_COOKIE_SECRET_LENGTH} random ones (openssl rand -base64 32).`,
      );
    }
    keys.push(Buffer.from(secret, 'utf8'));
  });
  if (keys.length === 0) {
    fail(where, 'no secret is set (an unset env variable?); give at least one of 32+ random characters.');
  }
  return { name, keys };
}

function mac(key: Buffer, name: string, payload: string): Buffer {
  return createHmac('sha256', key).update(`next-viewlet.cookie.v1\u0000${name}\u0000${payload}`).digest();
}

/** The signed value of a cookie holding `value` (optionally expiring at `expiresAt`, seconds since the epoch). */
export function signCookieValue(options: SignedCookieOptions, value: string, expiresAt: number | null = null): string {
  const { name, keys } = cookieKeys(options);
  if (typeof value !== 'string' || value === '') fail('signCookieValue', 'the value must be a non-empty string.', 'E_INVALID_ARGS');
  if (expiresAt !== null && !Number.isSafeInteger(expiresAt)) {
    fail('signCookieValue', 'expiresAt must be whole seconds since the epoch.', 'E_INVALID_ARGS');
  }
  const payload = Buffer.from(JSON.stringify([value, expiresAt]), 'utf8').toString('base64url');
  const signed = `v1.${payload}.${mac(keys[0]!, name, payload).toString('base64url')}`;
  if (signed.length > MAX_COOKIE_LENGTH) {
    fail(
      'signCookieValue',
      `the signed value is ${signed.length} characters; browsers keep at most ${MAX_COOKIE_LENGTH} per cookie.`,
      'E_INVALID_ARGS',
    );
  }
  return signed;
}

/** A signed cookie for `value`, HttpOnly and SameSite=Lax, to set on a response. */
export function issueSignedCookie(options: SignedCookieOptions, value: string, issue: IssueSignedCookieOptions = {}): IssuedCookie {
  const { maxAgeSeconds } = issue;
  if (maxAgeSeconds !== undefined && (!Number.isSafeInteger(maxAgeSeconds) || maxAgeSeconds < 1)) {
    fail('issueSignedCookie', `maxAgeSeconds must be a positive whole number, got ${maxAgeSeconds}.`, 'E_INVALID_ARGS');
  }
  const now = (issue.now ?? Date.now)();
  const expiresAt = maxAgeSeconds === undefined ? null : Math.floor(now / 1000) + maxAgeSeconds;
  return {
    name: options.name,
    value: signCookieValue(options, value, expiresAt),
    httpOnly: true,
    sameSite: 'lax',
    secure: issue.secure ?? process.env.NODE_ENV === 'production',
    path: issue.path ?? '/',
    ...(maxAgeSeconds !== undefined && { maxAge: maxAgeSeconds }),
  };
}

function decodePayload(payload: string): { value: string; expiresAt: number | null } | null {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(data) || data.length !== 2) return null;
  const [value, expiresAt] = data as unknown[];
  if (typeof value !== 'string' || value === '') return null;
  if (expiresAt !== null && !Number.isSafeInteger(expiresAt)) return null;
  return { value, expiresAt: expiresAt as number | null };
}

/**
 * Verifies a signed cookie value. `null` for a missing, malformed, tampered,
 * foreign-keyed or expired one; never throws on the value. `keys` come from
 * {@link cookieKeys} (checked once, when configured).
 */
export function verifyCookieValue(
  cookie: { name: string; keys: readonly Buffer[] },
  raw: string | undefined,
  now: number = Date.now(),
): VerifiedCookie | null {
  if (typeof raw !== 'string' || raw.length > MAX_COOKIE_LENGTH) return null;
  const parts = raw.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1') return null;
  const [, payload = '', signature = ''] = parts;
  if (signature.length !== 43 || !BASE64URL.test(payload) || !BASE64URL.test(signature)) return null;
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== MAC_BYTES) return null;
  // Every key is tried, so the time taken does not say which one matched.
  let matched = -1;
  cookie.keys.forEach((key, i) => {
    if (timingSafeEqual(mac(key, cookie.name, payload), given) && matched < 0) matched = i;
  });
  if (matched < 0) return null;
  const decoded = decodePayload(payload);
  if (!decoded) return null;
  if (decoded.expiresAt !== null && Math.floor(now / 1000) >= decoded.expiresAt) return null;
  return { ...decoded, currentKey: matched === 0 };
}

/** {@link verifyCookieValue} for apps: checks the options, then the value. */
export function verifySignedCookie(options: SignedCookieOptions, raw: string | undefined, now?: number): VerifiedCookie | null {
  return verifyCookieValue(cookieKeys(options), raw, now);
}
