import { cookies } from 'next/headers';
import type { NextRequest } from 'next/server';
import { issueSignedCookie } from 'next-viewlet/core';
import { backTo, seeOther } from '@/lib/back-to';
import { USERS } from '@/lib/db';
import { secureFor, USER_COOKIE } from '@/lib/identity';

/** Demo sign-in: /signin?as=alice issues a signed user cookie (a week) and goes back. */
export async function GET(request: NextRequest) {
  const user = request.nextUrl.searchParams.get('as') ?? '';
  if (!Object.hasOwn(USERS, user)) {
    return Response.json({ error: `Unknown demo user; use one of: ${Object.keys(USERS).join(', ')}.` }, { status: 400 });
  }
  (await cookies()).set(issueSignedCookie(USER_COOKIE, user, { maxAgeSeconds: 7 * 86_400, secure: secureFor(request.nextUrl) }));
  return seeOther(backTo(request));
}
