/**
 * Test and benchmark infrastructure only: an HTTP endpoint on 127.0.0.1 that
 * speaks the Upstash REST protocol in front of a real redis-server, so the real
 * `@upstash/redis` client can run here (the official emulator is a Docker
 * image). Protocol: POST only; `authorization: Bearer <token>` or 401
 * `{error}`; `/` → 200 `{result}` | 400 `{error}`; `/pipeline` → always 200,
 * an array of `{result}|{error}`; `/multi-exec` → MULTI/EXEC on one
 * connection, 400 `{error}` when aborted. With `upstash-encoding: base64`
 * every string reply is base64 of its raw bytes (replies are read as Buffers).
 *
 * It counts what a bill would: requests by path, and body bytes received and
 * sent (what crosses the network to a hosted Upstash, headers aside).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { createClient, RESP_TYPES } from 'redis';

function encode(reply, base64) {
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString('base64') : reply.toString('utf8');
  if (Array.isArray(reply)) return reply.map((item) => encode(item, base64));
  if (reply instanceof Error) return reply.message;
  return reply ?? null;
}

const toArgs = (command) => {
  if (!Array.isArray(command) || command.length === 0) throw new Error('ERR a command is a non-empty JSON array');
  return command.map((arg) => (typeof arg === 'string' ? arg : typeof arg === 'object' ? JSON.stringify(arg) : String(arg)));
};

/** @param {string} redisUrl @param {string} [token] */
export async function startUpstashRestServer(redisUrl, token = randomBytes(16).toString('hex')) {
  const redis = createClient({ url: redisUrl, socket: { reconnectStrategy: 100 } }).withTypeMapping({
    [RESP_TYPES.BLOB_STRING]: Buffer,
    [RESP_TYPES.SIMPLE_STRING]: Buffer,
  });
  redis.on('error', () => {}); // tests and benchmarks stop redis-server on purpose
  await redis.connect();
  const run = (command) => redis.sendCommand(toArgs(command));
  const requests = {};
  const bytes = { received: 0, sent: 0 };

  const server = http.createServer(async (req, res) => {
    const send = (status, body) => {
      const text = JSON.stringify(body);
      bytes.sent += Buffer.byteLength(text);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    };
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests[path] = (requests[path] ?? 0) + 1;
    if (req.method !== 'POST') return send(405, { error: 'ERR only POST is supported' });
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: 'Unauthorized' });
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const raw = Buffer.concat(chunks);
    bytes.received += raw.byteLength;
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    let body;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return send(400, { error: 'ERR the body is not JSON' });
    }
    const fail = (error) => ({ error: error instanceof Error ? error.message : String(error) });
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
        const replies = await multi.exec();
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
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    bytes,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
      redis.destroy();
    },
  };
}
