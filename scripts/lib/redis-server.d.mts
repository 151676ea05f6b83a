export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** The pid of the running server, or undefined while stopped. */
  readonly pid: number | undefined;
  /** Starts it again on the same port (after `stop()` or `kill()`). */
  start(): Promise<void>;
  /** Stops it (SIGTERM to its pid, SIGKILL after 2 s) and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills it (SIGKILL: a crash, nothing flushed) and waits for it to exit. */
  kill(): Promise<void>;
}
/** Sends one command to the server on `port`; resolves with the reply as text (`null` for a nil bulk string). */
export function redisCommand(port: number, args: string[], timeoutMs?: number): Promise<string | null>;
export function waitForPing(port: number, timeoutMs?: number): Promise<void>;
/** `args` are appended to the server's command line (e.g. cluster settings). */
export function startRedis(options?: { port?: number; bin?: string; args?: string[] }): Promise<RedisServer>;
