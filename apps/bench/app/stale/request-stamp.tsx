import { connection } from 'next/server';

/**
 * When this request started rendering (ms since the epoch), outside any cache.
 * The benchmark compares it with the ticker's render time: a ticker rendered
 * after the request started is one the visitor waited for.
 */
export async function RequestStamp() {
  await connection();
  return <meta name="bench-request-at" content={String(Date.now())} />;
}
