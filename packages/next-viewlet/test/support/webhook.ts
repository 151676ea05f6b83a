/**
 * Test helpers for the webhook: fixed secrets and clock, signed requests, a
 * handler wired to a test store, and a real node:http server in front of a handler.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { expect, vi } from 'vitest';
import { createRevalidationHandler, type RevalidationEvent, type RevalidationHandlerOptions } from '../../src/webhook/handler.ts';
import { parseSecret } from '../../src/webhook/secrets.ts';
import { memoryStore, TEST_STORE_EPOCH } from './test-store.ts';
import { hmacSha256, signWebhook } from '../../src/webhook/signature.ts';

/** Fixed keys: 32 bytes each, made for these tests only. */
export const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
export const OLD_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
export const OTHER_SECRET = `whsec_${Buffer.alloc(32, 11).toString('base64')}`;
/** 2023-11-14T22:13:20Z, in ms. */
export const NOW = TEST_STORE_EPOCH;
export const NOW_S = NOW / 1000;
export const URL_ = 'https://shop.test/api/viewlets/revalidate';

export interface SignedRequestOptions {
  /** JSON-serialised unless `body` is given. Default `{ tags: ['product:1'] }`. */
  payload?: unknown;
  /** Exact body bytes to sign and send. */
  body?: string | Uint8Array;
  /** Bytes to send instead of the signed ones (tampering). */
  sendBody?: string | Uint8Array | ReadableStream<Uint8Array> | null;
  secret?: string | string[];
  id?: string;
  timestamp?: number;
  method?: string;
  url?: string;
  /** Overrides; `null` removes a header. */
  headers?: Record<string, string | null>;
}

export function signedRequest(options: SignedRequestOptions = {}): Request {
  const body = options.body ?? JSON.stringify(options.payload ?? { tags: ['product:1'] });
  const signed = signWebhook({
    secret: options.secret ?? SECRET,
    body,
    id: options.id ?? 'msg_test_1',
    timestamp: options.timestamp ?? NOW_S,
  });
  const headers = new Headers({ 'content-type': 'application/json', ...signed });
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  const method = options.method ?? 'POST';
  const sendBody = options.sendBody === undefined ? body : options.sendBody;
  return new Request(options.url ?? URL_, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? null : sendBody,
    ...(sendBody instanceof ReadableStream && { duplex: 'half' }),
  } as RequestInit);
}

/** `v1,<base64>` over arbitrary header texts (for timestamps signWebhook refuses to produce). */
export function rawSignature(secret: string, id: string, timestamp: string, body: string | Uint8Array): string {
  return `v1,${hmacSha256(parseSecret(secret), `${id}.${timestamp}.`, body).toString('base64')}`;
}

/** A handler with an invalidate spy, a test store, a fixed clock, an event log and a log of its own lines. */
export function setup(overrides: Partial<RevalidationHandlerOptions> = {}) {
  const store = memoryStore();
  const invalidate = vi.fn<NonNullable<RevalidationHandlerOptions['invalidate']>>();
  const events: RevalidationEvent[] = [];
  const logs: string[] = [];
  const clock = store.clock;
  const handler = createRevalidationHandler({
    secrets: [SECRET],
    store,
    invalidate,
    now: () => clock.now,
    onEvent: (event) => events.push(event),
    logger: {
      debug: () => {},
      warn: (line) => logs.push(`warn: ${line}`),
      error: (line) => logs.push(`error: ${line}`),
    },
    ...overrides,
  });
  return { handler, store, invalidate, events, logs, clock };
}

export async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return body.error;
}

/** IncomingMessage → web Request, as Next does for a Route Handler. */
export function toWebRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
    duplex: 'half',
  } as RequestInit);
}

/** Serves `handler` on 127.0.0.1 at a random port. */
export async function serve(handler: (request: Request) => Promise<Response>): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    try {
      const response = await handler(toWebRequest(req));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(599).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/viewlets/revalidate`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Asserts a refusal: the status (and code), and that nothing happened: no
 * invalidation, no replay record.
 */
export async function expectRefused(
  ctx: Pick<ReturnType<typeof setup>, 'invalidate' | 'store'>,
  response: Response,
  status: number,
  code?: string,
): Promise<{ code: string; message: string }> {
  const error = await errorOf(response);
  expect({ status: response.status, code: error.code }).toEqual({ status, code: code ?? error.code });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(ctx.invalidate).not.toHaveBeenCalled();
  expect([...ctx.store.records.keys()]).toEqual([]);
  return error;
}
