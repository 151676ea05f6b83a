import { cookies } from 'next/headers';
import type { NextRequest } from 'next/server';
import { backTo, seeOther } from '@/lib/back-to';
import { USER_COOKIE } from '@/lib/identity';

export async function GET(request: NextRequest) {
  (await cookies()).delete(USER_COOKIE.name);
  return seeOther(backTo(request));
}
