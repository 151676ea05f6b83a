export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** The pid of the running server, or undefined while stopped. */
  readonly pid: number | undefined;
  /** Starts it again on the same port (after `stop()`). */
  start(): Promise<void>;
  /** Stops it (SIGTERM to its pid, SIGKILL after 2 s) and waits for it to exit. */
  stop(): Promise<void>;
}
export function waitForPing(port: number, timeoutMs?: number): Promise<void>;
export function startRedis(options?: { port?: number; bin?: string }): Promise<RedisServer>;
