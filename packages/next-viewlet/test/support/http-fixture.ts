/**
 * A loopback HTTP server answering from a table of routes, for the CLI tests:
 * pages, sitemaps, a webhook and a stats endpoint, with a log of what was asked.
 * A route may answer directly, from a function, or with a fetch `Response`
 * (e.g. from a real Route Handler such as createStatsHandler).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answer = { status?: number; body?: string | Uint8Array; headers?: Record<string, string> };
export interface FixtureRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
export type Route = Answer | ((request: FixtureRequest) => Answer | Response | Promise<Answer | Response>);

export interface HttpFixture {
  origin: string;
  /** Every request, in the order they arrived. */
  requests: FixtureRequest[];
  routes: Record<string, Route>;
  close(): Promise<void>;
}

async function answerOf(value: Answer | Response): Promise<Answer> {
  if (!(value instanceof Response)) return value;
  return { status: value.status, headers: Object.fromEntries(value.headers), body: new Uint8Array(await value.arrayBuffer()) };
}

/** A `Request` for a route function to hand to a real handler. */
export function toRequest(origin: string, request: FixtureRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers.set(name, value);
  return new Request(new URL(request.url, origin), {
    method: request.method,
    headers,
    ...(request.method !== 'GET' && { body: request.body }),
  });
}

export async function serveRoutes(routes: Record<string, Route>): Promise<HttpFixture> {
  const requests: FixtureRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(request);
    const route = fixture.routes[new URL(request.url, 'http://x').pathname];
    const answer = await answerOf(typeof route === 'function' ? await route(request) : (route ?? { status: 404, body: 'not found' }));
    res.writeHead(answer.status ?? 200, answer.headers ?? { 'content-type': 'text/html' });
    res.end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fixture: HttpFixture = {
    origin: `http://127.0.0.1:${port}`,
    requests,
    routes,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fixture;
}
