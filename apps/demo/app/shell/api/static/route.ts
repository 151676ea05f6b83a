import { getShellData } from '../../shell-data';

/** A route handler prerendered at build (its data is `'use cache'` only), purged with `shell-data`. */
export async function GET() {
  return Response.json(await getShellData());
}
