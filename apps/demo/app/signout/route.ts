import type { NextRequest } from 'next/server';
import { backTo, seeOther } from '@/lib/back-to';
import { USER_COOKIE } from '@/viewlets/setup';

export function GET(request: NextRequest) {
  const response = seeOther(backTo(request));
  response.headers.append('set-cookie', `${USER_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
  return response;
}
