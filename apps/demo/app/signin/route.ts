import { NextResponse, type NextRequest } from 'next/server';
import { USERS } from '@/lib/db';
import { USER_COOKIE } from '@/viewlets/setup';
import { backTo } from '@/lib/back-to';

/** Demo sign-in: /signin?as=alice sets the user cookie and goes back. */
export function GET(request: NextRequest) {
  const user = request.nextUrl.searchParams.get('as') ?? '';
  if (!Object.hasOwn(USERS, user)) {
    return NextResponse.json({ error: `Unknown demo user; use one of: ${Object.keys(USERS).join(', ')}.` }, { status: 400 });
  }
  const response = NextResponse.redirect(backTo(request), 303);
  response.cookies.set(USER_COOKIE, user, { httpOnly: true, sameSite: 'lax', path: '/' });
  return response;
}
