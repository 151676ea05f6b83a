import type { SignedCookieOptions } from 'next-viewlet/core';

/** The fixture's signed user cookie; tests sign their own with FIXTURE_COOKIE_SECRET. */
export const USER_COOKIE: SignedCookieOptions = {
  name: 'fx-user',
  secrets: [process.env.FIXTURE_COOKIE_SECRET || 'fixture-only-secret-not-for-production-use'],
};

/** How a viewlet shows whose output it is: base64url of the id, or a marker no base64url can spell. */
export function userMark(user: string | null | undefined): string {
  return user == null ? '~anonymous~' : Buffer.from(user, 'utf8').toString('base64url');
}
