import type { NextRequest } from 'next/server';
import { backTo, seeOther } from '@/lib/back-to';
import { USERS } from '@/lib/db';
import { USER_COOKIE } from '@/viewlets/setup';

/** Demo sign-in: /signin?as=alice sets the user cookie and goes back. */
export function GET(request: NextRequest) {
  const user = request.nextUrl.searchParams.get('as') ?? '';
  if (!Object.hasOwn(USERS, user)) {
    return Response.json({ error: `Unknown demo user; use one of: ${Object.keys(USERS).join(', ')}.` }, { status: 400 });
  }
  const response = seeOther(backTo(request));
  response.headers.append('set-cookie', `${USER_COOKIE}=${user}; Path=/; HttpOnly; SameSite=Lax`);
  return response;
}
