/**
 * Test infrastructure only: an HTTP endpoint on 127.0.0.1 that speaks the
 * Upstash REST protocol in front of a real redis-server, so the real
 * `@upstash/redis` client can be tested here (the official emulator is a
 * Docker image). Protocol: POST only; `authorization: Bearer <token>` or 401
 * `{error}`; `/` → 200 `{result}` | 400 `{error}`; `/pipeline` → always 200,
 * an array of `{result}|{error}`; `/multi-exec` → MULTI/EXEC on one
 * connection, 400 `{error}` when aborted. With `upstash-encoding: base64`
 * every string reply is base64 of its raw bytes (replies are read as Buffers).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, RESP_TYPES } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import { useRedisServer, type RedisServer } from './redis-server.ts';

export interface UpstashRestServer {
  readonly url: string;
  readonly token: string;
  /** Requests served so far, by path. */
  readonly requests: Record<string, number>;
  close(): Promise<void>;
}

type Reply = Buffer | number | null | Reply[] | Error;

function encode(reply: Reply, base64: boolean): unknown {
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString('base64') : reply.toString('utf8');
  if (Array.isArray(reply)) return reply.map((item) => encode(item, base64));
  if (reply instanceof Error) return reply.message;
  return reply ?? null;
}

const toArgs = (command: unknown): string[] => {
  if (!Array.isArray(command) || command.length === 0) throw new Error('ERR a command is a non-empty JSON array');
  return command.map((arg) => (typeof arg === 'string' ? arg : typeof arg === 'object' ? JSON.stringify(arg) : String(arg)));
};

export async function startUpstashRestServer(redisUrl: string, token = randomBytes(16).toString('hex')): Promise<UpstashRestServer> {
  const redis = createClient({ url: redisUrl, socket: { reconnectStrategy: 100 } }).withTypeMapping({
    [RESP_TYPES.BLOB_STRING]: Buffer,
    [RESP_TYPES.SIMPLE_STRING]: Buffer,
  });
  redis.on('error', () => {}); // the tests stop redis-server on purpose
  await redis.connect();
  const run = (command: unknown) => redis.sendCommand(toArgs(command)) as Promise<Reply>;
  const requests: Record<string, number> = {};

  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests[path] = (requests[path] ?? 0) + 1;
    if (req.method !== 'POST') return send(405, { error: 'ERR only POST is supported' });
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: 'Unauthorized' });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(400, { error: 'ERR the body is not JSON' });
    }
    const fail = (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) });
    try {
      if (path === '/' || path === '') return send(200, { result: encode(await run(body), base64) });
      if (!Array.isArray(body)) return send(400, { error: 'ERR a pipeline is a JSON array of commands' });
      if (path === '/pipeline') {
        const settled = await Promise.allSettled(body.map(run));
        return send(
          200,
          settled.map((r) => (r.status === 'fulfilled' ? { result: encode(r.value, base64) } : fail(r.reason))),
        );
      }
      if (path === '/multi-exec') {
        const multi = redis.multi();
        for (const command of body) multi.addCommand(toArgs(command));
        const replies = (await multi.exec()) as unknown as Reply[];
        return send(
          200,
          replies.map((r) => (r instanceof Error ? fail(r) : { result: encode(r, base64) })),
        );
      }
      return send(404, { error: `ERR unknown path ${path}` });
    } catch (error) {
      return send(400, fail(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.destroy();
    },
  };
}

/**
 * For a test file: a redis-server plus the REST endpoint in front of it,
 * started before the file's tests and stopped after them.
 */
export function useUpstashBackend(): { readonly rest: UpstashRestServer; readonly redis: RedisServer } {
  const redis = useRedisServer();
  const backend = {
    get redis() {
      return redis.server;
    },
  } as { rest: UpstashRestServer; readonly redis: RedisServer };
  beforeAll(async () => {
    backend.rest = await startUpstashRestServer(redis.server.url);
  });
  afterAll(async () => {
    await backend.rest?.close();
  });
  return backend;
}
