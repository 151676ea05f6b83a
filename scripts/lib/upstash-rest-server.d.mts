export interface UpstashRestServer {
  readonly url: string;
  readonly token: string;
  /** Requests served so far, by path. */
  readonly requests: Record<string, number>;
  /** Request and response body bytes so far (what a hosted Upstash would carry, headers aside). */
  readonly bytes: { received: number; sent: number };
  close(): Promise<void>;
}
/** An Upstash REST endpoint on 127.0.0.1 in front of the redis-server at `redisUrl`. */
export function startUpstashRestServer(redisUrl: string, token?: string): Promise<UpstashRestServer>;
