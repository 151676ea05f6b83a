import { NextResponse, type NextRequest } from 'next/server';
import { USER_COOKIE } from '@/viewlets/setup';
import { backTo } from '@/lib/back-to';

export function GET(request: NextRequest) {
  const response = NextResponse.redirect(backTo(request), 303);
  response.cookies.delete(USER_COOKIE);
  return response;
}
