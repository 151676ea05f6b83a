/**
 * Who may invalidate from the dashboard: a signed-in demo user marked admin
 * (`/signin?as=ada`). Read from the verified user cookie, so an edited or
 * forged cookie is no admin.
 */
import { cookies } from 'next/headers';
import { verifySignedCookie } from 'next-viewlet/core';
import { USERS } from './db';
import { USER_COOKIE } from './identity';

/** The demo user who signs in as admin. */
export const ADMIN_USER = 'ada';

/** Whether this request comes from a signed-in admin. */
export async function isAdmin(): Promise<boolean> {
  const user = verifySignedCookie(USER_COOKIE, (await cookies()).get(USER_COOKIE.name)?.value)?.value;
  return user !== undefined && Object.hasOwn(USERS, user) && USERS[user]?.admin === true;
}
