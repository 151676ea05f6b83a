import { connection } from 'next/server';
import { renders } from '@/lib/renders';

/** Render counts of this process, per viewlet and variant. */
export async function GET() {
  await connection();
  return Response.json(renders());
}
