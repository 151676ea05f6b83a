/**
 * The cookie shortcuts of `identity.userCookie` / `identity.sessionCookie`:
 * a signed cookie (verified on every read) or, behind a loudly named opt-in,
 * a cookie taken as it is. A bare cookie name is refused: a visitor controls
 * every cookie it sends, so `Cookie: uid=bob` would make anyone Bob.
 */
import { ViewletError } from './errors.ts';
import { cookieKeys, verifyCookieValue, type SignedCookieOptions } from './signed-cookie.ts';
import { warnOnce } from '../util/log.ts';
import type { RequestSnapshot } from './settings.ts';

/** A cookie taken as it is: only for a value something in front of the app has already verified. */
export interface UnsignedCookieIdentity {
  /** The cookie's name. */
  name: string;
  /**
   * Must be `true`: any visitor can send any value in this cookie and be
   * treated as that user (or session). Logs a warning once in production.
   */
  trustUnsignedCookie: true;
}

/** A signed cookie (`{ name, secrets }`, issued with `issueSignedCookie`) or the unsigned opt-in. */
export type CookieIdentity = SignedCookieOptions | UnsignedCookieIdentity;

type Reader = (request: RequestSnapshot) => string | null;

const readers = new WeakMap<object, Reader>();

function bareNameError(kind: 'user' | 'session', name: unknown): ViewletError {
  const example = typeof name === 'string' && /^[\w.-]{1,64}$/.test(name) ? name : 'uid';
  return new ViewletError(
    'E_INVALID_SETTINGS',
    `identity.${kind}Cookie is a bare cookie name (${JSON.stringify(String(name).slice(0, 64))}); anyone can send that cookie with any ${kind} id. ` +
      `Sign it: ${kind}Cookie: { name: '${example}', secrets: [process.env.VIEWLET_COOKIE_SECRET] }, issued with issueSignedCookie(); ` +
      `or resolve the ${kind} from your auth with identity.${kind}: (request) => id | null. ` +
      `Only if something in front of the app already verifies this cookie, opt in with { name: '${example}', trustUnsignedCookie: true }.`,
  );
}

/**
 * The reader for a cookie option: checks it once (throws `E_INVALID_DEFINITION`
 * with what to do), then returns a function giving the verified value or `null`.
 */
export function cookieIdentity(kind: 'user' | 'session', option: unknown): Reader {
  if (option === null || typeof option !== 'object') throw bareNameError(kind, option);
  const known = readers.get(option);
  if (known) return known;
  const where = `identity.${kind}Cookie`;
  const { name, trustUnsignedCookie, secrets } = option as Partial<UnsignedCookieIdentity> & Partial<SignedCookieOptions>;
  let reader: Reader;
  if (trustUnsignedCookie !== undefined) {
    if (trustUnsignedCookie !== true || secrets !== undefined) {
      throw new ViewletError(
        'E_INVALID_SETTINGS',
        `${where}: give either secrets (a signed cookie) or trustUnsignedCookie: true (a cookie taken as it is), not both.`,
      );
    }
    const { name: checked } = cookieKeys({ name: name as string, secrets: ['x'.repeat(32)] }, where);
    if (process.env.NODE_ENV === 'production') {
      warnOnce(
        `unsigned-${kind}-cookie`,
        `${where} "${checked}" is trusted unsigned (trustUnsignedCookie: true): any visitor can claim any ${kind} id by sending it. ` +
          `Use a signed cookie or identity.${kind} unless a proxy in front of the app verifies it.`,
      );
    }
    reader = (request) => request.cookie(checked) || null;
  } else {
    const cookie = cookieKeys(option as SignedCookieOptions, where);
    reader = (request) => verifyCookieValue(cookie, request.cookie(cookie.name))?.value ?? null;
  }
  readers.set(option, reader);
  return reader;
}
